import { TEST_CARDS, type TestCard } from '@cardbind/testing/emulators';

/** The hosted page's decisions, by TEST_CARDS number. Any other Luhn-valid number binds. */
export const BINDING_DECLINES: ReadonlyMap<string, string> = new Map([
  [TEST_CARDS.decline.number, 'do_not_honor'],
  [TEST_CARDS.insufficientFunds.number, 'insufficient_funds'],
]);

/**
 * ToyPay's magic card for charges: it binds like any card, and every charge on it is declined
 * `insufficient_funds`. Not one of TEST_CARDS (none of them means this), so tests that bind it list
 * its number among their secrets themselves.
 */
export const TOYPAY_CHARGE_DECLINE_CARD: TestCard = {
  ...TEST_CARDS.success,
  number: '4000000000000341',
  meaning: 'binds; every charge declined insufficient_funds',
};

/** The decline code every charge on this card gets, or undefined when its charges go through. */
export function chargeDeclineOf(number: string): string | undefined {
  return number === TOYPAY_CHARGE_DECLINE_CARD.number ? 'insufficient_funds' : undefined;
}

/** The brand ToyPay reports for a number, by its first digits. */
export function brandOf(number: string): string {
  if (number.startsWith('4')) return 'Visa';
  return number.startsWith('22') ? 'Mir' : 'Mastercard';
}
