import { CardBindingError } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { parseHostAppEnv } from '../src/config.js';
import { newTokenKeyText } from '../src/token-keys.js';

/** Production also wants the token keys; tests about other variables give it some. */
const PRODUCTION_TOKEN_KEYS = { CARDBIND_TOKEN_KEYS: newTokenKeyText('test-1') };

function configError(env: Record<string, string>): CardBindingError {
  try {
    parseHostAppEnv(env);
  } catch (error) {
    if (CardBindingError.is(error)) return error;
    throw error;
  }
  throw new Error('the environment was accepted');
}

describe('the host app environment', () => {
  it('needs nothing: every provider defaults to its emulator', () => {
    const env = parseHostAppEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      BINDING_DEADLINE_MS: 300_000,
      START_RATE_LIMIT: 5,
      START_RATE_LIMIT_PER_ADDRESS: 20,
      // The level of cardbind's transition lines: the audit trail is on unless someone turns it off.
      LOG_LEVEL: 'info',
    });
    expect(env.TRUST_PROXY).toBeUndefined();
    expect(env.PAYTURE_BASE_URL).toBeUndefined();
    expect(env.PAYONLINE_BASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset, as shells export them', () => {
    expect(parseHostAppEnv({ PAYTURE_BASE_URL: '', PUBLIC_URL: ' ' }).PAYTURE_BASE_URL).toBeUndefined();
  });

  it('requires a sandbox’s credentials with its base URL, naming the variable and never a value', () => {
    const error = configError({
      PAYONLINE_BASE_URL: 'https://secure.payonlinesystem.com',
      PAYONLINE_MERCHANT_ID: '12345',
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.field).toBe('PAYONLINE_PRIVATE_SECURITY_KEY');

    const secret = 'short-secret-value';
    const weak = configError({ SESSION_SECRET: secret });
    expect(weak.field).toBe('SESSION_SECRET');
    expect(weak.message).not.toContain(secret);
  });

  it('takes the Payture Pay terminal with a sandbox, and its password only beside it', () => {
    const sandbox = {
      PAYTURE_BASE_URL: 'https://sandbox3.payture.com',
      PAYTURE_ADD_TERMINAL: 'ShopAdd',
      PAYTURE_TERMINAL_PASSWORD: 'add-password',
      PAYTURE_CUSTOMER_SECRET: 'a-customer-secret-of-length',
    };
    expect(parseHostAppEnv({ ...sandbox, PAYTURE_PAY_TERMINAL: 'ShopPay' }).PAYTURE_PAY_TERMINAL).toBe(
      'ShopPay',
    );
    const alone = configError({ ...sandbox, PAYTURE_PAY_TERMINAL_PASSWORD: 'pay-password' });
    expect(alone.field).toBe('PAYTURE_PAY_TERMINAL');
    expect(alone.message).not.toContain('pay-password');
    expect(parseHostAppEnv({}).CHARGE_RECONCILE_AFTER_MS).toBe(60_000);
  });

  it('refuses malformed numbers and URLs', () => {
    expect(configError({ PORT: 'eighty' }).field).toBe('PORT');
    expect(configError({ PUBLIC_URL: 'not a url' }).field).toBe('PUBLIC_URL');
    expect(configError({ START_RATE_LIMIT: '0' }).field).toBe('START_RATE_LIMIT');
  });

  it('names PUBLIC_URL (not the termUrl built from it) when it is plain http to another machine', () => {
    const error = configError({ PUBLIC_URL: 'http://shop.example.com/' });
    expect(error.field).toBe('PUBLIC_URL');
    expect(error.message).toMatch(/PUBLIC_URL: must use https/);
    expect(error.message).not.toMatch(/termUrl|returnUrl/);
    expect(configError({ PUBLIC_URL: 'ftp://shop.example.com/' }).field).toBe('PUBLIC_URL');
    const sandbox = configError({
      PAYONLINE_BASE_URL: 'http://sandbox.example.com',
      PAYONLINE_MERCHANT_ID: '12345',
      PAYONLINE_PRIVATE_SECURITY_KEY: 'a-key',
    });
    expect(sandbox.field).toBe('PAYONLINE_BASE_URL');
    for (const accepted of [
      'https://shop.example.com/',
      'http://localhost:8080/',
      'http://127.0.0.1:3000/',
    ]) {
      expect(parseHostAppEnv({ PUBLIC_URL: accepted }).PUBLIC_URL).toBe(accepted);
    }
  });

  it('requires a session key under NODE_ENV=production, and only there', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.field).toBe('SESSION_SECRET');
    expect(error.message).toMatch(/NODE_ENV=production/);
    expect(parseHostAppEnv({ NODE_ENV: 'development' }).SESSION_SECRET).toBeUndefined();
    expect(
      parseHostAppEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), ...PRODUCTION_TOKEN_KEYS })
        .SESSION_SECRET,
    ).toBeDefined();
  });

  it('reads SESSION_SECRETS as id:secret pairs, first current, never quoting a secret', () => {
    const first = 'first-secret-that-is-long-enough-00';
    const second = 'second:secret:with:colons-long-enough';
    const env = parseHostAppEnv({
      NODE_ENV: 'production',
      SESSION_SECRETS: `k2:${first}, k1:${second}`,
      ...PRODUCTION_TOKEN_KEYS,
    });
    expect(env.SESSION_SECRETS?.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(env.SESSION_SECRETS?.map((key) => key.secret.reveal())).toEqual([first, second]);
    expect(JSON.stringify(env)).not.toContain(first);

    for (const bad of [`k1:short`, `:${first}`, `${first}`, `k1:${first},k1:${second}`, `k 1:${first}`]) {
      const error = configError({ SESSION_SECRETS: bad });
      expect(error.field).toBe('SESSION_SECRETS');
      expect(error.message).not.toContain(first);
      expect(error.message).not.toContain('short');
    }
    expect(configError({ SESSION_SECRET: first, SESSION_SECRETS: `k1:${first}` }).field).toBe(
      'SESSION_SECRETS',
    );
  });

  it('takes TRUST_PROXY as addresses and CIDR ranges only', () => {
    expect(parseHostAppEnv({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.1,::1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.0.2.1',
      '::1',
    ]);
    expect(configError({ TRUST_PROXY: 'true' }).field).toMatch(/^TRUST_PROXY/);
  });

  it('requires CARDBIND_TOKEN_KEYS under NODE_ENV=production, naming the variable', () => {
    const error = configError({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    expect(error.field).toBe('CARDBIND_TOKEN_KEYS');
    expect(error.message).toMatch(/NODE_ENV=production/);
    const keys = newTokenKeyText('prod-1');
    expect(
      parseHostAppEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), CARDBIND_TOKEN_KEYS: keys })
        .CARDBIND_TOKEN_KEYS?.currentKeyId,
    ).toBe('prod-1');
  });

  it('reads CARDBIND_TOKEN_KEYS as id:base64 entries, the first AES key current, never quoting a key', () => {
    const key = (fill: string) => Buffer.alloc(32, fill).toString('base64');
    const env = parseHostAppEnv({
      CARDBIND_TOKEN_KEYS: `2026-12:${key('a')}, fingerprint:${key('f')},2026-06:${key('b')}`,
    });
    const keys = env.CARDBIND_TOKEN_KEYS;
    expect(keys?.currentKeyId).toBe('2026-12');
    expect(Object.keys(keys?.keys ?? {})).toEqual(['2026-12', '2026-06']);
    expect(keys?.fingerprintKey.reveal()).toBe(key('f'));
    expect(JSON.stringify(env)).not.toContain(key('a'));

    const short = Buffer.alloc(16, 'c').toString('base64');
    for (const bad of [
      `k1:${key('a')}`, // no fingerprint key
      `fingerprint:${key('f')}`, // no AES key
      `fingerprint:${key('f')},k1:${short}`, // 16 bytes
      `fingerprint:${key('f')},k1:${key('a')},k1:${key('b')}`,
      `fingerprint:${key('f')},${key('a')}`, // no id
      `fingerprint:${key('f')},k 1:${key('a')}`,
    ]) {
      const error = configError({ CARDBIND_TOKEN_KEYS: bad });
      expect(error.field).toBe('CARDBIND_TOKEN_KEYS');
      for (const secret of [key('a'), key('b'), key('f'), short]) expect(error.message).not.toContain(secret);
    }
  });

  it('takes DATABASE_URL as a postgres URL and never quotes it (it holds a password)', () => {
    const url = 'postgres://app:s3cret-password@db.internal:5432/cards';
    expect(parseHostAppEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    const error = configError({ DATABASE_URL: 'mysql://app:s3cret-password@db.internal/cards' });
    expect(error.field).toBe('DATABASE_URL');
    expect(error.message).not.toContain('s3cret-password');
  });
});
