import { afterEach, describe, expect, it } from 'vitest';
import { type FaultInput, PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import { bindCard, chargeContext, startChargeWorld, stateContext, type ChargeWorld } from './charge-world.js';

let world: ChargeWorld;
afterEach(async () => world.close());

/** Short timeouts, and retries on: Pay must still never be sent twice. */
const TIMEOUTS = { retries: 2, timeouts: { connectMs: 500, responseMs: 300, totalMs: 600 } };

describe('the debit happened, the answer did not arrive', () => {
  it.each([
    ['the connection is destroyed', 'chargeLostAnswer', 'ECONNRESET'],
    ['a balancer answers 502', 'chargeBadGateway', 'HTTP_502'],
    ['the answer comes after the timeout', 'chargeSlowAnswer', 'ETIMEDOUT'],
  ] as const)(
    '%s: charge throws PROVIDER_UNAVAILABLE, one debit, checkCharge → succeeded',
    async (_label, card, providerCode) => {
      world = await startChargeWorld({ config: TIMEOUTS, emulator: { slowAnswerMs: 1_000 } });
      const saved = await bindCard(world, PAYTURE_MAGIC_CARDS[card].number);
      const ctx = chargeContext(saved);

      const error = await world.provider.charge(ctx).catch((thrown: unknown) => thrown);

      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, providerCode });
      // Not safe to repeat: exactly one Pay reached the emulator although retries are configured.
      expect(world.emulator.count('Pay')).toBe(1);
      expect(world.emulator.debits(ctx.orderId)).toEqual({ count: 1, amount: ctx.amount.minor });
      expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'succeeded' });
      // A re-send of the same order (a crashed caller's retry) is no second debit either.
      expect(await world.provider.charge(ctx)).toEqual({ status: 'succeeded' });
      expect(world.emulator.debits(ctx.orderId).count).toBe(1);
    },
  );

  it('the same, armed per order on an ordinary card', async () => {
    world = await startChargeWorld({ config: TIMEOUTS });
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    world.emulator.payments.armAnswer('Pay', ctx.orderId, 'lost');
    await expect(world.provider.charge(ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(world.emulator.debits(ctx.orderId).count).toBe(1);
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'succeeded' });
  });
});

describe('the request failed before any debit', () => {
  const faults: [string, FaultInput][] = [
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['an HTML page', { kind: 'html' }],
    ['an empty body', { kind: 'empty' }],
    ['"This is not XML"', { kind: 'garbage', body: 'This is not XML' }],
    ['malformed XML', { kind: 'malformed' }],
    ['a connection reset', { kind: 'reset' }],
    ['no answer', { kind: 'hang' }],
  ];

  it.each(faults)('%s: thrown, never failed; checkCharge → not_found; no debit', async (_label, fault) => {
    world = await startChargeWorld({ config: TIMEOUTS });
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    world.emulator.faults.arm('Pay', fault, { times: 1 });

    await expect(world.provider.charge(ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });

    expect(world.emulator.count('Pay')).toBe(1);
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
    expect(await world.provider.checkCharge(stateContext(ctx))).toEqual({ status: 'not_found' });
  });

  it('an HTTP 404: thrown, not retryable (a wrong baseUrl does not fix itself), no debit', async () => {
    world = await startChargeWorld();
    const card = await bindCard(world);
    const ctx = chargeContext(card);
    world.emulator.faults.arm('Pay', { kind: 'status', status: 404 }, { times: 1 });
    await expect(world.provider.charge(ctx)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: false,
    });
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
  });
});
