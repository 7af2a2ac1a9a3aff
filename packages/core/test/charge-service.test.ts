import { afterEach, describe, expect, it } from 'vitest';
import {
  CardBindingError,
  CardBindingWorker,
  ChargeService,
  InMemoryBindingStore,
  InMemoryChargeStore,
  type ChargeInput,
  type ChargeStore,
} from '../src/index.js';
import { ManualClock, SequentialIdGenerator } from '../src/testing-doubles/index.js';
import { containerWith } from './container.js';
import { LedgerProvider } from './ledger-provider.js';

const RUB = (minor: number) => ({ minor, currency: 'RUB' });

async function world(options: { chargeStore?: ChargeStore } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 10));
  const provider = new LedgerProvider('ledger');
  const store = new InMemoryBindingStore({ clock });
  const { container, service } = containerWith([provider], {
    store,
    chargeStore: options.chargeStore ?? new InMemoryChargeStore(),
    clock,
    ids: new SequentialIdGenerator(),
  });
  provider.succeedWith('token-1');
  const binding = await service.start({ provider: 'ledger', customer: { id: 'cus_1' } });
  const bound = await service.checkOrder(binding.id);
  const cardId = bound.card?.id;
  if (!cardId) throw new Error('no card saved');
  const charges = container.get(ChargeService);
  const worker = container.get(CardBindingWorker);
  const input = (overrides: Partial<ChargeInput> = {}): ChargeInput => ({
    customerId: 'cus_1',
    cardId,
    amount: RUB(1000),
    idempotencyKey: 'key-1',
    ...overrides,
  });
  return { clock, provider, charges, worker, input, cardId };
}

async function rejection(promise: Promise<unknown>): Promise<CardBindingError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof CardBindingError))
    throw new Error(`expected a CardBindingError, got ${String(error)}`);
  return error;
}

