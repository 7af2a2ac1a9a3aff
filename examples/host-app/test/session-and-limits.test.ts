import { Secret } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { addressKey } from '../src/http/address-key.js';
import { SessionCookieSigner } from '../src/http/session-cookie.js';
import type { SessionKey } from '../src/http/session-keys.js';
import { StartRateLimiter } from '../src/http/start-rate-limiter.js';

const key = (id: string, fill: string): SessionKey => ({ id, secret: new Secret(fill.repeat(32)) });
const SESSION_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('SessionCookieSigner', () => {
  it('verifies its own cookies and nothing else', () => {
    const now = 1_000_000;
    const signer = new SessionCookieSigner([key('k1', 'a')]);
    const claims = { sessionId: SESSION_ID, customerId: 'alice', expiresAt: now + 60_000 };
    const cookie = signer.sign(claims);
    expect(signer.verify(cookie, now)).toEqual(claims);
    expect(new SessionCookieSigner([key('k1', 'b')]).verify(cookie, now)).toBeUndefined();
    const [keyId = '', payload = '', signature = ''] = cookie.split('.');
    expect(keyId).toBe('k1');
    const bob = Buffer.from(JSON.stringify({ ...claims, customerId: 'bob' })).toString('base64url');
    for (const forged of [
      `${keyId}.${bob}.${signature}`,
      `${keyId}.${payload}`,
      `${payload}.${signature}`,
      `${keyId}.${payload}.`,
      `${keyId}.${payload}.${signature}.x`,
      '',
      undefined,
    ]) {
      expect(signer.verify(forged, now)).toBeUndefined();
    }
    expect(signer.verify(cookie, now + 60_000)).toBeUndefined();
  });

  it('signs with the first key, verifies with any, and signs the key id too', () => {
    const now = 1_000_000;
    const claims = { sessionId: SESSION_ID, customerId: 'carol', expiresAt: now + 60_000 };
    const oldCookie = new SessionCookieSigner([key('old', 'a')]).sign(claims);
    const rotated = new SessionCookieSigner([key('new', 'b'), key('old', 'a')]);
    expect(rotated.verify(oldCookie, now)).toEqual(claims);
    expect(rotated.sign(claims)).toMatch(/^new\./);
    // The same key under another id is another key: the id cannot be swapped to choose the check.
    const sameSecretOtherId = new SessionCookieSigner([key('other', 'a')]);
    expect(sameSecretOtherId.verify(`other.${oldCookie.slice('old.'.length)}`, now)).toBeUndefined();
    expect(new SessionCookieSigner([key('new', 'b')]).verify(oldCookie, now)).toBeUndefined();
  });
});

describe('StartRateLimiter', () => {
  it('allows `perCustomer` starts per sliding window, per customer', () => {
    let now = 0;
    const limiter = new StartRateLimiter({
      perCustomer: 2,
      perAddress: 100,
      windowMs: 1_000,
      now: () => now,
    });
    const take = (customerId: string) => limiter.admit({ customerId, sourceAddress: '192.0.2.1' }).allowed;
    expect(take('a')).toBe(true);
    now = 400;
    expect(take('a')).toBe(true);
    expect(limiter.admit({ customerId: 'a', sourceAddress: '192.0.2.1' })).toEqual({
      allowed: false,
      retryAfterMs: 600,
    });
    expect(take('b')).toBe(true);
    now = 1_001; // the first start left the window; the second is still in it
    expect(take('a')).toBe(true);
    expect(limiter.admit({ customerId: 'a', sourceAddress: '192.0.2.1' })).toEqual({
      allowed: false,
      retryAfterMs: 399,
    });
  });

  it('needs room per customer and per address, and counts a refused start in neither', () => {
    const limiter = new StartRateLimiter({ perCustomer: 1, perAddress: 2, windowMs: 1_000, now: () => 0 });
    const admit = (customerId: string, sourceAddress: string) =>
      limiter.admit({ customerId, sourceAddress }).allowed;
    expect(admit('a', '192.0.2.1')).toBe(true);
    expect(admit('a', '192.0.2.2')).toBe(false); // customer a is full; 192.0.2.2 is not counted
    expect(admit('b', '192.0.2.2')).toBe(true);
    expect(admit('c', '192.0.2.2')).toBe(true);
    expect(admit('d', '192.0.2.2')).toBe(false); // the address is full; d is not counted
    expect(admit('d', '192.0.2.3')).toBe(true);
  });

  it('lets a replayed idempotency key through uncounted, unless its start failed', () => {
    const limiter = new StartRateLimiter({ perCustomer: 1, perAddress: 100, windowMs: 1_000, now: () => 0 });
    const admit = (idempotencyKey: string, customerId = 'a') =>
      limiter.admit({ customerId, sourceAddress: '192.0.2.1', idempotencyKey });
    const first = admit('key-1');
    expect(first.allowed).toBe(true);
    expect(admit('key-1').allowed).toBe(true);
    expect(admit('key-2').allowed).toBe(false);
    // The key is the customer's: another customer sending it starts (and is counted) on its own.
    expect(admit('key-1', 'b').allowed).toBe(true);
    expect(admit('key-3', 'b').allowed).toBe(false);
    if (first.allowed) first.startFailed();
    expect(admit('key-1').allowed).toBe(false);
  });
});

describe('addressKey', () => {
  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    for (const address of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff::9', '2001:db8:1:2:3:4:5:6']) {
      expect(addressKey(address)).toBe('2001:db8:1:2::/64');
    }
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('not an address')).toBe('not an address');
  });
});
