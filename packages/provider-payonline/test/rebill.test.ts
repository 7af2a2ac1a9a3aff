import { CardBindingError, type ChargeOutcome } from '@cardbind/core';
import { PAYONLINE_CHARGE_CARDS, TEST_CARDS, type TestCard } from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PayOnlineConfig } from '../src/config.js';
import { bindCard, chargeContext, charging, DAY_MS, md5, refOf, stateContext } from './charge-harness.js';
import { type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(options: HarnessOptions = {}): Promise<PayOnlineHarness> {
  harness = await startHarness(options);
  return harness;
}

function failedOf(outcome: ChargeOutcome) {
  if (outcome.status !== 'failed') throw new Error(`expected failed, got ${outcome.status}`);
  return outcome;
}

describe('PayOnline charge: Rebill on the saved card', () => {
  it('charges once: the exact amount, the documented SecurityKey, the transaction remembered', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, card, { description: 'Книга «Мастер и Маргарита»' });
    const outcome = await charging(h.provider()).charge(ctx);

    const [request, ...more] = h.emulator.requestsTo('rebill');
    expect(more).toHaveLength(0);
    const fields = request?.fields ?? {};
    expect(fields).toMatchObject({
      MerchantId: h.emulator.merchantId,
      RebillAnchor: card.token,
      OrderId: ctx.orderId,
      Amount: '1500.99',
      Currency: 'RUB',
      OrderDescription: 'Книга «Мастер и Маргарита»',
      ContentType: 'text',
    });
    // charging.md: MD5 of MerchantId&RebillAnchor&OrderId&Amount&Currency&PrivateSecurityKey, raw values.
    expect(fields['SecurityKey']).toBe(
      md5(
        `MerchantId=${h.emulator.merchantId}&RebillAnchor=${card.token}&OrderId=${ctx.orderId}` +
          `&Amount=1500.99&Currency=RUB&PrivateSecurityKey=${h.emulator.privateSecurityKey}`,
      ),
    );
    const [transaction] = h.emulator.order(ctx.orderId);
    expect(outcome).toEqual({
      status: 'succeeded',
      providerRef: { flow: 'direct', transactionId: transaction?.id },
    });
    expect(h.emulator.ledger(ctx.orderId)).toMatchObject({ debits: 1, debitedCents: 150_099 });
  });

  it.each([
    [30, '0.30'],
    [10, '0.10'],
    [100, '1.00'],
    [150_099, '1500.99'],
    [99_999_999_999, '999999999.99'],
  ])('sends %i kopecks as Amount=%s, exactly, and signs that string', async (minor, amount) => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, card, { amount: { minor, currency: 'RUB' } });
    expect((await charging(h.provider()).charge(ctx)).status).toBe('succeeded');
    const fields = h.emulator.requestsTo('rebill')[0]?.fields ?? {};
    expect(fields['Amount']).toBe(amount);
    expect(fields['SecurityKey']).toBe(
      md5(
        `MerchantId=${h.emulator.merchantId}&RebillAnchor=${card.token}&OrderId=${ctx.orderId}` +
          `&Amount=${amount}&Currency=RUB&PrivateSecurityKey=${h.emulator.privateSecurityKey}`,
      ),
    );
    expect(h.emulator.ledger(ctx.orderId).debitedCents).toBe(minor);
  });

  it('refuses a zero amount and a currency the account does not take, before any request', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    const zero = failedOf(
      await provider.charge(chargeContext(h, card, { amount: { minor: 0, currency: 'RUB' } })),
    );
    expect(zero.error).toMatchObject({ code: 'AMOUNT_INVALID', field: 'amount', retryable: false });
    const usd = failedOf(
      await provider.charge(chargeContext(h, card, { amount: { minor: 999, currency: 'USD' } })),
    );
    expect(usd.error).toMatchObject({ code: 'AMOUNT_INVALID', field: 'amount.currency' });
    expect(h.emulator.requestsTo('rebill')).toHaveLength(0);
  });

  it('charges another currency the configuration lists, and refuses one without two minor digits', async () => {
    const h = await setup({ config: { chargeCurrencies: ['RUB', 'USD'] } });
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, card, { amount: { minor: 999, currency: 'USD' } });
    expect((await charging(h.provider()).charge(ctx)).status).toBe('succeeded');
    expect(h.emulator.requestsTo('rebill')[0]?.fields).toMatchObject({ Amount: '9.99', Currency: 'USD' });

    const config = (chargeCurrencies: string[]) =>
      PayOnlineConfig.safeParse({
        merchantId: '1',
        privateSecurityKey: 'k',
        termUrl: 'https://host.example/3ds',
        chargeCurrencies,
      });
    expect(config(['RUB', 'EUR']).success).toBe(true);
    const jpy = config(['RUB', 'JPY']);
    expect(jpy.success).toBe(false);
    expect(jpy.error?.issues[0]?.path).toEqual(['chargeCurrencies', 1]);
  });

  it('refuses an unknown RebillAnchor with 4021: failed PROVIDER_REJECTED, never retried, no debit', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, { ...card, token: 'not-an-anchor.AAAA=' });
    const outcome = failedOf(await charging(h.provider()).charge(ctx));
    expect(outcome.error).toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: '4021',
      retryable: false,
    });
    expect(outcome.advice).toEqual({ retryable: false });
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(0);
  });
});

