import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { BASELINE_HEADERS } from '../src/http/security-headers.js';
import { errorCodeOf, InjectClient } from './support/inject-client.js';
import { startTestHost, type TestHost } from './support/test-host.js';

let host: TestHost;
let client: InjectClient;

beforeAll(async () => {
  host = await startTestHost({}, { script: await bundleBrowserScript() });
  client = new InjectClient(host.demo.host.app);
}, 60_000);

afterAll(async () => {
  await host?.close();
});

// A URL is attacker-chosen text: echoed into a JSON answer it is reflected content, and a path may carry
// a binding id or a token. The marker shows whether any of it came back.
const MARKER = 'zq7marker';

describe("Fastify's own errors", () => {
  it.each([
    ['FST_ERR_MAX_PARAM_LENGTH', `/api/bindings/${MARKER}${'a'.repeat(120)}`, 414],
    ['FST_ERR_BAD_URL', `/api/bindings/${MARKER}%E0%A4%A`, 400],
  ])(
    '%s is answered by the JSON error handler, with the security headers and no URL',
    async (_code, url, status) => {
      const answer = await client.request({ url });
      expect(answer.status).toBe(status);
      expect(errorCodeOf(answer)).toBe('BAD_REQUEST');
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      for (const [name, value] of Object.entries(BASELINE_HEADERS)) expect(answer.headers[name]).toBe(value);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.text).not.toContain(MARKER);
      expect(answer.text).not.toMatch(/FST_ERR|url component|param length/i);
      // Logged as a refused request, without the URL either.
      expect(host.logs.text()).not.toContain(MARKER);
    },
  );
});
