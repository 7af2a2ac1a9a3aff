/** One magic test card: what an emulator does when the customer submits it. */
export interface TestCard {
  /** 13-19 digits, Luhn-valid, no separators. */
  readonly number: string;
  /** MMYY, in the future for years to come. */
  readonly expires: string;
  readonly cvv: string;
  /** As printed: Latin capitals. */
  readonly holder: string;
  readonly brand: 'Visa' | 'Mastercard' | 'Mir';
  /** What an emulator is expected to do with it. */
  readonly meaning: string;
}

/**
 * Magic cards shared by the emulators, the conformance suite and host tests. The numbers are the
 * card schemes' published test numbers (no real account behind them); they are still treated as
 * secrets everywhere, because a test that lets them leak would let a real number leak too.
 */
export const TEST_CARDS = {
  success: {
    number: '4111111111111111',
    expires: '1230',
    cvv: '737',
    holder: 'IVAN IVANOV',
    brand: 'Visa',
    meaning: 'binds at once',
  },
  decline: {
    number: '4000000000000002',
    expires: '1230',
    cvv: '737',
    holder: 'IVAN IVANOV',
    brand: 'Visa',
    meaning: 'the issuer declines it',
  },
  insufficientFunds: {
    number: '4000000000009995',
    expires: '1230',
    cvv: '737',
    holder: 'IVAN IVANOV',
    brand: 'Visa',
    meaning: 'declined for insufficient funds (the verification amount cannot be held)',
  },
  threeDSecure: {
    number: '4000000000003220',
    expires: '1230',
    cvv: '737',
    holder: 'IVAN IVANOV',
    brand: 'Visa',
    meaning: 'asks for a 3-D Secure challenge, then binds',
  },
  slowClose: {
    number: '5555555555554444',
    expires: '1230',
    cvv: '838',
    holder: 'MARIA PETROVA',
    brand: 'Mastercard',
    meaning: 'accepted, but the order stays pending for a while before it closes successfully',
  },
  mir: {
    number: '2200000000000004',
    expires: '1230',
    cvv: '595',
    holder: 'PETR SIDOROV',
    brand: 'Mir',
    meaning: 'binds at once (a Mir card)',
  },
} as const satisfies Record<string, TestCard>;

export type TestCardName = keyof typeof TEST_CARDS;

/** Every test card's number and CVV: what must never appear in a log, error or binding. */
export function testCardSecrets(): { name: string; value: string }[] {
  return Object.entries(TEST_CARDS).flatMap(([name, card]) => [
    { name: `TEST_CARDS.${name}.number`, value: card.number },
    { name: `TEST_CARDS.${name}.cvv`, value: card.cvv },
  ]);
}
