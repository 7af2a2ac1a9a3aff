import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CardBindingError, parseConfig } from '@cardbind/core';
import { CustomerCredentialsConfig } from '../src/index.js';
import { customerCredentials } from '../src/commands/customer-credentials.js';
import { CUSTOMER_SECRET, expectedPassword } from './world.js';

const hmac = parseConfig(CustomerCredentialsConfig, { secret: CUSTOMER_SECRET }, 'test');

describe('customer credentials', () => {
  it('derives login customer-{id} and an HMAC-SHA-256 password cut to 50 characters', () => {
    const credentials = customerCredentials(hmac, '550e8400-e29b-41d4-a716-446655440001');
    expect(credentials.login).toBe('customer-550e8400-e29b-41d4-a716-446655440001');
    expect(credentials.password.reveal()).toBe(expectedPassword('550e8400-e29b-41d4-a716-446655440001'));
    expect(credentials.password.reveal()).toHaveLength(50);
    // The same customer always gets the same password; another customer another one.
    expect(customerCredentials(hmac, '550e8400-e29b-41d4-a716-446655440001').password.reveal()).toBe(
      credentials.password.reveal(),
    );
    expect(customerCredentials(hmac, 'other').password.reveal()).not.toBe(credentials.password.reveal());
    expect(JSON.stringify(credentials)).not.toContain(credentials.password.reveal());
  });

  it('reproduces Behind-API’s scheme: MD5 of {userId}{salt} with the legacy option', () => {
    const legacy = parseConfig(CustomerCredentialsConfig, { legacyMd5Salt: 'seed-salt' }, 'test');
    const expected = createHash('md5').update('user-1seed-salt').digest('hex');
    expect(customerCredentials(legacy, 'user-1').password.reveal()).toBe(expected);
  });

  it('uses the login template', () => {
    const custom = parseConfig(
      CustomerCredentialsConfig,
      { secret: CUSTOMER_SECRET, loginTemplate: 'shop1-{customerId}' },
      'test',
    );
    expect(customerCredentials(custom, '7').login).toBe('shop1-7');
  });

  it.each([['x'.repeat(42)], ['a;b']])('refuses a customer id Payture cannot take (%s)', (id) => {
    const error = (() => {
      try {
        customerCredentials(hmac, id);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field: 'customer.id' });
  });
});
