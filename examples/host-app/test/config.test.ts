import { CardBindingError } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { parseHostAppEnv } from '../src/config.js';

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
    });
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

  it('refuses malformed numbers and URLs', () => {
    expect(configError({ PORT: 'eighty' }).field).toBe('PORT');
    expect(configError({ PUBLIC_URL: 'not a url' }).field).toBe('PUBLIC_URL');
    expect(configError({ START_RATE_LIMIT: '0' }).field).toBe('START_RATE_LIMIT');
  });
});