describe('PayOnline charge: what a decline means for the next attempt (charging.md)', () => {
  const cases: [string, TestCard, object, (now: number) => object][] = [
    [
      'ErrorCode 1, technical: retry later',
      PAYONLINE_CHARGE_CARDS.technicalError,
      { code: 'PROVIDER_UNAVAILABLE', providerCode: '1/1999', retryable: true },
      () => ({ retryable: true }),
    ],
    [
      "ErrorCode 2, PayOnline's filters: not before 24 h",
      PAYONLINE_CHARGE_CARDS.filterDecline,
      { code: 'CARD_DECLINED', providerCode: '2/1999', retryable: true },
      (now) => ({ retryable: true, notBefore: new Date(now + DAY_MS) }),
    ],
    [
      'ErrorCode 3, issuer: 5 a day for 3 days',
      PAYONLINE_CHARGE_CARDS.issuerDecline,
      { code: 'CARD_DECLINED', providerCode: '3/1999', retryable: true },
      (now) => ({ retryable: true, maxAttemptsPerDay: 5, retryUntil: new Date(now + 3 * DAY_MS) }),
    ],
    [
      'ErrorCode 4, issuer: never',
      PAYONLINE_CHARGE_CARDS.issuerDeclineFinal,
      { code: 'CARD_DECLINED', providerCode: '4/1999', retryable: false },
      () => ({ retryable: false }),
    ],
    [
      'Code 5205 insufficient funds: no attempt for 4 days (the stricter rule wins)',
      PAYONLINE_CHARGE_CARDS.insufficientFunds,
      { code: 'CARD_DECLINED', providerCode: '3/5205', retryable: true },
      (now) => ({ retryable: true, maxAttemptsPerDay: 5, notBefore: new Date(now + 4 * DAY_MS) }),
    ],
    [
      'Code 4022 rebill not allowed: never',
      PAYONLINE_CHARGE_CARDS.rebillNotAllowed,
      { code: 'PROVIDER_REJECTED', providerCode: '4022', retryable: false },
      () => ({ retryable: false }),
    ],
  ];

  it.each(cases)('%s', async (_name, card, error, advice) => {
    const h = await setup();
    const saved = await bindCard(h, card);
    const ctx = chargeContext(h, saved);
    const outcome = failedOf(await charging(h.provider()).charge(ctx));
    expect(outcome.error).toBeInstanceOf(CardBindingError);
    expect(outcome.error).toMatchObject(error);
    expect(outcome.advice).toEqual(advice(ctx.now.getTime()));
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(0);
    expect(h.emulator.requestsTo('rebill')).toHaveLength(1);
    // Search lists successful payments only: the declined order reads as no payment at all.
    expect(await charging(h.provider()).checkCharge(stateContext(ctx))).toEqual({ status: 'not_found' });
  });
});

