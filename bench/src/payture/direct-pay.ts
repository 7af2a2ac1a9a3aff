import { randomBytes } from 'node:crypto';
import type { PaytureEmulator } from '@cardbind/testing/emulators';
import { data, paytureCustomerPassword, paytureLogin } from './direct-flow.js';
import type { FormPoster } from './form-poster.js';
import { BENCH_SECRET, type CustomerPool } from './service-flow.js';

/** A card the direct floor charges: Payture knows it; cardbind's store never heard of it. */
export interface WalletCard {
  customerId: string;
  /** Payture's CardId. */
  token: string;
}

const SUCCESS = /\bSuccess="true"/i;
const AMOUNT = /\bAmount="(\d+)"/;
/** The number every bench binding enters on the Add page: a card Pay approves. */
const APPROVED_PAN = '4111111111111111';

/**
 * Cards placed straight into customers' wallets at the emulator, one new customer each — what the
 * service's cards look like at Payture after a binding, without spending a binding on each.
 */
export function seedWalletCards(
  emulator: PaytureEmulator,
  customers: CustomerPool,
  count: number,
): WalletCard[] {
  return customers.take(count).map((customerId) => ({
    customerId,
    token: emulator.customers.addCard(paytureLogin(customerId), { number: APPROVED_PAN }),
  }));
}

/**
 * The floor of a charge: the one `vwapi/Pay` a host without cardbind sends on the Pay terminal — DATA
 * built by hand with the same fields (the password derived per call, as the provider does), a fresh
 * order id of the same shape as a charge id (the emulator refuses a reused one), and the answer read
 * with two regular expressions. No validation, no store, no idempotency.
 */
export async function directPay(
  emulator: PaytureEmulator,
  poster: FormPoster,
  card: WalletCard,
  kopecks: number,
): Promise<string> {
  const orderId = `fl_${randomBytes(16).toString('base64url')}`;
  const answer = await poster.post(`${emulator.baseUrl}/vwapi/Pay`, {
    VWID: emulator.payTerminal,
    DATA: data({
      VWUserLgn: paytureLogin(card.customerId),
      VWUserPsw: paytureCustomerPassword(BENCH_SECRET, card.customerId),
      CardId: card.token,
      OrderId: orderId,
      Amount: String(kopecks),
      SessionType: 'Pay',
    }),
  });
  if (answer.statusCode !== 200 || !SUCCESS.test(answer.body)) throw new Error(`Pay failed: ${answer.body}`);
  // The provider checks the amount Payture says it debited; the floor does the least of that too.
  if (AMOUNT.exec(answer.body)?.[1] !== String(kopecks)) throw new Error('Pay answered another Amount');
  return orderId;
}
