import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../src/demo.js';
import { startupLines } from '../src/startup-lines.js';

// What a newcomer sees when `pnpm demo` starts, or fails to. No page is served here, so no bundle.
const ENV = { SESSION_SECRET: 'test-session-secret-that-is-long-enough', LOG_LEVEL: 'silent' };

let demo: RunningDemo | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await demo?.close();
  demo = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

function occupyPort(): Promise<number> {
  const server = createServer();
  blocker = server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}

describe('starting the demo', () => {
  it('on a busy port, says which one and suggests PORT=0', async () => {
    const port = await occupyPort();
    await expect(
      startDemo({ ...ENV, PORT: String(port) }, { storage: 'memory', script: '' }),
    ).rejects.toThrow(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*PORT=0`));
  });

  it('with PUBLIC_URL set, prints the local address too', async () => {
    demo = await startDemo(
      { ...ENV, PORT: '0', PUBLIC_URL: 'https://shop.example.com/' },
      { storage: 'memory', script: '' },
    );
    const lines = startupLines({
      url: demo.url,
      listeningUrl: demo.host.listeningUrl,
      paytureEmulator: demo.providers.payture?.baseUrl,
      payonlineEmulator: demo.providers.payonline?.baseUrl,
      storage: demo.storage,
    });
    expect(lines[0]).toBe('cardbind demo host app: https://shop.example.com/');
    expect(lines).toContain(`  Listening ${demo.host.listeningUrl}`);
    expect(demo.host.listeningUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('prints the local address whenever the public one is not the default, even on the same port', () => {
    const facts = {
      listeningUrl: 'http://127.0.0.1:3000/',
      paytureEmulator: 'http://127.0.0.1:41957',
      payonlineEmulator: undefined,
      storage: 'memory',
    };
    const listening = (url: string) =>
      startupLines({ ...facts, url }).filter((line) => line.startsWith('  Listening'));
    expect(listening('https://shop.example.com:3000/')).toEqual(['  Listening http://127.0.0.1:3000/']);
    expect(listening('http://localhost:3000/')).toEqual([]);
    expect(startupLines({ ...facts, url: 'http://localhost:3000/' })).toContain(
      '  PayOnline sandbox from PAYONLINE_BASE_URL',
    );
  });
});
