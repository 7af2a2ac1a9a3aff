import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  encodeFormBody,
  fillFormParams,
  FormAction,
  requiredCardFields,
  toUrlSearchParams,
  type CardInput,
  type FormParam,
} from '../../src/client/index.js';
import { CARD_NUMBER, CVV, expectCardError, now, RU_PAYER, SEED_PARAMS, US_PAYER } from './fixtures.js';

/** LitRes's form-params example answer as core's FormAction (terms_url mapped to termUrl by the provider). */
const seedAction = FormAction.parse({
  type: 'form',
  url: 'https://secure.payonlinesystem.com/payment/transaction/auth/',
  method: 'POST',
  processor: { name: 'PayOnline', homepage: 'http://www.payonlinesystem.com/' },
  orderId: '555',
  termUrl: 'http://robot.litres.ru/pages/catalit_credit_card_3ds_result/862703672/',
  params: SEED_PARAMS,
});

const fill = (params: FormParam[], input: CardInput) => fillFormParams({ params }, input, { now });

describe("fillFormParams with LitRes's form-params spec's example answer", () => {
  it('fills a Russian payer: everything sent in order, zip and state listed but empty', () => {
    expect(fillFormParams(seedAction, RU_PAYER, { now })).toEqual([
      { name: 'merchant_id', value: '666' },
      { name: 'order_id', value: '555' },
      { name: 'amount', value: '100500' },
      { name: 'currency', value: 'RUR' },
      { name: 'security_key', value: '1bc29b36f623ba82aaf6724fd3b16718' },
      { name: 'email', value: 'vasily@example.ru' },
      { name: 'cardholdername', value: 'Vasily Pupkin' },
      { name: 'cardnumber', value: CARD_NUMBER },
      { name: 'cardexpdate', value: '1229' },
      { name: 'cardcvv', value: CVV },
      { name: 'country', value: 'RU' },
      { name: 'city', value: 'Moscow' },
      { name: 'zip', value: '' },
      { name: 'address', value: 'Tverskaya 1' },
      { name: 'state', value: '' },
      { name: 'phone', value: '+7 495 123 45 67' },
      { name: 'issuer', value: 'Sberbank' },
    ]);
  });

  it('fills a US payer including zip (alias zipcode) and state', () => {
    const filled = new Map(fillFormParams(seedAction, US_PAYER, { now }).map((p) => [p.name, p.value]));
    expect(filled.get('zip')).toBe('12345-6789');
    expect(filled.get('state')).toBe('IL');
    expect(filled.get('country')).toBe('US');
    expect(filled.get('issuer')).toBe('Sberbank');
    expect(filled.get('cardholdername')).toBe("Mary-Ann O'Neil Jr.");
  });

  it('asks for exactly the listed fields, optional ones included, in order and once each', () => {
    expect(requiredCardFields(seedAction)).toEqual([
      'mail',
      'name',
      'number',
      'expires',
      'cvv',
      'country',
      'city',
      'zip',
      'address',
      'state',
      'phone',
      'bank',
    ]);
  });

  it('refuses when a listed optional field (city) is empty, naming the field and the param', () => {
    const error = expectCardError(
      () => fillFormParams(seedAction, { ...RU_PAYER, city: '  ' }, { now }),
      'INVALID_CARD_DATA',
      'city',
    );
    expect(error.message).toContain('"city"');
  });

  it('requires zip and state from a US payer', () => {
    const error = expectCardError(
      () => fillFormParams(seedAction, { ...US_PAYER, zip: '' }, { now }),
      'INVALID_CARD_DATA',
      'zip',
    );
    expect(error.message).toContain('form param "zip"');
    expect(error.message).toContain('substitute "zipcode"');
  });

  it('refuses a zip from a non-US payer', () => {
    expectCardError(
      () => fillFormParams(seedAction, { ...RU_PAYER, zip: '12345' }, { now }),
      'INVALID_CARD_DATA',
      'zip',
    );
  });

  it('refuses an invalid card before anything is sent (Luhn)', () => {
    expectCardError(
      () => fillFormParams(seedAction, { ...RU_PAYER, number: '4111111111111112' }, { now }),
      'INVALID_CARD_DATA',
      'number',
    );
  });

  it('serialises as a form body with every param, empty ones included', () => {
    const body = encodeFormBody(fillFormParams(seedAction, RU_PAYER, { now }));
    expect(body).toBe(toUrlSearchParams(fillFormParams(seedAction, RU_PAYER, { now })).toString());
    expect(body).toContain('&zip=&');
    expect(body).toContain('&state=&');
    expect(body).toContain('cardholdername=Vasily+Pupkin');
    expect(body).toContain('email=vasily%40example.ru');
  });
});

