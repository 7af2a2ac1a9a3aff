import { CardBindingError, type Secret } from '@cardbind/core';
import type { PayOnlineConfig } from '../config.js';

/** One PayOnline merchant account: the id a request names and the key that signs it. */
export interface MerchantAccount {
  readonly merchantId: string;
  readonly privateSecurityKey: Secret;
}

/** The configured account: every binding and every new charge is sent under it. */
export function mainAccount(config: PayOnlineConfig): MerchantAccount {
  return { merchantId: config.merchantId, privateSecurityKey: config.privateSecurityKey };
}

/** The configured account, then the other accounts PayOnline may route a payment to. */
export function allAccounts(config: PayOnlineConfig): MerchantAccount[] {
  return [
    mainAccount(config),
    ...Object.entries(config.merchantAccounts)
      .filter(([merchantId]) => merchantId !== config.merchantId)
      .map(([merchantId, privateSecurityKey]) => ({ merchantId, privateSecurityKey })),
  ];
}

/**
 * The account a payment belongs to: the one PayOnline routed it to, or the configured one. A routed
 * payment's later operations must use that merchant's id and key (charging.md, "Rebill answer"), so an
 * account the configuration does not hold is CONFIG_INVALID, never a request signed with another key.
 */
export function accountOf(config: PayOnlineConfig, routedMerchantId: string | undefined): MerchantAccount {
  if (routedMerchantId === undefined || routedMerchantId === config.merchantId) return mainAccount(config);
  const privateSecurityKey = config.merchantAccounts[routedMerchantId];
  if (privateSecurityKey === undefined) {
    throw new CardBindingError(
      'CONFIG_INVALID',
      `PayOnline routed this payment to merchant account ${routedMerchantId}, which merchantAccounts ` +
        'does not list: add its PrivateSecurityKey to operate on the payment',
      { field: 'merchantAccounts' },
    );
  }
  return { merchantId: routedMerchantId, privateSecurityKey };
}