describe('ChargeService', () => {
  const open: ManualClock[] = [];
  afterEach(() => open.splice(0));

  it('charges a saved card once, with the order id fixed before the call and an audit row per step', async () => {
    const { charges, input, provider } = await world();
    const charge = await charges.charge(input());
    expect(charge).toMatchObject({
      status: 'succeeded',
      amount: RUB(1000),
      refunded: RUB(0),
      customerId: 'cus_1',
    });
    expect(provider.debitCount).toBe(1);
    const history = await charges.history(charge.id);
    expect(history.map((row) => [row.from, row.to, row.trigger])).toEqual([
      [null, 'processing', 'charge'],
      ['processing', 'succeeded', 'charge'],
    ]);
    expect(JSON.stringify(charge)).not.toContain('token-1');
  });

  it('returns the first result for a repeated key, a failure too, and refuses the key with other parameters', async () => {
    const { charges, input, provider } = await world();
    provider.script = () => ({
      kind: 'decline',
      error: new CardBindingError('CARD_DECLINED', 'no', { providerCode: 'X' }),
    });
    const first = await charges.charge(input());
    const again = await charges.charge(input());
    expect(first.status).toBe('failed');
    expect(again).toEqual(first);
    expect(provider.chargeCalls.charge).toBe(1);
    const reused = await rejection(charges.charge(input({ amount: RUB(1001) })));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(provider.chargeCalls.charge).toBe(1);
  });

  it('makes one provider call for 20 concurrent calls with one key', async () => {
    const { charges, input, provider } = await world();
    const results = await Promise.all(Array.from({ length: 20 }, () => charges.charge(input())));
    expect(new Set(results.map((charge) => charge.id)).size).toBe(1);
    expect(provider.chargeCalls.charge).toBe(1);
    expect(provider.debitCount).toBe(1);
  });

  it('leaves a charge whose answer was lost processing, and the reconciler settles it without a second debit', async () => {
    const { charges, input, provider, clock, worker } = await world();
    provider.script = () => ({ kind: 'lost_after_debit' });
    const charge = await charges.charge(input());
    expect(charge.status).toBe('processing');
    // Not due yet: the first check waits longer than any provider call may take.
    expect((await worker.runOnce()).reconciled).toBe(0);
    await clock.advance(60_000);
    expect((await worker.runOnce()).reconciled).toBe(1);
    expect(await charges.get(charge.id)).toMatchObject({ status: 'succeeded' });
    expect(provider.chargeCalls).toMatchObject({ charge: 1, check: 1 });
    expect(provider.debitCount).toBe(1);
    // The same key afterwards returns the settled charge and sends nothing.
    expect((await charges.charge(input())).status).toBe('succeeded');
    expect(provider.chargeCalls.charge).toBe(1);
  });

  it('fails a charge the provider never received only after the not-found grace, with no money moved', async () => {
    const { charges, input, provider, clock, worker } = await world();
    provider.script = () => ({ kind: 'lost_before_debit' });
    const charge = await charges.charge(input());
    await clock.advance(60_000);
    await worker.runOnce();
    expect((await charges.get(charge.id)).status).toBe('processing');
    await clock.advance(10 * 60_000);
    await worker.runOnce();
    const settled = await charges.get(charge.id);
    expect(settled).toMatchObject({
      status: 'failed',
      failure: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
    });
    expect(provider.debitCount).toBe(0);
    expect(provider.chargeCalls.charge).toBe(1);
  });

  it('refuses a new charge on a card before the decline advice allows it, unless the host overrides', async () => {
    const { charges, input, provider, clock } = await world();
    const notBefore = new Date(clock.now().getTime() + 4 * 24 * 60 * 60_000);
    provider.script = () => ({
      kind: 'decline',
      error: new CardBindingError('CARD_DECLINED', 'insufficient funds', { providerCode: '5205' }),
      advice: { retryable: true, notBefore },
    });
    const declined = await charges.charge(input());
    expect(declined.failure).toMatchObject({
      code: 'CARD_DECLINED',
      providerCode: '5205',
      notBefore,
      retryable: true,
    });
    provider.script = () => ({ kind: 'succeed' });
    const refused = await rejection(charges.charge(input({ idempotencyKey: 'key-2' })));
    expect(refused).toMatchObject({ code: 'RETRY_NOT_ALLOWED', providerCode: '5205' });
    expect(provider.chargeCalls.charge).toBe(1);
    const overridden = await charges.charge(input({ idempotencyKey: 'key-3', ignoreRetryAdvice: true }));
    expect(overridden.status).toBe('succeeded');
    await clock.advance(4 * 24 * 60 * 60_000);
    expect((await charges.charge(input({ idempotencyKey: 'key-4' }))).status).toBe('succeeded');
  });

  it('refuses any retry after a "never" decline and counts attempts per day for a limited one', async () => {
    const { charges, input, provider, clock } = await world();
    provider.script = () => ({
      kind: 'decline',
      error: new CardBindingError('CARD_DECLINED', 'do not honour', { providerCode: '3' }),
      advice: {
        retryable: true,
        maxAttemptsPerDay: 2,
        retryUntil: new Date(clock.now().getTime() + 3 * 86_400_000),
      },
    });
    await charges.charge(input({ idempotencyKey: 'a' }));
    await charges.charge(input({ idempotencyKey: 'b' }));
    expect((await rejection(charges.charge(input({ idempotencyKey: 'c' })))).code).toBe('RETRY_NOT_ALLOWED');
    await clock.advance(86_400_000 + 1);
    expect((await charges.charge(input({ idempotencyKey: 'd' }))).status).toBe('failed');
    provider.script = () => ({
      kind: 'decline',
      error: new CardBindingError('CARD_DECLINED', 'stolen card', { providerCode: '4' }),
      advice: { retryable: false },
    });
    await charges.charge(input({ idempotencyKey: 'e', ignoreRetryAdvice: true }));
    const never = await rejection(charges.charge(input({ idempotencyKey: 'f' })));
    expect(never).toMatchObject({ code: 'RETRY_NOT_ALLOWED', retryable: false });
  });

  it('returns 3-D Secure as an action, completes it once, and expires an action nobody completes', async () => {
    const { charges, input, provider, clock, worker } = await world();
    provider.script = () => ({ kind: 'three_ds' });
    const charge = await charges.charge(
      input({ returnUrl: 'https://shop.example.test/charges/{chargeId}/3ds' }),
    );
    expect(charge.status).toBe('requires_action');
    expect(charge.nextAction).toMatchObject({ type: 'redirect', url: 'https://acs.example.test/' });
    const done = await charges.completeAction(charge.id, {
      method: 'POST',
      body: { PaRes: 'good', MD: 'x' },
    });
    expect(done.status).toBe('succeeded');
    expect(done.nextAction).toBeUndefined();
    await charges.completeAction(charge.id, { method: 'POST', body: { PaRes: 'good', MD: 'x' } });
    expect(provider.chargeCalls.action).toBe(1);
    expect(provider.debitCount).toBe(1);

    const abandoned = await charges.charge(input({ idempotencyKey: 'key-2' }));
    for (let step = 0; step < 40; step++) {
      await clock.advance(60_000);
      await worker.runOnce();
    }
    expect(await charges.get(abandoned.id)).toMatchObject({
      status: 'failed',
      failure: { code: 'ACTION_EXPIRED' },
    });
    expect(provider.debitCount).toBe(1);
  });

  it('refunds partly and fully, refuses an over-refund, and replays a refund key', async () => {
    const { charges, input, provider } = await world();
    const charge = await charges.charge(input());
    const part = await charges.refund(charge.id, { amount: RUB(300), idempotencyKey: 'r1' });
    expect(part).toMatchObject({ status: 'succeeded', amount: RUB(300) });
    expect((await charges.refund(charge.id, { amount: RUB(300), idempotencyKey: 'r1' })).id).toBe(part.id);
    expect(
      (await rejection(charges.refund(charge.id, { amount: RUB(400), idempotencyKey: 'r1' }))).code,
    ).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      (await rejection(charges.refund(charge.id, { amount: RUB(701), idempotencyKey: 'r2' }))).code,
    ).toBe('REFUND_EXCEEDS_CHARGE');
    const rest = await charges.refund(charge.id, { idempotencyKey: 'r3' });
    expect(rest).toMatchObject({ status: 'succeeded', amount: RUB(700) });
    expect((await charges.get(charge.id)).refunded).toEqual(RUB(1000));
    expect((await rejection(charges.refund(charge.id, { idempotencyKey: 'r4' }))).code).toBe(
      'REFUND_EXCEEDS_CHARGE',
    );
    expect(provider.refunded(charge.id)).toBe(1000);
    expect(provider.chargeCalls.refund).toBe(2);
  });

  it('runs one refund of a charge at a time, so concurrent refunds can never take more than it holds', async () => {
    const { charges, input, provider } = await world();
    const charge = await charges.charge(input());
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        charges.refund(charge.id, { amount: RUB(600), idempotencyKey: `r${index}` }),
      ),
    );
    const refunded = attempts.filter(
      (attempt) => attempt.status === 'fulfilled' && attempt.value.status === 'succeeded',
    );
    expect(refunded).toHaveLength(1);
    const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason] : []));
    expect(refused).toHaveLength(9);
    for (const error of refused) {
      expect(error).toMatchObject({ code: expect.stringMatching(/^(INVALID_STATE|REFUND_EXCEEDS_CHARGE)$/) });
    }
    expect(provider.refunded(charge.id)).toBe(600);
    expect((await charges.get(charge.id)).refunded).toEqual(RUB(600));
  });

  it('never re-sends a refund whose answer was lost: the reconciler asks the provider instead', async () => {
    const { charges, input, provider, clock, worker } = await world();
    const charge = await charges.charge(input());
    provider.refundScript = 'lost';
    const refund = await charges.refund(charge.id, { amount: RUB(250), idempotencyKey: 'r1' });
    expect(refund.status).toBe('processing');
    await clock.advance(60_000);
    await worker.runOnce();
    expect((await charges.listRefunds(charge.id))[0]).toMatchObject({ status: 'succeeded' });
    expect((await charges.get(charge.id)).refunded).toEqual(RUB(250));
    expect(provider.chargeCalls).toMatchObject({ refund: 1, checkRefund: 1 });
  });

  it('answers bad requests with typed errors before anything is sent', async () => {
    const { charges, input, provider } = await world();
    expect((await rejection(charges.charge(input({ amount: RUB(0) })))).code).toBe('AMOUNT_INVALID');
    expect((await rejection(charges.charge(input({ customerId: 'cus_2' })))).code).toBe('CARD_NOT_FOUND');
    expect((await rejection(charges.charge(input({ cardId: 'card_missing' })))).code).toBe('CARD_NOT_FOUND');
    expect((await rejection(charges.get('ch_missing'))).code).toBe('CHARGE_NOT_FOUND');
    const charge = await charges.charge(input());
    expect((await rejection(charges.get(charge.id, { customerId: 'cus_2' }))).code).toBe('CHARGE_NOT_FOUND');
    expect(provider.chargeCalls.charge).toBe(1);
  });

  it('reports a failing charge store as a retryable STORE_UNAVAILABLE without calling the provider', async () => {
    const failing = new InMemoryChargeStore();
    failing.createCharge = async () => {
      throw new Error('connection terminated: password=hunter2');
    };
    const { charges, input, provider } = await world({ chargeStore: failing });
    const error = await rejection(charges.charge(input()));
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(provider.chargeCalls.charge).toBe(0);
  });
});
