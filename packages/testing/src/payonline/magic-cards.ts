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

/**
 * What a Rebill on a saved card does, chosen when the card was bound (by its number; the emulator keeps
 * it with the RebillAnchor it issued). Any card without an entry is charged at once.
 */
export type ChargeBehaviour =
  | { readonly kind: 'success' }
  /** `Result=Error&Status=Declined` with this Code and ErrorCode; no debit. */
  | { readonly kind: 'decline'; readonly code: string; readonly errorCode: string }
  /** The request itself refused (`Code=..&Message=..`), e.g. 4022 rebill not allowed; no debit. */
  | { readonly kind: 'refuse'; readonly code: string }
  /** Debited, then the answer is lost: the socket destroyed (`reset`) or a 502 from a gateway. */
  | { readonly kind: 'lost-answer'; readonly how: 'reset' | 'bad-gateway' }
  /** Debited, then answered only after the emulator's `slowAnswerMs` (past any client timeout). */
  | { readonly kind: 'slow-answer' }
  /** Debited under the emulator's routed merchant account; the answer names it (`MerchantId`). */
  | { readonly kind: 'routed' };

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

function chargeCard(number: string, meaning: string): TestCard {
  return { number, expires: '1230', cvv: '123', holder: 'OLGA SMIRNOVA', brand: 'Visa', meaning };
}

/**
 * Cards that bind at once and then behave as named when the saved card is charged (Rebill). Code 1999
 * with an ErrorCode is the pairing a recorded PayOnline failure callback shows (ErrorCode 3): the class
 * decides; 5205 is the doc's insufficient funds. TEST_CARDS.success charges at once.
 */
export const PAYONLINE_CHARGE_CARDS = {
  technicalError: chargeCard('4000001234000016', 'charge declined, ErrorCode 1 (technical, retry later)'),
  filterDecline: chargeCard('4000001234000024', "charge declined by PayOnline's filters, ErrorCode 2"),
  issuerDecline: chargeCard('4000001234000032', 'charge declined by the issuer, ErrorCode 3'),
  issuerDeclineFinal: chargeCard(
    '4000001234000040',
    'charge declined by the issuer, ErrorCode 4 (never retry)',
  ),
  insufficientFunds: chargeCard('4000001234000057', 'charge declined for insufficient funds, Code 5205'),
  rebillNotAllowed: chargeCard('4000001234000065', 'charge refused with Code 4022 (rebill not allowed)'),
  lostAnswer: chargeCard('4000001234000073', 'charged, then the connection is reset before the answer'),
  badGateway: chargeCard('4000001234000081', 'charged, then a gateway answers 502'),
  slowAnswer: chargeCard('4000001234000099', 'charged, then the answer comes after slowAnswerMs'),
  routed: chargeCard('4000001234000107', "charged under the emulator's routed merchant account"),
} as const satisfies Record<string, TestCard>;

const CHARGE_BEHAVIOURS: ReadonlyMap<string, ChargeBehaviour> = new Map<string, ChargeBehaviour>([
  [PAYONLINE_CHARGE_CARDS.technicalError.number, { kind: 'decline', code: '1999', errorCode: '1' }],
  [PAYONLINE_CHARGE_CARDS.filterDecline.number, { kind: 'decline', code: '1999', errorCode: '2' }],
  [PAYONLINE_CHARGE_CARDS.issuerDecline.number, { kind: 'decline', code: '1999', errorCode: '3' }],
  [PAYONLINE_CHARGE_CARDS.issuerDeclineFinal.number, { kind: 'decline', code: '1999', errorCode: '4' }],
  [PAYONLINE_CHARGE_CARDS.insufficientFunds.number, { kind: 'decline', code: '5205', errorCode: '3' }],
  [PAYONLINE_CHARGE_CARDS.rebillNotAllowed.number, { kind: 'refuse', code: '4022' }],
  [PAYONLINE_CHARGE_CARDS.lostAnswer.number, { kind: 'lost-answer', how: 'reset' }],
  [PAYONLINE_CHARGE_CARDS.badGateway.number, { kind: 'lost-answer', how: 'bad-gateway' }],
  [PAYONLINE_CHARGE_CARDS.slowAnswer.number, { kind: 'slow-answer' }],
  [PAYONLINE_CHARGE_CARDS.routed.number, { kind: 'routed' }],
]);

/** What charging a card bound with this number does. */
export function chargeBehaviourOf(cardNumber: string): ChargeBehaviour {
  return CHARGE_BEHAVIOURS.get(cardNumber) ?? { kind: 'success' };
}

/** The PayOnline-only cards' numbers, for no-secret checks beside `testCardSecrets()`. */
export function payOnlineTestCardSecrets(): { name: string; value: string }[] {
  return [
    ...Object.entries(PAYONLINE_TEST_CARDS).map(([name, card]) => ({ name, card })),
    ...Object.entries(PAYONLINE_CHARGE_CARDS).map(([name, card]) => ({ name: `charge ${name}`, card })),
  ].map(({ name, card }) => ({ name: `PayOnline card ${name}`, value: card.number }));
}

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
