import { describe, expect, it } from 'vitest';
import { CardBindingError, fillFormParams, readProcessingRequest } from '../../src/client/index.js';

// The example answer of LitRes's form-params spec (payonline-form-params-flow.ru.txt), `terms_url` and all.
const SEED_ANSWER = JSON.parse(`{
  "url": "https://secure.payonlinesystem.com/payment/transaction/auth/",
  "method": "POST",
  "name": "PayOnline",
  "homepage": "http://www.payonlinesystem.com/",
  "terms_url": "http://robot.litres.ru/pages/catalit_credit_card_3ds_result/862703672/",
  "params": [
    {"name":"merchant_id","value":"666"}, {"name":"order_id","value":"555"}, {"name":"amount","value":"100500"},
    {"name":"currency","value":"RUR"}, {"name":"security_key","value":"1bc29b36f623ba82aaf6724fd3b16718"},
    {"name":"email","value":"","substitute":"mail"}, {"name":"cardholdername","value":"","substitute":"name"},
    {"name":"cardnumber","value":"","substitute":"number"}, {"name":"cardexpdate","value":"","substitute":"expires"},
    {"name":"cardcvv","value":"","substitute":"cvv"}, {"name":"country","value":"","substitute":"country"}
  ]
}`);

describe('readProcessingRequest', () => {
  it("reads LitRes's form-params format, term_url spelled terms_url, and feeds fillFormParams", () => {
    const action = readProcessingRequest(SEED_ANSWER);
    expect(action).toMatchObject({
      type: 'form',
      method: 'POST',
      processor: { name: 'PayOnline', homepage: 'http://www.payonlinesystem.com/' },
      termUrl: 'http://robot.litres.ru/pages/catalit_credit_card_3ds_result/862703672/',
    });
    expect(action.params).toHaveLength(11);
    const filled = fillFormParams(action, {
      mail: 'ivan@example.test',
      name: 'IVAN IVANOV',
      number: '4111 1111 1111 1111',
      expires: '1230',
      cvv: '737',
      country: 'RU',
    });
    expect(filled.map((p) => p.name)).toEqual(SEED_ANSWER.params.map((p: { name: string }) => p.name));
    expect(filled[2]).toEqual({ name: 'amount', value: '100500' });
    expect(filled[7]).toEqual({ name: 'cardnumber', value: '4111111111111111' });
  });

  it('reads term_url too, and passes cardbind’s own form action through unchanged', () => {
    const { terms_url: _dropped, ...rest } = SEED_ANSWER;
    expect(readProcessingRequest({ ...rest, term_url: 'https://shop.example/3ds' }).termUrl).toBe(
      'https://shop.example/3ds',
    );
    const own = readProcessingRequest(SEED_ANSWER);
    expect(readProcessingRequest(own)).toEqual(own);
  });

  it('refuses anything else with INVALID_STATE naming fields, not values', () => {
    const error = (() => {
      try {
        readProcessingRequest({ ...SEED_ANSWER, method: 'PUT', url: 'not a url 4111111111111111' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'INVALID_STATE' });
    expect(String(error)).toMatch(/url|method/);
    expect(String(error)).not.toContain('4111111111111111');
  });
});
