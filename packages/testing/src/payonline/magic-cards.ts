import { TEST_CARDS, type TestCard } from '../cards/test-cards.js';

/** What the PayOnline emulator does with a submitted card. */
export type CardBehaviour =
  | { readonly kind: 'success' }
  | { readonly kind: 'decline'; readonly code: string; readonly errorCode: string }
  | { readonly kind: 'three-ds' }
  /** Accepted, then closed successfully after the emulator's `slowCloseMs` (by its clock). */
  | { readonly kind: 'slow' }
  /** Accepted and never closed: the host must give up at its deadline. */
  | { readonly kind: 'stuck' };

/** Cards only the PayOnline emulator knows, beside the shared TEST_CARDS. */
export const PAYONLINE_TEST_CARDS = {
  stuck: {
    number: '4000000000000051',
    expires: '1230',
    cvv: '123',
    holder: 'OLGA SMIRNOVA',
    brand: 'Visa',
    meaning: 'accepted, and the order never closes',
  },
  wrongCvv: {
    number: '4000000000004111',
    expires: '1230',
    cvv: '123',
    holder: 'OLGA SMIRNOVA',
    brand: 'Visa',
    meaning: 'the issuer declines it for a wrong CVV (Code 5411)',
  },
} as const satisfies Record<string, TestCard>;

const BEHAVIOURS: ReadonlyMap<string, CardBehaviour> = new Map<string, CardBehaviour>([
  [TEST_CARDS.success.number, { kind: 'success' }],
  [TEST_CARDS.mir.number, { kind: 'success' }],
  // "Declined by issuer" and "insufficient funds": ErrorCode 3, the issuer's refusal.
  [TEST_CARDS.decline.number, { kind: 'decline', code: '5302', errorCode: '3' }],
  [TEST_CARDS.insufficientFunds.number, { kind: 'decline', code: '5205', errorCode: '3' }],
  [PAYONLINE_TEST_CARDS.wrongCvv.number, { kind: 'decline', code: '5411', errorCode: '3' }],
  [TEST_CARDS.threeDSecure.number, { kind: 'three-ds' }],
  [TEST_CARDS.slowClose.number, { kind: 'slow' }],
  [PAYONLINE_TEST_CARDS.stuck.number, { kind: 'stuck' }],
]);

/** Any other valid card binds at once. */
export function behaviourOf(cardNumber: string): CardBehaviour {
  return BEHAVIOURS.get(cardNumber) ?? { kind: 'success' };
}
