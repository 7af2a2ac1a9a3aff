import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createHttpClient, type SavedCard } from '@cardbind/core';
import { decodeData } from '@cardbind/testing';
import { PaytureConfig, PaytureProvider } from '../src/index.js';
import { threeDSKeyDigest } from '../src/ref.js';
import { chargeContext, refundContext, stateContext, TERM_URL } from './charge-world.js';
import { CUSTOMER_SECRET } from './world.js';

// Recorded sandbox answers and spellings the emulator does not produce (droff/payture-ewallet
// test/vcr_cassettes): the provider must read them as Payture writes them.
const BASE = 'https://sandbox3.payture.test';

const card: SavedCard = {
  id: 'card-1',
  provider: 'payture',
  customerId: '42',
  bindingId: 'binding-1',
  token: '8f8939c6-4414-464f-c451-6e9317244b22',
  display: { maskedPan: '521885******5484' },
  createdAt: new Date(0),
};

function provider(): PaytureProvider {
  const config = PaytureConfig.parse({
    baseUrl: BASE,
    addTerminal: 'MerchantAdd',
    payTerminal: 'MerchantPay',
    payTerminalPassword: 'merchant12345',
    customerCredentials: { secret: CUSTOMER_SECRET },
  });
  return new PaytureProvider(config, { http: createHttpClient({ name: 'payture', retries: 0 }) });
}

function xml(body: string) {
  return [200, body, { 'content-type': 'text/xml; charset=utf-8' }] as const;
}

