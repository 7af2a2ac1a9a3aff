import { createHash } from 'node:crypto';
import { Secret } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import {
  authSecurityKey,
  callbackSecurityKey,
  rebillSecurityKey,
  refundSecurityKey,
  searchSecurityKey,
  securityKeysMatch,
  threeDsSecurityKey,
  voidSecurityKey,
} from '../src/wire/security-key.js';

/** The key of PayOnline's own examples (api.md, "SecurityKey parameter" and "CallbackURL"). */
const DOC_KEY = new Secret('3844908d-4c2a-42e1-9be0-91bb5d068d22');
/** The key of PayOnline's node-payonline test.js, whose recorded traffic gives more vectors. */
const RECORDED_KEY = new Secret('65fa8628-7a13-4c59-932d-524899f50623');

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

describe('SecurityKey formulas', () => {
  it("matches the doc's Auth vector (MerchantId 12345, OrderId 56789, 9.99 USD)", () => {
    expect(
      authSecurityKey({ merchantId: '12345', orderId: '56789', amount: '9.99', currency: 'USD' }, DOC_KEY),
    ).toBe('56a5663a5d72fe15124396754bbcb38c');
  });

  it("matches the doc's callback vector (TransactionID with a capital D)", () => {
    expect(
      callbackSecurityKey(
        {
          dateTime: '2016-12-31 23:59:59',
          transactionId: '1234567890',
          orderId: '0987654321qwe',
          amount: '123.45',
          currency: 'EUR',
        },
        DOC_KEY,
      ),
    ).toBe('036c0215b7197e33308c2a2cf219fbbf');
  });

  it('matches recorded PayOnline traffic: a payment-form key and a success and a failure callback', () => {
    expect(
      authSecurityKey(
        { merchantId: '16', orderId: 'TestOrderIdFromConsole', amount: '3.00', currency: 'RUB' },
        RECORDED_KEY,
      ),
    ).toBe('58fdce4970da1a057ddbf1ac4410079a');
    const callback = { orderId: 'TestOrderIdFromConsole', currency: 'RUB' };
    expect(
      callbackSecurityKey(
        { ...callback, dateTime: '2013-12-23 15:57:23', transactionId: '5923441', amount: '2.00' },
        RECORDED_KEY,
      ),
    ).toBe('ea42deedf4b6cc3e80eaa69bc6a49544');
    expect(
      callbackSecurityKey(
        { ...callback, dateTime: '2013-12-23 15:57:43', transactionId: '5923442', amount: '3.00' },
        RECORDED_KEY,
      ),
    ).toBe('f8b190d7b5b77f44bcdbcddc4f099686');
  });

  it('adds OrderDescription to the Auth key only when given', () => {
    const order = { merchantId: '12345', orderId: '56789', amount: '9.99', currency: 'USD' };
    expect(authSecurityKey({ ...order, orderDescription: 'Книга' }, DOC_KEY)).toBe(
      md5(
        'MerchantId=12345&OrderId=56789&Amount=9.99&Currency=USD&OrderDescription=Книга' +
          '&PrivateSecurityKey=3844908d-4c2a-42e1-9be0-91bb5d068d22',
      ),
    );
  });

  it.each([
    [
      '3-DS',
      () => threeDsSecurityKey({ merchantId: '1', transactionId: '2', paRes: 'a+b/c=', pd: 'd+e' }, DOC_KEY),
      'MerchantId=1&TransactionId=2&PARes=a+b/c=&PD=d+e',
    ],
    [
      'Search by order',
      () => searchSecurityKey({ merchantId: '1', orderId: 'o-1' }, DOC_KEY),
      'MerchantId=1&OrderId=o-1',
    ],
    [
      'Search by transaction',
      () => searchSecurityKey({ merchantId: '1', transactionId: '77' }, DOC_KEY),
      'MerchantId=1&TransactionId=77',
    ],
    [
      'Void',
      () => voidSecurityKey({ merchantId: '1', transactionId: '77' }, DOC_KEY),
      'MerchantId=1&TransactionId=77',
    ],
    [
      'Refund',
      () => refundSecurityKey({ merchantId: '1', transactionId: '77', amount: '1.00' }, DOC_KEY),
      'MerchantId=1&TransactionId=77&Amount=1.00',
    ],
    [
      'Rebill',
      () =>
        rebillSecurityKey(
          { merchantId: '1', rebillAnchor: 'zayr9g0p.RK=', orderId: 'o-2', amount: '5.00', currency: 'RUB' },
          DOC_KEY,
        ),
      'MerchantId=1&RebillAnchor=zayr9g0p.RK=&OrderId=o-2&Amount=5.00&Currency=RUB',
    ],
  ])('signs %s over the documented fields, raw values, private key last', (_name, compute, signed) => {
    expect(compute()).toBe(md5(`${signed}&PrivateSecurityKey=3844908d-4c2a-42e1-9be0-91bb5d068d22`));
  });

  it('compares keys without regard to case and refuses any other value', () => {
    const key = '036c0215b7197e33308c2a2cf219fbbf';
    expect(securityKeysMatch(key, key.toUpperCase())).toBe(true);
    expect(securityKeysMatch(key, `${key.slice(0, 31)}e`)).toBe(false);
    expect(securityKeysMatch(key, key.slice(0, 16))).toBe(false);
    expect(securityKeysMatch(key, '')).toBe(false);
  });
});
