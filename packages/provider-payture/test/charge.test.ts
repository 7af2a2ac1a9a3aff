import { afterEach, describe, expect, it } from 'vitest';
import { CardBindingError, ChargeOutcome, type RetryAdvice } from '@cardbind/core';
import { PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import {
  bindCard,
  chargeContext,
  NOW,
  PAY_TERMINAL,
  rub,
  startChargeWorld,
  stateContext,
  type ChargeWorld,
} from './charge-world.js';
import { expectedPassword } from './world.js';

const DAY = 24 * 60 * 60 * 1000;

let world: ChargeWorld;
afterEach(async () => world.close());

describe('Payture charge (vwapi/Pay on the Pay terminal) against the emulator', () => {
  it('succeeds with one debit, and sends exactly the DATA charging.md names to the Pay terminal', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card, { amount: rub(30) });

    const outcome = await world.provider.charge(ctx);

    expect(ChargeOutcome.parse(outcome)).toEqual({ status: 'succeeded' });
    expect(world.emulator.debits(ctx.orderId)).toEqual({ count: 1, amount: 30 });
    const pay = world.emulator.requests.filter((request) => request.command === 'Pay');
    expect(pay).toHaveLength(1);
    expect(pay[0]?.vwid).toBe(PAY_TERMINAL);
    // 30 minor units of RUB are 30 kopecks: the integer itself, never 0.3 or 3000.
    expect(pay[0]?.data).toEqual({
      VWUserLgn: `customer-${card.customerId}`,
      VWUserPsw: expectedPassword(card.customerId),
      CardId: card.token,
      OrderId: ctx.orderId,
      Amount: '30',
      SessionType: 'Pay',
    });
    expect(world.emulator.payments.get(ctx.orderId)).toMatchObject({ state: 'Charged', charged: 30 });
  });

  it('converts a large amount exactly (no floating point): 999999999999 kopecks', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card, { amount: rub(999_999_999_999) });
    expect((await world.provider.charge(ctx)).status).toBe('succeeded');
    expect(world.emulator.requests.find((request) => request.command === 'Pay')?.data['Amount']).toBe(
      '999999999999',
    );
  });

  it.each([
    ['another currency', { minor: 100, currency: 'EUR' }, 'amount.currency'],
    ['zero', { minor: 0, currency: 'RUB' }, 'amount.minor'],
  ])('refuses %s with AMOUNT_INVALID before any request', async (_label, amount, field) => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const outcome = await world.provider.charge(chargeContext(card, { amount }));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'AMOUNT_INVALID', field } });
    expect(world.emulator.count('Pay')).toBe(0);
  });

  it('without payTerminal: NOT_SUPPORTED before any request (charge), thrown (checkCharge)', async () => {
    world = await startChargeWorld({ config: { payTerminal: undefined, payTerminalPassword: undefined } });
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    expect(await world.provider.charge(ctx)).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_SUPPORTED', field: 'payTerminal' },
    });
    await expect(world.provider.checkCharge(stateContext(ctx))).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    expect(world.emulator.count('Pay') + world.emulator.count('GetState')).toBe(0);
  });

  it('a wrong Pay terminal (the Add terminal’s VWID) is refused ACCESS_DENIED: failed, no debit', async () => {
    world = await startChargeWorld({ config: { payTerminal: 'MerchantAdd' } });
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    expect(await world.provider.charge(ctx)).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: 'ACCESS_DENIED' },
    });
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
  });

  it('refuses a returnUrl that is not https (nor loopback http) before any request', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const outcome = await world.provider.charge(
      chargeContext(card, { returnUrl: 'http://shop.example.test/3ds' }),
    );
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'INSECURE_URL', field: 'returnUrl' } });
    expect(world.emulator.count('Pay')).toBe(0);
  });
});

interface DeclineCase {
  card: keyof typeof PAYTURE_MAGIC_CARDS;
  errCode: string;
  advice: RetryAdvice;
}

/** One magic card per class of charge-decline.ts, and the advice that class must give. */
const DECLINES: DeclineCase[] = [
  { card: 'chargeIssuerTimeout', errCode: 'ISSUER_TIMEOUT', advice: { retryable: true } },
  {
    card: 'chargeIssuerFail',
    errCode: 'ISSUER_FAIL',
    advice: { retryable: true, maxAttemptsPerDay: 5, retryUntil: new Date(NOW.getTime() + 3 * DAY) },
  },
  {
    card: 'chargeCountLimit',
    errCode: 'ISSUER_LIMIT_COUNT_FAIL',
    advice: { retryable: true, notBefore: new Date(NOW.getTime() + DAY) },
  },
  {
    card: 'chargeInsufficientFunds',
    errCode: 'ISSUER_LIMIT_AMOUNT_FAIL',
    advice: { retryable: true, notBefore: new Date(NOW.getTime() + 4 * DAY) },
  },
  { card: 'chargeBlocked', errCode: 'ISSUER_BLOCKED_CARD', advice: { retryable: false } },
];

