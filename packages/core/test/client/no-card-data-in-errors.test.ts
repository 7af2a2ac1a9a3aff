import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkCardInput, fillFormParams, CardField, type CardInput } from '../../src/client/index.js';
import { CARD_NUMBER, CVV, expectCardError, now, SECRETS, SEED_PARAMS, seenErrors } from './fixtures.js';

/** Card data put where it does not belong, so that every field fails while holding it. */
const MISPLACED: CardInput = Object.fromEntries(
  CardField.options.map((field) => [field, `${CARD_NUMBER} ${CVV}`]),
);

describe('error messages never carry card data', () => {
  it('holds for every field holding the card number and CVV', () => {
    const check = checkCardInput(MISPLACED, { now });
    expect(check.ok).toBe(false);
    // Free text (bank, phone, city, address) may hold digits; every other field must fail.
    expect(check.errors.map((problem) => problem.field)).toEqual([
      'name',
      'number',
      'expires',
      'cvv',
      'mail',
      'country',
      'zip',
      'state',
    ]);
    for (const problem of check.errors)
      for (const secret of SECRETS) expect(problem.message).not.toContain(secret);
    expectCardError(() => fillFormParams({ params: SEED_PARAMS }, MISPLACED, { now }), 'INVALID_CARD_DATA');
  });

  it('holds for a wrong CVV and a wrong number next to valid data', () => {
    expectCardError(
      () => fillFormParams({ params: SEED_PARAMS }, { number: CARD_NUMBER, cvv: `${CVV}99` }, { now }),
      'INVALID_CARD_DATA',
    );
    expectCardError(
      () => fillFormParams({ params: SEED_PARAMS }, { number: `${CARD_NUMBER}9`, cvv: CVV }, { now }),
      'INVALID_CARD_DATA',
    );
  });

  it('holds for arbitrary inputs around the card number', () => {
    const field = fc.constantFrom(...CardField.options);
    const text = fc
      .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
      .map(([a, b]) => `${a}${CARD_NUMBER}${b}`);
    fc.assert(
      fc.property(fc.dictionary(field, text), (input) => {
        const check = checkCardInput(input, { now, fields: CardField.options });
        for (const problem of check.errors) expect(problem.message).not.toContain(CARD_NUMBER);
      }),
    );
  });

  it('held for every CardBindingError the suite asserted in this file', () => {
    expect(seenErrors.length).toBeGreaterThan(0);
    for (const text of seenErrors) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