describe('PayOnline charge: one debit, whatever fails in between', () => {
  it('answers a re-sent order (4016) from Search: the first payment, no second debit', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    const ctx = chargeContext(h, card);
    const first = await provider.charge(ctx);
    const again = await provider.charge(ctx);
    expect(again).toEqual(first);
    expect(refOf(again)['transactionId']).toBe(h.emulator.order(ctx.orderId)[0]?.id);
    expect(h.emulator.requestsTo('rebill')).toHaveLength(2);
    expect(h.emulator.requestsTo('search')).toHaveLength(1);
    expect(h.emulator.ledger(ctx.orderId)).toMatchObject({ debits: 1, debitedCents: 150_099 });
  });

  it.each([
    ['the connection is reset after the debit', PAYONLINE_CHARGE_CARDS.lostAnswer],
    ['a gateway answers 502 after the debit', PAYONLINE_CHARGE_CARDS.badGateway],
    ['the answer comes after the client timeout', PAYONLINE_CHARGE_CARDS.slowAnswer],
  ])('%s: throws PROVIDER_UNAVAILABLE, sent once, and checkCharge finds the payment', async (_name, card) => {
    // Retries on: the Rebill must still go out once, only Search may repeat.
    const h = await setup({ config: { retries: 2 } });
    const saved = await bindCard(h, card);
    const provider = charging(h.provider());
    const ctx = chargeContext(h, saved);
    const thrown = await provider.charge(ctx).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(CardBindingError);
    expect(thrown).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(h.emulator.requestsTo('rebill')).toHaveLength(1);
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(1);

    const checked = await provider.checkCharge(stateContext(ctx));
    expect(checked).toEqual({
      status: 'succeeded',
      providerRef: { transactionId: h.emulator.order(ctx.orderId)[0]?.id },
    });
    // Sending it again (a caller that did not reconcile first) is 4016, answered from Search: still one debit.
    expect((await provider.charge(ctx)).status).toBe('succeeded');
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(1);
  });

  it('loses the answer of one chosen order on any card (the emulator control): one debit, then Search', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    const ctx = chargeContext(h, card);
    h.emulator.loseRebillAnswer(ctx.orderId, 'bad-gateway');
    await expect(provider.charge(ctx)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'HTTP_502',
    });
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(1);
    expect((await provider.checkCharge(stateContext(ctx))).status).toBe('succeeded');
    // Only that order: the next one on the same card is answered.
    expect((await provider.charge(chargeContext(h, card))).status).toBe('succeeded');
  });

  it('throws on a 5xx or an unreadable answer before any debit, and never repeats the Rebill', async () => {
    const h = await setup({ config: { retries: 2 } });
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'garbage', body: '<html>maintenance</html>' },
      { kind: 'malformed' },
    ] as const) {
      h.emulator.faults.arm('rebill', fault, { times: 1 });
      const ctx = chargeContext(h, card);
      await expect(provider.charge(ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
      expect(h.emulator.ledger(ctx.orderId).debits).toBe(0);
      expect(await provider.checkCharge(stateContext(ctx))).toEqual({ status: 'not_found' });
    }
    expect(h.emulator.requestsTo('rebill')).toHaveLength(3);
  });

  it('reads not_found for an order PayOnline never saw, and throws when Search is unreadable', async () => {
    const h = await setup();
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    const ctx = chargeContext(h, card);
    expect(await provider.checkCharge(stateContext(ctx))).toEqual({ status: 'not_found' });
    h.emulator.faults.arm('search', { kind: 'garbage', body: 'This is not PayOnline' }, { times: 5 });
    await expect(provider.checkCharge(stateContext(ctx))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'UNREADABLE_ANSWER',
    });
    expect(h.emulator.requestsTo('rebill')).toHaveLength(0);
  });
});
