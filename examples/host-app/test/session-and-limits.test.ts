import { describe, expect, it } from 'vitest';
import { SessionCookieSigner } from '../src/http/session-cookie.js';
import { StartRateLimiter } from '../src/http/start-rate-limiter.js';

describe('SessionCookieSigner', () => {
  it('verifies its own cookies and nothing else', () => {
    let now = 1_000_000;
    const signer = new SessionCookieSigner('a'.repeat(32), { lifetimeMs: 60_000, now: () => now });
    const cookie = signer.sign('alice');
    expect(signer.verify(cookie)).toBe('alice');
    expect(new SessionCookieSigner('b'.repeat(32)).verify(cookie)).toBeUndefined();
    const [payload = '', signature = ''] = cookie.split('.');
    const bob = Buffer.from(JSON.stringify({ customerId: 'bob', expiresAt: now + 60_000 })).toString(
      'base64url',
    );
    for (const forged of [
      `${bob}.${signature}`,
      payload,
      `${payload}.`,
      `${payload}.${signature}.x`,
      '',
      undefined,
    ]) {
      expect(signer.verify(forged)).toBeUndefined();
    }
    now += 60_000;
    expect(signer.verify(cookie)).toBeUndefined();
  });
});

describe('StartRateLimiter', () => {
  it('allows `limit` starts per sliding window, per customer', () => {
    let now = 0;
    const limiter = new StartRateLimiter({ limit: 2, windowMs: 1_000, now: () => now });
    expect(limiter.take('a')).toEqual({ allowed: true });
    now = 400;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now = 1_001; // the first start left the window; the second is still in it
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 399 });
  });
});
