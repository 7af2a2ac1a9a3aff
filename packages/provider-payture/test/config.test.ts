import { describe, expect, it } from 'vitest';
import { CardBindingError, parseConfig, Secret } from '@cardbind/core';
import { PaytureConfig, paytureModule, type PaytureConfigInput } from '../src/index.js';

const valid: PaytureConfigInput = {
  baseUrl: 'https://sandbox3.payture.com/',
  addTerminal: 'MerchantAdd',
  terminalPassword: 'terminal-secret-1',
  customerCredentials: { secret: 'customer-secret-0123456789' },
};

function moduleError(input: Record<string, unknown>): unknown {
  try {
    // Untyped on purpose: the module must refuse what TypeScript would have caught, too.
    Reflect.apply(paytureModule, undefined, [{ ...valid, ...input }]);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('paytureModule configuration', () => {
  it('parses defaults: 60-minute sessions, customer-{customerId} logins, secrets wrapped', () => {
    const config = parseConfig(PaytureConfig, valid, 'test');
    expect(config.baseUrl).toBe('https://sandbox3.payture.com');
    expect(config.sessionLifetimeMinutes).toBe(60);
    expect(config.customerCredentials.loginTemplate).toBe('customer-{customerId}');
    expect(config.terminalPassword).toBeInstanceOf(Secret);
    expect(config.customerCredentials.secret).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toContain('terminal-secret-1');
    expect(JSON.stringify(config)).not.toContain('customer-secret-0123456789');
    expect(config.timeouts).toEqual({ connectMs: 5_000, responseMs: 15_000, totalMs: 30_000 });
  });

  it.each([
    ['plain http to a remote host', { baseUrl: 'http://sandbox3.payture.com' }, 'baseUrl'],
    ['http to loopback without allowLoopbackHttp', { baseUrl: 'http://127.0.0.1:8080' }, 'baseUrl'],
    [
      'http to a remote host even with allowLoopbackHttp',
      { baseUrl: 'http://payture.example.test', allowLoopbackHttp: true },
      'baseUrl',
    ],
    ['a baseUrl with a query', { baseUrl: 'https://sandbox3.payture.com/?x=1' }, 'baseUrl'],
    ['an http returnUrl', { returnUrl: 'http://shop.example.test/return' }, 'returnUrl'],
    ['no Add terminal', { addTerminal: '' }, 'addTerminal'],
    ['no customer secret', { customerCredentials: {} }, 'customerCredentials.secret'],
    [
      'both a secret and the legacy salt',
      { customerCredentials: { secret: 'customer-secret-0123456789', legacyMd5Salt: 'salt' } },
      'customerCredentials.secret',
    ],
    ['a short customer secret', { customerCredentials: { secret: 'short' } }, 'customerCredentials.secret'],
    [
      'a login template without {customerId}',
      { customerCredentials: { secret: 'customer-secret-0123456789', loginTemplate: 'customer' } },
      'customerCredentials.loginTemplate',
    ],
    ['a language Payture does not have', { language: 'DE' }, 'language'],
    ['a verification amount that is no kopeck count', { verificationAmount: 10.5 }, 'verificationAmount'],
  ])('refuses %s with CONFIG_INVALID naming the field, before anything runs', (_label, input, field) => {
    const error = moduleError(input);
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field });
    const shown = `${String(error)} ${JSON.stringify(error)}`;
    for (const secret of ['terminal-secret-1', 'customer-secret-0123456789'])
      expect(shown).not.toContain(secret);
  });

  it('accepts http to loopback when allowLoopbackHttp is set (emulators)', () => {
    expect(moduleError({ baseUrl: 'http://127.0.0.1:8080', allowLoopbackHttp: true })).toBeUndefined();
    expect(
      moduleError({
        baseUrl: 'http://localhost:8080',
        allowLoopbackHttp: true,
        returnUrl: 'http://localhost/r',
      }),
    ).toBeUndefined();
  });

  it('accepts the legacy MD5 salt alone', () => {
    expect(moduleError({ customerCredentials: { legacyMd5Salt: 'seed-salt' } })).toBeUndefined();
  });
});
