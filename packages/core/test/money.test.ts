import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardBindingError, fromMajorString, minorDigits, toMajorString } from '../src/index.js';

describe('Money', () => {
  it('writes minor units as the exact decimal string, whatever the currency has for digits', () => {
    expect(toMajorString({ minor: 150099, currency: 'RUB' })).toBe('1500.99');
    expect(toMajorString({ minor: 30, currency: 'RUB' })).toBe('0.30');
    expect(toMajorString({ minor: 10 + 20, currency: 'USD' })).toBe('0.30');
    expect(toMajorString({ minor: 7, currency: 'RUB' })).toBe('0.07');
    expect(toMajorString({ minor: 0, currency: 'RUB' })).toBe('0.00');
    expect(toMajorString({ minor: 700, currency: 'JPY' })).toBe('700');
    expect(toMajorString({ minor: 5, currency: 'KWD' })).toBe('0.005');
    expect(toMajorString({ minor: 1234567, currency: 'BHD' })).toBe('1234.567');
    expect(toMajorString({ minor: Number.MAX_SAFE_INTEGER, currency: 'RUB' })).toBe('90071992547409.91');
  });

  it('reads a provider amount back exactly and refuses what it would have to round', () => {
    expect(fromMajorString('1500.99', 'RUB')).toEqual({ minor: 150099, currency: 'RUB' });
    expect(fromMajorString('0.3', 'RUB')).toEqual({ minor: 30, currency: 'RUB' });
    expect(fromMajorString('12', 'RUB')).toEqual({ minor: 1200, currency: 'RUB' });
    expect(fromMajorString('700', 'JPY')).toEqual({ minor: 700, currency: 'JPY' });
    for (const bad of ['0.001', '1,5', '-1', '1e3', '', 'abc']) {
      expect(() => fromMajorString(bad, 'RUB')).toThrow(CardBindingError);
    }
    expect(() => fromMajorString('1.5', 'JPY')).toThrow(CardBindingError);
  });

  it('round-trips every safe amount in currencies with 0, 2 and 3 digits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('JPY', 'RUB', 'KWD'),
        (minor, currency) => {
          const text = toMajorString({ minor, currency });
          const digits = minorDigits(currency);
          // The string has exactly the currency's digits after the point, and no exponent.
          expect(text).toMatch(digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`));
          expect(fromMajorString(text, currency)).toEqual({ minor, currency });
        },
      ),
    );
  });
});
