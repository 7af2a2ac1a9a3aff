import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = [join(PACKAGE, 'src'), join(PACKAGE, '..', 'core', 'src')];
const BUILT = join(PACKAGE, 'dist', 'index.js');

async function newestSource(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

async function builtAt(): Promise<number> {
  return stat(BUILT).then(
    (s) => s.mtimeMs,
    () => 0,
  );
}

/**
 * Tests that start separate Node processes run the built package, as a host would. `pnpm test` builds
 * first; a lone `vitest run` of this package builds it here when a source is newer than the build.
 */
export async function ensureBuilt(): Promise<void> {
  const newest = Math.max(...(await Promise.all(SOURCES.map(newestSource))));
  if ((await builtAt()) >= newest) return;
  const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
  // A type error elsewhere in the workspace must not hide this test's own result: tsc still emits.
  await run(process.execPath, [tsc, '-b', PACKAGE]).catch(() => undefined);
  if ((await builtAt()) === 0) throw new Error(`${PACKAGE} is not built: run pnpm build`);
}
