import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  checkCardInput,
  ISO_3166_ALPHA2,
  isIsoCountryCode,
  passesLuhn,
  validateCardInput,
  type CardInput,
} from '../../src/client/index.js';
import { CARD_NUMBER, CVV, expectCardError, now, OTHER_CARD_NUMBER, RU_PAYER, US_PAYER } from './fixtures.js';

/** Append the Luhn check digit to `body`. */
function withCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    if (passesLuhn(`${body}${digit}`)) return `${body}${digit}`;
  }
  throw new Error('unreachable: one check digit always fits');
}

const invalid = (input: CardInput, field: string) =>
  expectCardError(() => validateCardInput(input, { now }), 'INVALID_CARD_DATA', field);

describe('validateCardInput: card number', () => {
  it('strips spaces and dashes and returns digits only', () => {
    expect(validateCardInput({ number: ' 4111-1111 1111-1111 ' }, { now }).number).toBe(CARD_NUMBER);
    expect(validateCardInput({ number: OTHER_CARD_NUMBER }, { now }).number).toBe(OTHER_CARD_NUMBER);
  });

  it('refuses a Luhn failure', () => invalid({ number: '4111111111111112' }, 'number'));

  it('refuses 12 and 20 digits even when the Luhn sum is right', () => {
    const twelve = withCheckDigit('41111111111');
    const twenty = withCheckDigit('4111111111111111111');
    expect([twelve.length, twenty.length]).toEqual([12, 20]);
    invalid({ number: twelve }, 'number');
    invalid({ number: twenty }, 'number');
  });

  it('accepts 13 and 19 digits', () => {
    expect(validateCardInput({ number: '4222222222222' }, { now }).number).toBe('4222222222222');
    expect(validateCardInput({ number: '4111111111111111110' }, { now }).number).toBe('4111111111111111110');
  });

  it('refuses letters and other separators', () => {
    invalid({ number: '4111.1111.1111.1111' }, 'number');
    invalid({ number: '4111 1111 1111 111O' }, 'number');
    invalid({ number: '٤١١١١١١١١١١١١١١١' }, 'number');
  });
});

