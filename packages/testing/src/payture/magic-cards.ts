import { TEST_CARDS } from '../cards/test-cards.js';
import { type EmulatedCard, panFingerprint } from './state.js';

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

/**
 * What happens to a debit the emulator accepted, after it took effect: the answer is lost (the socket
 * is destroyed), replaced by a 502 from a balancer, or sent after `slowAnswerMs` (longer than a
 * client's timeout). Each leaves the money moved and the client not knowing it.
 */
export type AnswerFate = 'lost' | 'bad-gateway' | 'slow';

/**
 * What `vwapi/Pay` does with a bound card: the card is chosen on the Add page by its number (the
 * table below), or a test arms one order with `emulator.payments.arm(orderId, behaviour)`.
 */
export type ChargeBehaviour =
  /** Debited: `<Pay Success="True" .../>`, the order `Charged`; `fate` takes the answer away. */
  | { kind: 'approve'; fate?: AnswerFate }
  /** Not debited: `<Pay Success="False" ErrCode=".."/>`, the order `Rejected`. */
  | { kind: 'decline'; errCode: string }
  /** `Success="3DS"` with ACSUrl, PaReq and ThreeDSKey; PaySubmit3DS with the bank's PaRes debits. */
  | { kind: 'three-d-secure' };

export interface MagicCard {
  number: string;
  behaviour: MagicCardBehaviour;
  /** What Pay does with the card once bound; absent: approve. */
  charge?: ChargeBehaviour;
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
  // Cards that bind like `success` and then answer Pay in one way each. The decline codes are one per
  // class of the provider's retry advice (Payture's codes, Necronru/payture `src/Enum/ErrorCode.php`).
  chargeIssuerTimeout: {
    number: '4000000000002016',
    behaviour: { kind: 'success' },
    charge: { kind: 'decline', errCode: 'ISSUER_TIMEOUT' },
    description: 'binds; Pay declines ISSUER_TIMEOUT (technical: retry later)',
  },
  chargeIssuerFail: {
    number: '4000000000002024',
    behaviour: { kind: 'success' },
    charge: { kind: 'decline', errCode: 'ISSUER_FAIL' },
    description: 'binds; Pay declines ISSUER_FAIL (the issuer refused: a few attempts a day)',
  },
  chargeCountLimit: {
    number: '4000000000002032',
    behaviour: { kind: 'success' },
    charge: { kind: 'decline', errCode: 'ISSUER_LIMIT_COUNT_FAIL' },
    description: "binds; Pay declines ISSUER_LIMIT_COUNT_FAIL (the issuer's daily count: after 24 h)",
  },
  chargeInsufficientFunds: {
    number: '4000000000002040',
    behaviour: { kind: 'success' },
    charge: { kind: 'decline', errCode: 'ISSUER_LIMIT_AMOUNT_FAIL' },
    description: 'binds; Pay declines ISSUER_LIMIT_AMOUNT_FAIL (insufficient funds: not for 4 days)',
  },
  chargeBlocked: {
    number: '4000000000002057',
    behaviour: { kind: 'success' },
    charge: { kind: 'decline', errCode: 'ISSUER_BLOCKED_CARD' },
    description: 'binds; Pay declines ISSUER_BLOCKED_CARD (never again on this card)',
  },
  chargeThreeDSecure: {
    number: '4000000000002065',
    behaviour: { kind: 'success' },
    charge: { kind: 'three-d-secure' },
    description: 'binds; Pay answers Success="3DS", PaySubmit3DS with a passed PaRes debits',
  },
  chargeLostAnswer: {
    number: '4000000000002073',
    behaviour: { kind: 'success' },
    charge: { kind: 'approve', fate: 'lost' },
    description: 'binds; Pay debits, then the connection is destroyed before any answer',
  },
  chargeBadGateway: {
    number: '4000000000002081',
    behaviour: { kind: 'success' },
    charge: { kind: 'approve', fate: 'bad-gateway' },
    description: 'binds; Pay debits, then a balancer answers HTTP 502',
  },
  chargeSlowAnswer: {
    number: '4000000000002099',
    behaviour: { kind: 'success' },
    charge: { kind: 'approve', fate: 'slow' },
    description: "binds; Pay debits, then answers after slowAnswerMs (past a client's timeout)",
  },
} as const satisfies Record<string, MagicCard>;

const APPROVE: ChargeBehaviour = { kind: 'approve' };

// A stored card keeps a fingerprint of its number, never the number: the table is matched the same way.
const CHARGE_BY_FINGERPRINT: ReadonlyMap<string, ChargeBehaviour> = new Map(
  Object.values(PAYTURE_MAGIC_CARDS).flatMap((card: MagicCard) =>
    card.charge === undefined ? [] : [[panFingerprint(card.number), card.charge] as const],
  ),
);

/** What Pay does with a stored card: by the number it was added with (the table above). */
export function chargeBehaviourOf(card: Pick<EmulatedCard, 'panFingerprint'>): ChargeBehaviour {
  return CHARGE_BY_FINGERPRINT.get(card.panFingerprint) ?? APPROVE;
}

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