/** The fields of a form body nock received. */
function formOf(body: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : ''));
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Pay answers as recorded', () => {
  it('droff pay_recurring_success.yml → succeeded, Payture’s MerchantOrderId kept in the ref', async () => {
    let form: Record<string, string> = {};
    nock(BASE)
      .post('/vwapi/Pay')
      .reply((_uri, body) => {
        form = formOf(body);
        return xml(
          '<Pay VWUserLgn="customer-42" \n OrderId="a24573b7" \n MerchantOrderId="[CUSTOMERS_PAY]-[1715289]-[1]" \n Success="True" \n Amount="12611" />',
        );
      });
    const outcome = await provider().charge(chargeContext(card, { orderId: 'a24573b7' }));
    expect(outcome).toEqual({
      status: 'succeeded',
      providerRef: { merchantOrderId: '[CUSTOMERS_PAY]-[1715289]-[1]' },
    });
    expect(form['VWID']).toBe('MerchantPay');
    expect(decodeData(form['DATA'] ?? '')).toMatchObject({
      CardId: card.token,
      OrderId: 'a24573b7',
      Amount: '12611',
      SessionType: 'Pay',
    });
  });

  it('droff pay_recurring_error.yml (CARD_NOT_FOUND) → failed, never again on this card', async () => {
    nock(BASE)
      .post('/vwapi/Pay')
      .reply(() =>
        xml('<Pay VWUserLgn="customer-42" OrderId="o-1" Success="False" ErrCode="CARD_NOT_FOUND" />'),
      );
    expect(await provider().charge(chargeContext(card))).toMatchObject({
      status: 'failed',
      error: { code: 'CARD_DECLINED', providerCode: 'CARD_NOT_FOUND' },
      advice: { retryable: false },
    });
  });

  it('3-D Secure spelt AcsUrl and MD (droff charge_success_3ds.yml), Success in lower case', async () => {
    nock(BASE)
      .post('/vwapi/Pay')
      .reply(() =>
        xml(
          '<Pay Success="3ds" OrderId="o-2" Amount="10000" MD="md-value" PaReq="pa+req/=" AcsUrl="https://acs.bank.test/pareq" />',
        ),
      );
    const outcome = await provider().charge(chargeContext(card, { returnUrl: TERM_URL }));
    expect(outcome).toEqual({
      status: 'requires_action',
      action: {
        type: 'redirect',
        method: 'POST',
        url: 'https://acs.bank.test/pareq',
        fields: { PaReq: 'pa+req/=', MD: 'md-value', TermUrl: TERM_URL },
      },
      providerRef: { threeDSKeyDigest: threeDSKeyDigest('md-value') },
    });
  });

  it.each([
    ['without ThreeDSKey', '<Pay Success="3DS" ACSUrl="https://acs.bank.test/" PaReq="x" />'],
    ['without PaReq', '<Pay Success="3DS" ACSUrl="https://acs.bank.test/" ThreeDSKey="k" />'],
    ['with an http ACSUrl', '<Pay Success="3DS" ACSUrl="http://acs.bank.test/" PaReq="x" ThreeDSKey="k" />'],
    ['with Success="Maybe"', '<Pay Success="Maybe" />'],
  ])('a Pay answer %s is thrown (unknown), never a failure', async (_label, body) => {
    nock(BASE)
      .post('/vwapi/Pay')
      .reply(() => xml(body));
    await expect(provider().charge(chargeContext(card, { returnUrl: TERM_URL }))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('PaySubmit3DS answered with a <Pay> element (“its answer is Pay’s”) → succeeded', async () => {
    let form: Record<string, string> = {};
    nock(BASE)
      .post('/vwapi/PaySubmit3DS')
      .reply((_uri, body) => {
        form = formOf(body);
        return xml('<Pay Success="True" OrderId="o-3" Amount="12611" />');
      });
    const ctx = chargeContext(card, { returnUrl: TERM_URL });
    const state = { ...stateContext(ctx), providerRef: { threeDSKeyDigest: threeDSKeyDigest('md-3') } };
    const outcome = await provider().completeChargeAction({
      ...state,
      request: { method: 'POST', headers: {}, query: {}, body: { PaRes: 'pa/res+', MD: 'md-3' } },
    });
    expect(outcome).toEqual({ status: 'succeeded' });
    expect(form).toEqual({ MD: 'md-3', PaRes: 'pa/res+' });
  });
});

describe('GetState and Refund as recorded', () => {
  it('droff get_state_success.yml (Refunded) → the charge succeeded; an unknown State is thrown', async () => {
    let form: Record<string, string> = {};
    nock(BASE)
      .post('/vwapi/GetState')
      .reply((_uri, body) => {
        form = formOf(body);
        return xml(
          '<GetState Success="True" OrderId="a24573b7" \n State="Refunded" Forwarded="False" MerchantContract="Merchant" Amount="12611" \n RRN="003770024290" VWUserLgn="123@ya.ru" \n CardId="f224dd93" PANMask="521885xxxxxx5484"/>',
        );
      })
      .post('/vwapi/GetState')
      .reply(() => xml('<GetState Success="True" OrderId="a24573b7" State="Frozen" Amount="12611" />'));
    const ctx = stateContext(chargeContext(card, { orderId: 'a24573b7' }));
    expect(await provider().checkCharge(ctx)).toEqual({ status: 'succeeded' });
    expect(form).toEqual({ Key: 'MerchantPay', OrderId: 'a24573b7' });
    await expect(provider().checkCharge(ctx)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'Frozen',
    });
  });

  it('the same recording answers checkRefund of a full refund: Refunded with the paid Amount → succeeded', async () => {
    nock(BASE)
      .post('/vwapi/GetState')
      .reply(() => xml('<GetState Success="True" OrderId="a24573b7" State="Refunded" Amount="12611" />'));
    const charge = chargeContext(card, { orderId: 'a24573b7' });
    expect(await provider().checkRefund(refundContext(charge, 12_611))).toEqual({ status: 'succeeded' });
  });

  it('droff refund_partial_success.yml: DATA is Password, OrderId, Amount; NewAmount read', async () => {
    let form: Record<string, string> = {};
    nock(BASE)
      .post('/vwapi/Refund')
      .reply((_uri, body) => {
        form = formOf(body);
        return xml('<Refund VWUserLgn="" OrderId="order123" Success="True" NewAmount="2000"\n />');
      });
    const charge = chargeContext(card, { orderId: 'order123', amount: { minor: 10_000, currency: 'RUB' } });
    expect(await provider().refund(refundContext(charge, 8_000))).toEqual({ status: 'succeeded' });
    expect(form['VWID']).toBe('MerchantPay');
    expect(form['DATA']).toBe('Password=merchant12345;OrderId=order123;Amount=8000');
  });

  it('droff refund_error.yml (AMOUNT_ERROR) → failed REFUND_EXCEEDS_CHARGE with the raw code', async () => {
    nock(BASE)
      .post('/vwapi/Refund')
      .reply(() =>
        xml('<Refund VWUserLgn="" OrderId="order123" Success="False" ErrCode="AMOUNT_ERROR"\n />'),
      );
    const charge = chargeContext(card, { orderId: 'order123', amount: { minor: 20_000, currency: 'RUB' } });
    expect(await provider().refund(refundContext(charge, 20_000))).toMatchObject({
      status: 'failed',
      error: { code: 'REFUND_EXCEEDS_CHARGE', providerCode: 'AMOUNT_ERROR' },
    });
  });
});
