import { createHash, createHmac } from 'node:crypto';
import { CardBindingError, Secret } from '@cardbind/core';
import type { CustomerCredentialsConfig } from '../config.js';

/** Payture's limit for VWUserLgn and VWUserPsw. */
export const PAYTURE_CREDENTIAL_MAX_LENGTH = 50;

export interface CustomerCredentials {
  login: string;
  /** Derived on every call, never stored or logged. */
  password: Secret;
}

/**
 * The Payture login and password of a cardbind customer. Both are derived from the customer id, so the
 * same customer always gets the same pair and nothing needs storing: the password is HMAC-SHA-256 of the
 * id under a configured key (hex, cut to Payture's 50 characters), or — for customers the Behind-API backend
 * registered — MD5 of `{customerId}{salt}`.
 */
export function customerCredentials(
  config: CustomerCredentialsConfig,
  customerId: string,
): CustomerCredentials {
  const login = config.loginTemplate.replaceAll('{customerId}', customerId);
  if (login.length > PAYTURE_CREDENTIAL_MAX_LENGTH || customerId.includes(';')) {
    throw new CardBindingError(
      'CONFIG_INVALID',
      `The Payture login for this customer must be 1..${PAYTURE_CREDENTIAL_MAX_LENGTH} characters without ";"`,
      { field: 'customer.id' },
    );
  }
  return { login, password: new Secret(derivePassword(config, customerId)) };
}

function derivePassword(config: CustomerCredentialsConfig, customerId: string): string {
  if (config.legacyMd5Salt) {
    return createHash('md5').update(`${customerId}${config.legacyMd5Salt.reveal()}`, 'utf8').digest('hex');
  }
  if (!config.secret) {
    // The config schema requires exactly one of the two; this only guards a hand-built config.
    throw new CardBindingError('CONFIG_INVALID', 'customerCredentials needs a secret', {
      field: 'customerCredentials.secret',
    });
  }
  return createHmac('sha256', config.secret.reveal())
    .update(customerId, 'utf8')
    .digest('hex')
    .slice(0, PAYTURE_CREDENTIAL_MAX_LENGTH);
}
