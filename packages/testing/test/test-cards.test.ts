import { passesLuhn } from '@cardbind/core';
import { validateCardInput } from '@cardbind/core/client';
import { describe, expect, it } from 'vitest';
import { TEST_CARDS, testCardSecrets } from '../src/index.js';

describe('TEST_CARDS', () => {
  it.each(Object.entries(TEST_CARDS))('%s is a valid card an app would accept', (_name, card) => {
    expect(passesLuhn(card.number)).toBe(true);
    expect(() =>
      validateCardInput(
        { number: card.number, expires: card.expires, cvv: card.cvv, name: card.holder },
        { fields: ['number', 'expires', 'cvv', 'name'], now: () => new Date(Date.UTC(2026, 0, 1)) },
      ),
    ).not.toThrow();
  });

  it('has distinct numbers, and every number and CVV is listed as a secret', () => {
    const numbers = Object.values(TEST_CARDS).map((card) => card.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const secrets = testCardSecrets().map((secret) => secret.value);
    for (const card of Object.values(TEST_CARDS))
      expect(secrets).toEqual(expect.arrayContaining([card.number, card.cvv]));
  });
});