describe('declines', () => {
  it.each(DECLINES)(
    '$errCode → failed CARD_DECLINED with its advice, no debit',
    async ({ card, errCode, advice }) => {
      world = await startChargeWorld();
      const saved = await bindCard(world, PAYTURE_MAGIC_CARDS[card].number);
      const ctx = chargeContext(saved);

      const outcome = await world.provider.charge(ctx);

      expect(outcome.status).toBe('failed');
      if (outcome.status !== 'failed') return;
      expect(outcome.error).toBeInstanceOf(CardBindingError);
      expect(outcome.error).toMatchObject({
        code: 'CARD_DECLINED',
        providerCode: errCode,
        retryable: advice.retryable,
      });
      expect(outcome.advice).toEqual(advice);
      expect(world.emulator.debits(ctx.orderId).count).toBe(0);
      // The reconciler's view agrees: the order is Rejected at Payture.
      expect(await world.provider.checkCharge(stateContext(ctx))).toMatchObject({
        status: 'failed',
        error: { code: 'CARD_DECLINED', providerCode: 'Rejected' },
      });
    },
  );

  it.each([
    ['CARD_EXPIRED', 'CARD_DECLINED', false],
    ['FRAUD_ERROR', 'CARD_DECLINED', false],
    ['CARD_NOT_FOUND', 'CARD_DECLINED', false],
    ['PROCESSING_ERROR', 'CARD_DECLINED', true],
    ['AMOUNT_EXCEED', 'CARD_DECLINED', true],
    ['ACCESS_DENIED', 'PROVIDER_REJECTED', undefined],
    ['AMOUNT_ERROR', 'PROVIDER_REJECTED', undefined],
    ['SOMETHING_NEW', 'PROVIDER_REJECTED', undefined],
  ] as const)('an armed %s → %s (advice retryable: %s)', async (errCode, code, retryable) => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    world.emulator.payments.arm(ctx.orderId, { kind: 'decline', errCode });
    const outcome = await world.provider.charge(ctx);
    expect(outcome).toMatchObject({ status: 'failed', error: { code, providerCode: errCode } });
    expect(outcome.status === 'failed' ? outcome.advice?.retryable : 'not failed').toBe(retryable);
  });
});

describe('one order, at most one debit', () => {
  it('a re-sent order answers DUPLICATE_ORDER_ID: no second debit, the outcome is GetState’s', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    expect((await world.provider.charge(ctx)).status).toBe('succeeded');

    const again = await world.provider.charge(ctx);

    expect(again).toEqual({ status: 'succeeded' });
    expect(world.emulator.debits(ctx.orderId)).toEqual({ count: 1, amount: ctx.amount.minor });
    expect(world.emulator.requests.map((request) => request.command).slice(-3)).toEqual([
      'Pay',
      'Pay',
      'GetState',
    ]);
  });

  it('a re-sent declined order stays declined (GetState: Rejected), not a fresh decline or success', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world, PAYTURE_MAGIC_CARDS.chargeBlocked.number);
    const ctx = chargeContext(card);
    await world.provider.charge(ctx);
    const again = await world.provider.charge(ctx);
    expect(again).toMatchObject({ status: 'failed', error: { providerCode: 'Rejected' } });
    expect(world.emulator.count('GetState')).toBe(1);
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
  });

  it('an order id Payture refuses as used but cannot find → thrown (unknown), never failed', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    world.emulator.faults.arm('Pay', { kind: 'reject', code: 'DUPLICATE_ORDER_ID' }, { times: 1 });
    await expect(world.provider.charge(ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });
});

describe('checkCharge (GetState with Key = the Pay terminal)', () => {
  it('an order Payture never saw is not_found; GetState names the Pay terminal in Key, not VWID', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'not_found' });
    const getState = world.emulator.requests.find((request) => request.command === 'GetState');
    expect(getState?.fields).toEqual({ Key: PAY_TERMINAL, OrderId: ctx.orderId });
    expect(getState?.vwid).toBeUndefined();
  });

  it('a charged order is succeeded, and stays so once refunded', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card, { amount: rub(500) });
    await world.provider.charge(ctx);
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'succeeded' });
    await world.provider.refund({
      refundId: 'r-1',
      charge: { ...stateContext(ctx), status: 'succeeded' },
      amount: rub(500),
      refundedBefore: rub(0),
      now: NOW,
    });
    expect(world.emulator.payments.get(ctx.orderId)?.state).toBe('Refunded');
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'succeeded' });
  });

  it('GetState is safe to retry: a 503 then an answer, with retries configured', async () => {
    world = await startChargeWorld({ config: { retries: 2 } });
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    await world.provider.charge(ctx);
    world.emulator.faults.arm('GetState', { kind: 'status', status: 503 }, { times: 1 });
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'succeeded' });
    expect(world.emulator.count('GetState')).toBe(2);
  });

  it.each([{ kind: 'html' }, { kind: 'garbage', body: 'This is not XML' }, { kind: 'malformed' }] as const)(
    'an unreadable GetState answer ($kind) is thrown',
    async (fault) => {
      world = await startChargeWorld();
      const card = await bindCard(world);
      world.emulator.faults.arm('GetState', fault, { times: 1 });
      await expect(world.provider.checkCharge(stateContext(chargeContext(card)))).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
    },
  );

  it('another GetState refusal (ACCESS_DENIED) is thrown typed, not read as not_found', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    world.emulator.faults.arm('GetState', { kind: 'reject', code: 'ACCESS_DENIED' }, { times: 1 });
    await expect(world.provider.checkCharge(stateContext(chargeContext(card)))).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 'ACCESS_DENIED',
    });
  });
});
