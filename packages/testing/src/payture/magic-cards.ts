import { TEST_CARDS } from '../cards/test-cards.js';
import type { EmulatedCard } from './state.js';

/**
 * Test cards the emulated Add page reacts to. Any other number that passes Luhn is stored as a working
 * card; a number that fails Luhn is refused on the page (WRONG_PAN) and costs an attempt.
 */
export type MagicCardBehaviour =
  /** Stored `IsActive`, `NoCVV=false`, `Expired=false`: the card a binding saves. */
  | { kind: 'success' }
  /** Stored `NotActive`: the terminal wants it activated with a held amount first. */
  | { kind: 'needs-activation' }
  /** Stored with `NoCVV=true`: cannot be charged without the customer. */
  | { kind: 'no-cvv' }
  /** Stored with `Expired=true`. */
  | { kind: 'expired' }
  /** Not stored: the page ends the session and returns `success=False`; CustomerAddFail carries errCode. */
  | { kind: 'decline'; errCode: string }
  /**
   * Returns `success=True` at once, but the card shows up in GetList (and the notification is sent)
   * only after `slowCloseMs` or `settleSlowCards()`: a return that beats the result.
   */
  | { kind: 'slow-close' };

export interface MagicCard {
  number: string;
  behaviour: MagicCardBehaviour;
  description: string;
}

export const PAYTURE_MAGIC_CARDS = {
  success: {
    number: TEST_CARDS.success.number,
    behaviour: { kind: 'success' },
    description: 'Visa, stored IsActive',
  },
  mir: {
    number: TEST_CARDS.mir.number,
    behaviour: { kind: 'success' },
    description: 'Mir, stored IsActive',
  },
  threeDSecure: {
    number: TEST_CARDS.threeDSecure.number,
    behaviour: { kind: 'success' },
    description: '3-D Secure happens inside the hosted page: stored IsActive',
  },
  needsActivation: {
    number: '4000000000000101',
    behaviour: { kind: 'needs-activation' },
    description: 'stored NotActive (needs Activate)',
  },
  noCvv: {
    number: '4000000000000127',
    behaviour: { kind: 'no-cvv' },
    description: 'stored with NoCVV=true',
  },
  expired: {
    number: '4000000000000069',
    behaviour: { kind: 'expired' },
    description: 'stored with Expired=true',
  },
  decline: {
    number: TEST_CARDS.decline.number,
    behaviour: { kind: 'decline', errCode: 'ISSUER_BLOCKED_CARD' },
    description: 'declined: ISSUER_BLOCKED_CARD, not stored',
  },
  insufficientFunds: {
    number: TEST_CARDS.insufficientFunds.number,
    behaviour: { kind: 'decline', errCode: 'AMOUNT_EXCEED' },
    description: 'declined: AMOUNT_EXCEED (the verification hold), not stored',
  },
  fraud: {
    number: '4000000000000119',
    behaviour: { kind: 'decline', errCode: 'FRAUD_ERROR' },
    description: 'declined: FRAUD_ERROR, not stored',
  },
  slowClose: {
    number: TEST_CARDS.slowClose.number,
    behaviour: { kind: 'slow-close' },
    description: 'success=True at once, the card appears later',
  },
} as const satisfies Record<string, MagicCard>;

export function magicCardBehaviour(pan: string): MagicCardBehaviour {
  for (const card of Object.values(PAYTURE_MAGIC_CARDS)) {
    if (card.number === pan) return card.behaviour;
  }
  return { kind: 'success' };
}

/** The flags a stored card gets from its magic behaviour. */
export function storedCardFlags(
  behaviour: MagicCardBehaviour,
): Pick<EmulatedCard, 'status' | 'noCvv' | 'expired'> {
  return {
    status: behaviour.kind === 'needs-activation' ? 'NotActive' : 'IsActive',
    noCvv: behaviour.kind === 'no-cvv',
    expired: behaviour.kind === 'expired',
  };
}

/** The payment system Payture would report for a PAN. */
export function paymentSystemOf(pan: string): string {
  if (/^220[0-4]/.test(pan)) return 'Mir';
  if (/^4/.test(pan)) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(pan)) return 'MasterCard';
  if (/^3[47]/.test(pan)) return 'AmericanExpress';
  return 'Unknown';
}
