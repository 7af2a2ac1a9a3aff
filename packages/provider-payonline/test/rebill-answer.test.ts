import { Secret } from '@cardbind/core';
import { PAYONLINE_SIGNED_FIELDS, payOnlineSecurityKey, signPayOnlineFields } from '@cardbind/testing';
import { describe, expect, it } from 'vitest';
import { readOperationAnswer } from '../src/wire/answer.js';
import { interpretRebillAnswer } from '../src/charging/rebill.js';
import { chargeDeclineError, retryAdviceFor } from '../src/errors/retry-advice.js';
import { rebillSecurityKey, refundSecurityKey } from '../src/wire/security-key.js';

const read = (body: string) => interpretRebillAnswer(readOperationAnswer(body));

describe('Rebill answers (charging.md, "Rebill answer")', () => {
  it.each(['Ok', 'OK', 'ok'])('reads Result=%s with Status Pending or PreAuthorized as paid', (result) => {
    expect(read(`Id=77&Operation=Rebill&Result=${result}&Status=Pending&Code=200`)).toEqual({
      kind: 'paid',
      transactionId: '77',
    });
    expect(read(`id=78&operation=Rebill&result=${result}&status=preauthorized`)).toEqual({
      kind: 'paid',
      transactionId: '78',
    });
  });

  it('keeps the routed MerchantId, from text and from XML', () => {
    expect(read('Id=77&Operation=Rebill&Result=Ok&Status=Pending&Code=200&MerchantId=2000')).toEqual({
      kind: 'paid',
      transactionId: '77',
      merchantId: '2000',
    });
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><transaction><id>79</id><operation>Rebill</operation>' +
      '<result>Ok</result><status>Pending</status><code>200</code><merchantId>3000</merchantId></transaction>';
    expect(read(xml)).toEqual({ kind: 'paid', transactionId: '79', merchantId: '3000' });
  });

  it('reads only Result=Error (or a refused request) as a decline; 4016 either way is "already paid"', () => {
    expect(read('Id=80&Operation=Rebill&Result=ERROR&Status=Declined&Code=5205&ErrorCode=3')).toEqual({
      kind: 'declined',
      code: '5205',
      errorCode: '3',
    });
    expect(read('Code=4021&Message=Incorrect RebillAnchor')).toEqual({ kind: 'declined', code: '4021' });
    expect(read('Code=4016&Message=Order already paid')).toEqual({ kind: 'already-paid' });
    expect(read('Id=81&Operation=Rebill&Result=Error&Code=4016&ErrorCode=2')).toEqual({
      kind: 'already-paid',
    });
    // Ok with a status that names no payment, or that contradicts it: left to Search.
    expect(read('Id=82&Operation=Rebill&Result=Ok&Status=Declined&Code=5205')).toEqual({ kind: 'unclear' });
    expect(read('Id=83&Operation=Rebill&Result=Ok')).toEqual({ kind: 'unclear' });
  });

  it('throws PROVIDER_UNAVAILABLE for a body that is no answer', () => {
    expect(() => read('<html><body>502</body></html>')).toThrow(
      expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' }),
    );
    expect(() => read('Id=&Operation=Rebill&Result')).toThrow(
      expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' }),
    );
  });
});

describe('retry advice: the stricter rule wins', () => {
  const now = new Date(Date.UTC(2026, 2, 1, 23, 30));
  const day = 24 * 60 * 60_000;

  it('blocks every 4-day code for 4 × 24 h, on top of its class', () => {
    for (const code of ['5201', '5205', '5301', '5302', '5303', '5305', '5309', '5310']) {
      expect(retryAdviceFor({ code, errorCode: '2' }, now)).toEqual({
        retryable: true,
        notBefore: new Date(now.getTime() + 4 * day),
      });
      expect(retryAdviceFor({ code, errorCode: '4' }, now)).toEqual({ retryable: false });
    }
    expect(retryAdviceFor({ code: '5204', errorCode: '2' }, now)).toEqual({
      retryable: true,
      notBefore: new Date(now.getTime() + day),
    });
  });

  it('has no advice where the doc has no rule, and keeps both codes for support', () => {
    expect(retryAdviceFor({ code: '1999' }, now)).toBeUndefined();
    expect(chargeDeclineError({ code: '5205', errorCode: '3' }, undefined)).toMatchObject({
      code: 'CARD_DECLINED',
      providerCode: '3/5205',
    });
    expect(chargeDeclineError({ errorCode: '4' }, { retryable: false })).toMatchObject({
      code: 'CARD_DECLINED',
      providerCode: '4',
      retryable: false,
    });
  });
});

describe("the SecurityKey oracle the emulator checks against (PayOnline's doc)", () => {
  const key = '3844908d-4c2a-42e1-9be0-91bb5d068d22';

  it("signs the doc's general-section vector (ValidUntil with a space, raw) to its published value", () => {
    expect(
      payOnlineSecurityKey(
        [
          ['MerchantId', '12345'],
          ['OrderId', '56789'],
          ['Amount', '9.99'],
          ['Currency', 'USD'],
          ['ValidUntil', '2010-01-29 16:10:00'],
        ],
        key,
      ),
    ).toBe('d31abce556db686f4b097392a00d7a27');
  });

  it("agrees with the provider's Rebill and Refund keys over the same exact strings", () => {
    const rebill = {
      MerchantId: '12345',
      RebillAnchor: 'zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=',
      OrderId: 'ch_1',
      Amount: '0.30',
      Currency: 'RUB',
    };
    expect(
      rebillSecurityKey(
        {
          merchantId: rebill.MerchantId,
          rebillAnchor: rebill.RebillAnchor,
          orderId: rebill.OrderId,
          amount: rebill.Amount,
          currency: rebill.Currency,
        },
        new Secret(key),
      ),
    ).toBe(signPayOnlineFields(PAYONLINE_SIGNED_FIELDS.rebill, rebill, key));
    expect(
      refundSecurityKey({ merchantId: '12345', transactionId: '9', amount: '1500.99' }, new Secret(key)),
    ).toBe(
      signPayOnlineFields(
        PAYONLINE_SIGNED_FIELDS.refund,
        { MerchantId: '12345', TransactionId: '9', Amount: '1500.99' },
        key,
      ),
    );
  });
});