describe('validateCardInput: expiry (clock: 15 June 2026)', () => {
  it('accepts this month and later, as MMYY or MM/YY', () => {
    expect(validateCardInput({ expires: '0626' }, { now }).expires).toBe('0626');
    expect(validateCardInput({ expires: '06/26' }, { now }).expires).toBe('0626');
    expect(validateCardInput({ expires: '0127' }, { now }).expires).toBe('0127');
  });

  it('refuses a past month', () => {
    invalid({ expires: '0526' }, 'expires');
    invalid({ expires: '1225' }, 'expires');
  });

  it('refuses a bad month or format', () => {
    invalid({ expires: '1327' }, 'expires');
    invalid({ expires: '0027' }, 'expires');
    invalid({ expires: '627' }, 'expires');
    invalid({ expires: '062027' }, 'expires');
  });

  it('uses the injected clock, not today', () => {
    const in2040 = () => new Date(Date.UTC(2040, 0, 15));
    expectCardError(
      () => validateCardInput({ expires: '1229' }, { now: in2040 }),
      'INVALID_CARD_DATA',
      'expires',
    );
  });

  it('does not call a card expired while it is still its month in local time or UTC', () => {
    // The earlier of the local and the UTC month counts, so a card is never refused just for the zone.
    const previousTz = process.env['TZ'];
    try {
      process.env['TZ'] = 'America/Los_Angeles';
      const julyUtcJuneLocal = () => new Date(Date.UTC(2026, 6, 1, 0, 30));
      expect(julyUtcJuneLocal().getMonth()).toBe(5);
      expect(validateCardInput({ expires: '0626' }, { now: julyUtcJuneLocal }).expires).toBe('0626');
      process.env['TZ'] = 'Asia/Tokyo';
      const julyLocalJuneUtc = () => new Date(Date.UTC(2026, 5, 30, 20));
      expect(julyLocalJuneUtc().getMonth()).toBe(6);
      expect(validateCardInput({ expires: '0626' }, { now: julyLocalJuneUtc }).expires).toBe('0626');
      // Once both agree it is July, June cards are expired.
      expectCardError(
        () => validateCardInput({ expires: '0626' }, { now: () => new Date(Date.UTC(2026, 6, 2)) }),
        'INVALID_CARD_DATA',
        'expires',
      );
    } finally {
      if (previousTz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previousTz;
    }
  });
});

describe('validateCardInput: other fields', () => {
  it('checks the CVV length', () => {
    expect(validateCardInput({ cvv: '123' }, { now }).cvv).toBe('123');
    expect(validateCardInput({ cvv: '1234' }, { now }).cvv).toBe('1234');
    invalid({ cvv: '12' }, 'cvv');
    invalid({ cvv: '12345' }, 'cvv');
    invalid({ cvv: '12a' }, 'cvv');
  });

  it('checks the country against the real ISO list, in any case', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    expect(validateCardInput({ country: 'ru' }, { now }).country).toBe('RU');
    expect(validateCardInput({ country: ' Us ' }, { now }).country).toBe('US');
    invalid({ country: 'XX' }, 'country');
    invalid({ country: 'UK' }, 'country');
    invalid({ country: 'RUS' }, 'country');
    expect(isIsoCountryCode('gb')).toBe(true);
  });

  it('accepts zip and state only for the US', () => {
    expect(validateCardInput({ country: 'us', zip: '12345', state: 'ny' }, { now })).toEqual({
      country: 'US',
      zip: '12345',
      state: 'NY',
    });
    invalid({ country: 'RU', zip: '12345' }, 'zip');
    invalid({ country: 'RU', state: 'NY' }, 'state');
    invalid({ zip: '12345' }, 'zip');
    invalid({ country: 'US', zip: '1234' }, 'zip');
    invalid({ country: 'US', zip: '12345-67' }, 'zip');
    invalid({ country: 'US', state: 'N1' }, 'state');
  });

  it('limits city to 50 and address to 150 characters', () => {
    expect(validateCardInput({ city: 'x'.repeat(50) }, { now }).city).toHaveLength(50);
    invalid({ city: 'x'.repeat(51) }, 'city');
    expect(validateCardInput({ address: 'x'.repeat(150) }, { now }).address).toHaveLength(150);
    invalid({ address: 'x'.repeat(151) }, 'address');
  });

  it('checks mail, phone and name', () => {
    invalid({ mail: 'not-an-email' }, 'mail');
    invalid({ mail: `${'a'.repeat(40)}@example.com` }, 'mail');
    invalid({ phone: '+7 (495) 123' }, 'phone');
    invalid({ phone: '1'.repeat(51) }, 'phone');
    invalid({ name: 'Василий Пупкин' }, 'name');
    invalid({ name: 'x'.repeat(101) }, 'name');
    invalid({ name: '...' }, 'name');
    invalid({ city: 'Mos\ncow' }, 'city');
    expect(validateCardInput({ name: '  vasily   pupkin ' }, { now }).name).toBe('vasily pupkin');
  });

  it('requires the asked fields (zip and state only for the US) and ignores empty unasked ones', () => {
    expect(() => validateCardInput({ cvv: '' }, { now })).not.toThrow();
    expectCardError(
      () => validateCardInput({ number: CARD_NUMBER }, { now, fields: ['number', 'cvv'] }),
      'INVALID_CARD_DATA',
      'cvv',
    );
    expect(() => validateCardInput(RU_PAYER, { now, fields: ['country', 'zip', 'state'] })).not.toThrow();
    expectCardError(
      () => validateCardInput({ ...US_PAYER, state: '' }, { now, fields: ['country', 'zip', 'state'] }),
      'INVALID_CARD_DATA',
      'state',
    );
  });

  it('reports every problem at once with checkCardInput', () => {
    const check = checkCardInput(
      { number: '4111111111111112', cvv: '1', country: 'XX' },
      { now, fields: ['mail'] },
    );
    expect(check.ok).toBe(false);
    expect(check.errors.map((e) => [e.field, e.reason])).toEqual([
      ['number', 'invalid'],
      ['cvv', 'invalid'],
      ['mail', 'missing'],
      ['country', 'invalid'],
    ]);
  });

  it('reports a non-string value from plain JS as a field problem', () => {
    const fromJs: CardInput = { cvv: '947' };
    Reflect.set(fromJs, 'number', 4111111111111111);
    const check = checkCardInput(fromJs, { now });
    expect(check.ok).toBe(false);
    expect(check.errors.map((e) => e.field)).toEqual(['number']);
  });

  it('returns the whole normalised input', () => {
    expect(validateCardInput(US_PAYER, { now })).toEqual({
      name: "Mary-Ann O'Neil Jr.",
      number: CARD_NUMBER,
      expires: '1229',
      cvv: CVV,
      bank: 'Sberbank',
      mail: 'vasily@example.ru',
      phone: '+7 495 123 45 67',
      country: 'US',
      city: 'Springfield',
      address: '742 Evergreen Terrace',
      zip: '12345-6789',
      state: 'IL',
    });
  });
});

const luhnValidNumber = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
  .map((digits) => withCheckDigit(digits.join('')));

describe('validateCardInput properties', () => {
  it('accepts any Luhn-valid 13–19 digit number with spaces and dashes inserted', () => {
    const typed = luhnValidNumber.chain((number) =>
      fc
        .array(fc.constantFrom('', '', ' ', '-', '  ', ' - '), {
          minLength: number.length + 1,
          maxLength: number.length + 1,
        })
        .map((separators) => ({
          number,
          typed:
            [...number].map((digit, i) => `${separators[i] ?? ''}${digit}`).join('') +
            (separators.at(-1) ?? ''),
        })),
    );
    fc.assert(
      fc.property(typed, ({ number, typed: input }) => {
        expect(validateCardInput({ number: input }, { now }).number).toBe(number);
      }),
    );
  });

  it('rejects any single-digit change', () => {
    const changed = luhnValidNumber.chain((number) =>
      fc.record({
        number: fc.constant(number),
        position: fc.integer({ min: 0, max: number.length - 1 }),
        delta: fc.integer({ min: 1, max: 9 }),
      }),
    );
    fc.assert(
      fc.property(changed, ({ number, position, delta }) => {
        const digit = (Number(number[position]) + delta) % 10;
        const wrong = `${number.slice(0, position)}${digit}${number.slice(position + 1)}`;
        expectCardError(() => validateCardInput({ number: wrong }, { now }), 'INVALID_CARD_DATA', 'number');
      }),
    );
  });
});
