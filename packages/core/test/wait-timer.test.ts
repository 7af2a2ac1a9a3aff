import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/wait-forever.mjs', import.meta.url));

describe('waitForCompletion and the process', () => {
  // Runs the built package (pnpm test builds first), as a host process would.
  it('does not keep a host process alive while it sleeps between polls', async () => {
    const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = await new Promise<number | null>((resolve) => {
      // A referenced timer would hold the process for the 60 s poll delay.
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.once('exit', (code) => {
        clearTimeout(guard);
        resolve(code);
      });
    });
    expect(output).toContain('waiting');
    expect(exited).toBe(0);
  });
});