describe('fillFormParams rules', () => {
  const basic: FormParam[] = [
    { name: 'MerchantId', value: '1' },
    { name: 'CardNumber', value: '', substitute: 'number' },
    { name: 'CardCvv', value: '', substitute: 'cvv' },
    { name: 'CardExpDate', value: '', substitute: 'expires' },
  ];

  it('never sends optional fields the backend did not list', () => {
    const filled = fill(basic, US_PAYER);
    expect(filled.map((p) => p.name)).toEqual(['MerchantId', 'CardNumber', 'CardCvv', 'CardExpDate']);
    const sent = JSON.stringify(filled);
    for (const value of ['Springfield', 'Evergreen', '12345', 'IL', 'Sberbank', 'example.ru', 'Mary']) {
      expect(sent).not.toContain(value);
    }
    expect(requiredCardFields({ params: basic })).toEqual(['number', 'cvv', 'expires']);
  });

  it('ignores unasked fields even when they are invalid', () => {
    expect(() => fill(basic, { ...RU_PAYER, phone: 'call me', zip: '1', country: 'XX' })).not.toThrow();
  });

  it('sends params without substitute exactly as given: empty kept, order and duplicates kept', () => {
    const params: FormParam[] = [
      { name: 'b', value: '' },
      { name: 'a', value: ' spaced  value ' },
      { name: 'b', value: 'second b' },
      { name: 'num', value: 'ignored', substitute: 'number' },
      { name: 'num', value: '', substitute: 'number' },
      { name: 'Description', value: '' },
    ];
    expect(fill(params, RU_PAYER)).toEqual([
      { name: 'b', value: '' },
      { name: 'a', value: ' spaced  value ' },
      { name: 'b', value: 'second b' },
      { name: 'num', value: CARD_NUMBER },
      { name: 'num', value: CARD_NUMBER },
      { name: 'Description', value: '' },
    ]);
  });

  it('passes a rebill request (no substitutes) through untouched, whatever the card input', () => {
    const rebill: FormParam[] = [
      { name: 'RebillAnchor', value: 'zayr9g0p' },
      { name: 'Amount', value: '1.00' },
      { name: 'Empty', value: '' },
    ];
    expect(fill(rebill, {})).toEqual(rebill);
    expect(requiredCardFields({ params: rebill })).toEqual([]);
  });

  it('resolves the aliases zipcode → zip and issuer → bank', () => {
    const params: FormParam[] = [
      { name: 'Country', value: '', substitute: 'country' },
      { name: 'Zip', value: '', substitute: 'zipcode' },
      { name: 'Zip2', value: '', substitute: 'zip' },
      { name: 'Issuer', value: '', substitute: 'issuer' },
      { name: 'Bank', value: '', substitute: 'bank' },
    ];
    expect(fill(params, US_PAYER)).toEqual([
      { name: 'Country', value: 'US' },
      { name: 'Zip', value: '12345-6789' },
      { name: 'Zip2', value: '12345-6789' },
      { name: 'Issuer', value: 'Sberbank' },
      { name: 'Bank', value: 'Sberbank' },
    ]);
    expect(requiredCardFields({ params })).toEqual(['country', 'zip', 'bank']);
  });

  it('refuses an unknown substitute, naming the param and never its value', () => {
    const params: FormParam[] = [{ name: 'Pan', value: 'backend-secret-value', substitute: 'card_pan' }];
    const error = expectCardError(() => fill(params, RU_PAYER), 'INVALID_CARD_DATA', 'Pan');
    expect(error.message).toContain('"Pan"');
    expect(error.message).not.toContain('backend-secret-value');
    expectCardError(() => requiredCardFields({ params }), 'INVALID_CARD_DATA', 'Pan');
    // Exact match only: a different case is not guessed at.
    expectCardError(
      () => fill([{ name: 'N', value: '', substitute: 'Number' }], RU_PAYER),
      'INVALID_CARD_DATA',
      'N',
    );
    expectCardError(
      () => fill([{ name: 'P', value: '', substitute: '__proto__' }], RU_PAYER),
      'INVALID_CARD_DATA',
      'P',
    );
  });

  it('refuses a missing value, naming the card field, the param and the substitute', () => {
    const error = expectCardError(
      () => fill(basic, { ...RU_PAYER, cvv: undefined }),
      'INVALID_CARD_DATA',
      'cvv',
    );
    expect(error.message).toContain('form param "CardCvv"');
    expect(error.message).toContain('substitute "cvv"');
  });

  it('keeps the backend value of a security_key substitute, and refuses an empty one', () => {
    const params: FormParam[] = [
      { name: 'SecurityKey', value: 'abc123', substitute: 'security_key' },
      { name: 'CardCvv', value: '', substitute: 'cvv' },
    ];
    expect(fill(params, RU_PAYER)).toEqual([
      { name: 'SecurityKey', value: 'abc123' },
      { name: 'CardCvv', value: CVV },
    ]);
    expect(requiredCardFields({ params })).toEqual(['cvv']);
    // The backend's fault is reported before the customer's (empty CVV here).
    expectCardError(
      () =>
        fill(
          [
            { name: 'SecurityKey', value: '', substitute: 'security_key' },
            { name: 'CardCvv', value: '', substitute: 'cvv' },
          ],
          {},
        ),
      'INVALID_CARD_DATA',
      'SecurityKey',
    );
  });
});

