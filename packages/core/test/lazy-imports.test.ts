import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const BUILT = join(PACKAGE, 'dist', 'index.js');

/** The built package, rebuilt when a source is newer: a fresh process imports it as a host would. */
async function ensureBuilt(): Promise<void> {
  const entries = await readdir(join(PACKAGE, 'src'), { withFileTypes: true, recursive: true });
  const sources = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs),
  );
  const builtAt = await stat(BUILT).then(
    (built) => built.mtimeMs,
    () => 0,
  );
  if (builtAt >= Math.max(0, ...sources)) return;
  const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
  // A type error elsewhere in the workspace must not hide this test's own result: tsc still emits.
  await run(process.execPath, [tsc, '-b', PACKAGE]).catch(() => undefined);
}

beforeAll(ensureBuilt, 120_000);

/**
 * The CommonJS files a fresh process has loaded after `script`. OpenTelemetry's API is CommonJS, and so
 * are got's http2-wrapper and cacheable-lookup, which got imports when it loads.
 */
async function commonJsLoadedBy(script: string): Promise<string[]> {
  const probe = `${script}
const { createRequire } = await import('node:module');
process.stdout.write(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: PACKAGE });
  const files: unknown = JSON.parse(stdout);
  return Array.isArray(files) ? files.map(String) : [];
}

const core = JSON.stringify(pathToFileURL(BUILT).href);
const isOtel = (file: string): boolean => file.includes('@opentelemetry');
const isGot = (file: string): boolean => file.includes('http2-wrapper');

describe('import("@cardbind/core")', () => {
  it('loads neither got nor the OpenTelemetry API: a host that makes no client and traces nothing never pays for them', async () => {
    const loaded = await commonJsLoadedBy(`await import(${core});`);
    expect(loaded.filter(isOtel)).toEqual([]);
    expect(loaded.filter(isGot)).toEqual([]);
  });

  it('loads both for the first request of an HTTP client', async () => {
    const loaded = await commonJsLoadedBy(
      `const { createHttpClient } = await import(${core});
       const client = createHttpClient({ name: 'probe', retries: 0 });
       // Nothing listens on the discard port: the request fails, after got was loaded to make it.
       await client.request({ method: 'GET', url: 'http://127.0.0.1:9/' }).catch(() => undefined);
       client.close();`,
    );
    expect(loaded.some(isOtel)).toBe(true);
    expect(loaded.some(isGot)).toBe(true);
  });
});
