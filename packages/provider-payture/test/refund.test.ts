import { afterEach, describe, expect, it } from 'vitest';
import { type ProviderChargeContext, RefundOutcome } from '@cardbind/core';
import { PAYTURE_MAGIC_CARDS, type PaytureEmulatorOptions } from '@cardbind/testing';
import {
  bindCard,
  chargeContext,
  PAY_TERMINAL,
  PAY_TERMINAL_PASSWORD,
  refundContext,
  rub,
  startChargeWorld,
  type ChargeWorld,
} from './charge-world.js';

let world: ChargeWorld;
afterEach(async () => world.close());

const TIMEOUTS = { retries: 2, timeouts: { connectMs: 500, responseMs: 300, totalMs: 600 } };

/** A succeeded charge of 100.00 RUB. */
async function charged(
  options: { emulator?: PaytureEmulatorOptions; config?: typeof TIMEOUTS } = {},
): Promise<ProviderChargeContext> {
  world = await startChargeWorld(options);
  const ctx = chargeContext(await bindCard(world), { amount: rub(10_000) });
  const outcome = await world.provider.charge(ctx);
  if (outcome.status !== 'succeeded') throw new Error(`charge ${outcome.status}`);
  return ctx;
}

describe('Payture refund (vwapi/Refund on the Pay terminal)', () => {
  it('partial, then the rest: two refunds in the ledger, the order Refunded; DATA has the terminal password', async () => {
    const charge = await charged();

    expect(await world.provider.refund(refundContext(charge, 3_000))).toEqual({ status: 'succeeded' });
    expect(world.emulator.payments.get(charge.orderId)).toMatchObject({ state: 'Charged', left: 7_000 });
    expect(await world.provider.refund(refundContext(charge, 7_000, 3_000))).toEqual({ status: 'succeeded' });

    expect(world.emulator.refunds(charge.orderId)).toEqual({ count: 2, amount: 10_000 });
    expect(world.emulator.payments.get(charge.orderId)).toMatchObject({ state: 'Refunded', left: 0 });
    const refunds = world.emulator.requests.filter((request) => request.command === 'Refund');
    expect(refunds.map((request) => [request.vwid, request.data])).toEqual([
      [PAY_TERMINAL, { Password: PAY_TERMINAL_PASSWORD, OrderId: charge.orderId, Amount: '3000' }],
      [PAY_TERMINAL, { Password: PAY_TERMINAL_PASSWORD, OrderId: charge.orderId, Amount: '7000' }],
    ]);
  });

  it('more than is left by this service’s count: REFUND_EXCEEDS_CHARGE before any request', async () => {
    const charge = await charged();
    expect(await world.provider.refund(refundContext(charge, 8_000, 3_000))).toMatchObject({
      status: 'failed',
      error: { code: 'REFUND_EXCEEDS_CHARGE' },
    });
    expect(world.emulator.count('Refund')).toBe(0);
  });

  it('more than is left at Payture (a refund this service did not count): the emulator refuses, failed AMOUNT_ERROR', async () => {
    const charge = await charged();
    await world.provider.refund(refundContext(charge, 6_000));

    const over = await world.provider.refund(refundContext(charge, 6_000));

    expect(RefundOutcome.parse(over)).toEqual(over);
    expect(over).toMatchObject({
      status: 'failed',
      error: { code: 'REFUND_EXCEEDS_CHARGE', providerCode: 'AMOUNT_ERROR' },
    });
    expect(world.emulator.refunds(charge.orderId)).toEqual({ count: 1, amount: 6_000 });
  });

  it('a payment that was never charged: failed ILLEGAL_ORDER_STATE, no refund', async () => {
    world = await startChargeWorld();
    const ctx = chargeContext(await bindCard(world, PAYTURE_MAGIC_CARDS.chargeBlocked.number));
    await world.provider.charge(ctx);
    expect(await world.provider.refund(refundContext(ctx, 100))).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: 'ILLEGAL_ORDER_STATE' },
    });
    expect(world.emulator.refunds(ctx.orderId).count).toBe(0);
  });

  it.each([
    ['another currency', { minor: 100, currency: 'USD' }, 'AMOUNT_INVALID'],
    ['zero', { minor: 0, currency: 'RUB' }, 'AMOUNT_INVALID'],
  ])('%s: %s before any request', async (_label, amount, code) => {
    const charge = await charged();
    const ctx = { ...refundContext(charge, 1), amount };
    expect(await world.provider.refund(ctx)).toMatchObject({ status: 'failed', error: { code } });
    expect(world.emulator.count('Refund')).toBe(0);
  });

  it('without payTerminalPassword: NOT_SUPPORTED before any request', async () => {
    world = await startChargeWorld({ config: { payTerminalPassword: undefined } });
    const ctx = chargeContext(await bindCard(world));
    await world.provider.charge(ctx);
    expect(await world.provider.refund(refundContext(ctx, 100))).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_SUPPORTED', field: 'payTerminalPassword' },
    });
    expect(world.emulator.count('Refund')).toBe(0);
  });
});

