import { CardBindingError } from '@cardbind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { startDemo } from '../src/demo.js';
import { InMemorySessionStore } from '../src/http/session-store.js';
import { InjectClient } from './support/inject-client.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const OLD_KEY = 'old-session-key-that-is-long-enough-000';
const NEW_KEY = 'new-session-key-that-is-long-enough-111';

let script: string;
const hosts: TestHost[] = [];

beforeAll(async () => {
  script = await bundleBrowserScript();
}, 60_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
});

async function startHost(
  env: Record<string, string | undefined>,
  sessionStore?: InMemorySessionStore,
): Promise<InjectClient> {
  // The test host's own SESSION_SECRET would conflict with a test's SESSION_SECRETS.
  const host = await startTestHost(
    { SESSION_SECRET: undefined, ...env },
    { script, ...(sessionStore === undefined ? {} : { sessionStore }) },
  );
  hosts.push(host);
  return new InjectClient(host.demo.host.app);
}

describe('sessions', () => {
  it('logout revokes the session on the server: a copy of the cookie no longer works', async () => {
    const client = await startHost({ SESSION_SECRET: 'a-session-secret-that-is-long-enough-42' });
    const cookie = await client.logIn('henry');
    expect((await client.request({ url: '/api/session', cookie })).status).toBe(200);

    const logout = await client.request({ method: 'DELETE', url: '/api/session', cookie });
    expect(logout.status).toBe(204);
    // The browser drops the cookie; a copy taken before (a stolen one) must be dead too.
    expect((await client.request({ url: '/api/cards', cookie })).status).toBe(401);
    expect((await client.request({ url: '/api/session', cookie })).json).toEqual({ customerId: null });
    const started = await client.request({
      method: 'POST',
      url: '/api/bindings',
      cookie,
      json: { provider: 'payonline' },
    });
    expect(started.status).toBe(401);
    // Logging out only ends that session: the customer can log in again.
    const again = await client.logIn('henry');
    expect((await client.request({ url: '/api/session', cookie: again })).status).toBe(200);
  });

  it('names its key in the cookie: old sessions outlive a key rotation until the old key is dropped', async () => {
    // Three instances behind one load balancer, sharing their session store, at three stages of a
    // rotation: before it, with the new key current and the old one still accepted, and after it.
    const store = new InMemorySessionStore();
    const before = await startHost({ SESSION_SECRETS: `k1:${OLD_KEY}` }, store);
    const during = await startHost({ SESSION_SECRETS: `k2:${NEW_KEY},k1:${OLD_KEY}` }, store);
    const after = await startHost({ SESSION_SECRETS: `k2:${NEW_KEY}` }, store);

    const oldCookie = await before.logIn('ivan');
    expect(oldCookie.split('=')[1]).toMatch(/^k1\./);
    expect((await during.request({ url: '/api/session', cookie: oldCookie })).json).toEqual({
      customerId: 'ivan',
    });

    const newCookie = await during.logIn('judy');
    expect(newCookie.split('=')[1]).toMatch(/^k2\./);
    const customerOn = async (client: InjectClient, cookie: string) =>
      (await client.request({ url: '/api/session', cookie })).json;
    expect(await customerOn(after, newCookie)).toEqual({ customerId: 'judy' });
    expect(await customerOn(after, oldCookie)).toEqual({ customerId: null });
    // An instance that never had the new key does not accept what it signs.
    expect(await customerOn(before, newCookie)).toEqual({ customerId: null });
  });

  it('refuses to start under NODE_ENV=production without a configured session key', async () => {
    const started = startDemo({ NODE_ENV: 'production', PORT: '0' }, { script });
    const error = await started.then(
      async (demo) => {
        await demo.close();
        return undefined;
      },
      (thrown: unknown) => thrown,
    );
    if (!CardBindingError.is(error)) throw new Error('the app started without a session key');
    expect({ code: error.code, field: error.field }).toEqual({
      code: 'CONFIG_INVALID',
      field: 'SESSION_SECRET',
    });
    expect(error.message).toMatch(/NODE_ENV=production/);
  });
});