/** A valid US payer and the values fillFormParams must send for each substitute key. */
const SENT_FOR: Record<string, string> = {
  name: "Mary-Ann O'Neil Jr.",
  number: CARD_NUMBER,
  expires: '1229',
  cvv: CVV,
  bank: 'Sberbank',
  issuer: 'Sberbank',
  mail: 'vasily@example.ru',
  phone: '+7 495 123 45 67',
  country: 'US',
  city: 'Springfield',
  address: '742 Evergreen Terrace',
  zip: '12345-6789',
  zipcode: '12345-6789',
  state: 'IL',
};

const paramArbitrary: fc.Arbitrary<FormParam> = fc.oneof(
  fc.record({ name: fc.string({ minLength: 1 }), value: fc.string() }),
  fc.record({
    name: fc.string({ minLength: 1 }),
    value: fc.string(),
    substitute: fc.constantFrom(...Object.keys(SENT_FOR)),
  }),
);

describe('fillFormParams properties', () => {
  it('keeps length and name order, passes plain values through and substitutes the input', () => {
    fc.assert(
      fc.property(fc.array(paramArbitrary, { maxLength: 30 }), (params) => {
        const filled = fill(params, US_PAYER);
        expect(filled.map((p) => p.name)).toEqual(params.map((p) => p.name));
        params.forEach((param, i) => {
          const expected = param.substitute === undefined ? param.value : SENT_FOR[param.substitute];
          expect(filled[i]?.value).toBe(expected);
        });
      }),
    );
  });

  it('form-encodes reserved characters, UTF-8 and lone surrogates like URLSearchParams', () => {
    const filled = [
      { name: 'a+b&c', value: "x=y z~!'()*" },
      { name: 'city', value: 'Москва' },
      { name: 'broken', value: 'a\uD800b' },
    ];
    expect(encodeFormBody(filled)).toBe(
      'a%2Bb%26c=x%3Dy+z%7E%21%27%28%29*&city=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&broken=a%EF%BF%BDb',
    );
    expect(encodeFormBody(filled)).toBe(toUrlSearchParams(filled).toString());
  });

  it('encodes a body exactly as URLSearchParams does, keeping every pair', () => {
    // Any code point, plus lone surrogate halves (which must become U+FFFD, not throw).
    const unit = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    );
    const text = fc.string({ unit });
    const pair = fc.record({ name: text, value: text });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 10 }), (filled) => {
        const body = encodeFormBody(filled);
        expect(body).toBe(toUrlSearchParams(filled).toString());
        expect([...new URLSearchParams(body)].length).toBe(filled.length);
      }),
    );
  });
});