describe('a refund whose answer was lost', () => {
  it('is never re-sent by the HTTP client, and throws PROVIDER_UNAVAILABLE', async () => {
    const charge = await charged({ config: TIMEOUTS });
    world.emulator.payments.armAnswer('Refund', charge.orderId, 'bad-gateway');
    await expect(world.provider.refund(refundContext(charge, 10_000))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'HTTP_502',
    });
    expect(world.emulator.count('Refund')).toBe(1);
    expect(world.emulator.refunds(charge.orderId)).toEqual({ count: 1, amount: 10_000 });
  });

  it('a full refund that went through: checkRefund → succeeded (Refunded, whatever Amount the terminal shows)', async () => {
    const charge = await charged({ config: TIMEOUTS });
    const refund = refundContext(charge, 10_000);
    world.emulator.payments.armAnswer('Refund', charge.orderId, 'lost');
    await expect(world.provider.refund(refund)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(await world.provider.checkRefund(refund)).toEqual({ status: 'succeeded' });
  });

  it('a partial refund on a terminal whose GetState Amount is what is left: checkRefund → succeeded', async () => {
    const charge = await charged({ config: TIMEOUTS, emulator: { getStateAmount: 'left' } });
    await world.provider.refund(refundContext(charge, 2_000));
    const refund = refundContext(charge, 3_000, 2_000);
    world.emulator.payments.armAnswer('Refund', charge.orderId, 'lost');
    await expect(world.provider.refund(refund)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(world.emulator.payments.get(charge.orderId)?.left).toBe(5_000);
    expect(await world.provider.checkRefund(refund)).toEqual({ status: 'succeeded' });
  });

  it('a partial refund where GetState shows the paid Amount (as recorded): unknown, never a guess', async () => {
    const charge = await charged({ config: TIMEOUTS });
    const refund = refundContext(charge, 3_000);
    world.emulator.payments.armAnswer('Refund', charge.orderId, 'lost');
    await expect(world.provider.refund(refund)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(world.emulator.refunds(charge.orderId).count).toBe(1);
    expect(await world.provider.checkRefund(refund)).toEqual({ status: 'unknown' });
  });

  it('a refund that never reached Payture: unknown (it might still land), never failed', async () => {
    const charge = await charged({ config: TIMEOUTS, emulator: { getStateAmount: 'left' } });
    const refund = refundContext(charge, 3_000);
    world.emulator.faults.arm('Refund', { kind: 'reset' }, { times: 1 });
    await expect(world.provider.refund(refund)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(world.emulator.refunds(charge.orderId).count).toBe(0);
    expect(await world.provider.checkRefund(refund)).toEqual({ status: 'unknown' });
  });

  it('of a charge Payture rejected: failed (Payture refunds only a charged payment)', async () => {
    world = await startChargeWorld();
    const ctx = chargeContext(await bindCard(world, PAYTURE_MAGIC_CARDS.chargeIssuerTimeout.number));
    await world.provider.charge(ctx);
    expect(await world.provider.checkRefund(refundContext(ctx, 100))).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: 'Rejected' },
    });
  });

  it('of an order GetState does not find: unknown', async () => {
    world = await startChargeWorld();
    const ctx = chargeContext(await bindCard(world));
    expect(await world.provider.checkRefund(refundContext(ctx, 100))).toEqual({ status: 'unknown' });
  });
});
