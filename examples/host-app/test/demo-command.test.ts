import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientConfig } from '../src/shared/api-types.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const URL_LINE = /cardbind demo host app: (http:\/\/\S+)/;

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await stop(child);
  child = undefined;
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Ends the command and everything it started: it runs in its own process group. */
async function stop(command: ChildProcess | undefined): Promise<void> {
  if (!command?.pid || command.exitCode !== null || command.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => command.once('exit', () => resolve()));
  const group = command.pid;
  process.kill(-group, 'SIGTERM');
  await exited;
  // pnpm exits first; the node it started is done when the whole group is.
  while (groupAlive(group)) await new Promise((resolve) => setTimeout(resolve, 20));
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function waitForUrl(command: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no URL printed in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = URL_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    command.stdout?.on('data', read);
    command.stderr?.on('data', read);
    command.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
}

describe('pnpm demo', () => {
  it('builds, starts both emulators and the host app, and prints a URL that answers', async () => {
    // Exactly what a user types; PORT=0 only so that a busy port 3000 cannot fail the test, and a
    // temporary data folder so that it never touches the developer's .cardbind-demo/.
    dataDir = await mkdtemp(join(tmpdir(), 'cardbind-demo-command-'));
    child = spawn('pnpm', ['demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', CARDBIND_DATA_DIR: dataDir },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await waitForUrl(child, 90_000);
    expect(url).toMatch(/^http:\/\/localhost:\d+\/$/);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cardbind demo shop');
    const config = ClientConfig.parse(await (await fetch(new URL('/api/config', url))).json());
    expect(config.providers).toEqual([
      expect.objectContaining({ id: 'payture' }),
      expect.objectContaining({ id: 'payonline' }),
    ]);

    await stop(child);
    expect(child.signalCode ?? child.exitCode).not.toBeNull();
  }, 120_000);
});
