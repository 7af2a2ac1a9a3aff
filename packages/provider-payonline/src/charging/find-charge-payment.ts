import { accountOf, allAccounts, type MerchantAccount } from '../commands/merchant-account.js';
import type { PayOnlineClient } from '../commands/payonline-client.js';
import type { PayOnlineConfig } from '../config.js';
import type { PayOnlineChargeRef } from '../ref.js';
import type { FoundPayment } from '../wire/search-answer.js';

export interface ChargePayment {
  readonly payment: FoundPayment;
  /** The account that lists it: the configured one, or the one PayOnline routed the payment to. */
  readonly account: MerchantAccount;
}

/**
 * The successful payment PayOnline lists for a charge's order (Search lists successful payments only;
 * charging.md, "Search"). Safe to repeat, so the HTTP client retries it. A charge whose routed merchant
 * is known is asked there. Otherwise the configured account is asked first, then every other
 * configured account: a rebill whose answer was lost may have been routed elsewhere, and whether
 * Search under the first account lists such a payment is not documented (*inferred*), so both are asked.
 */
export async function findChargePayment(
  client: PayOnlineClient,
  config: PayOnlineConfig,
  orderId: string,
  ref: PayOnlineChargeRef,
): Promise<ChargePayment | undefined> {
  const accounts = ref.merchantId === undefined ? allAccounts(config) : [accountOf(config, ref.merchantId)];
  for (const account of accounts) {
    const payments = await client.search(orderId, account);
    const payment =
      payments.find((candidate) => candidate.transactionId === ref.transactionId) ?? payments[0];
    if (payment) return { payment, account };
  }
  return undefined;
}

/** The merchant to remember for a payment: only one PayOnline routed away from the configured account. */
export function routedMerchantOf(config: PayOnlineConfig, account: MerchantAccount): string | undefined {
  return account.merchantId === config.merchantId ? undefined : account.merchantId;
}
