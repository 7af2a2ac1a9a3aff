import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CardBindingError,
  CardBindingWorker,
  ChargeService,
  InMemoryBindingStore,
  InMemoryChargeStore,
  TelemetryAttributes as A,
  TelemetryMetrics as M,
  WORK_GAUGE_LIMIT,
} from '../src/index.js';
import { ManualClock, SequentialIdGenerator } from '../src/testing-doubles/index.js';
import { containerWith } from './container.js';
import { LedgerProvider } from './ledger-provider.js';
import { installTelemetry, isChildOf, only, type Telemetry, valueOf } from './telemetry-sdk.js';

const customer = { id: 'cus_1' };
const RUB = (minor: number) => ({ minor, currency: 'RUB' });

function world() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 10));
  const provider = new LedgerProvider('ledger');
  const store = new InMemoryBindingStore({ clock });
  const { container, service } = containerWith([provider], {
    store,
    chargeStore: new InMemoryChargeStore(),
    clock,
    ids: new SequentialIdGenerator(),
  });
  return {
    clock,
    provider,
    store,
    service,
    charges: container.get(ChargeService),
    worker: container.get(CardBindingWorker),
  };
}

/** A world with a saved card: one binding started and succeeded. */
async function withCard(telemetry: Telemetry) {
  const parts = world();
  parts.provider.succeedWith('token-1');
  const binding = await parts.service.start({ provider: 'ledger', customer });
  const bound = await parts.service.checkOrder(binding.id);
  await parts.service.settled();
  const cardId = bound.card?.id;
  if (!cardId) throw new Error('no card saved');
  telemetry.spans.reset();
  return { ...parts, cardId, binding: bound };
}

let telemetry: Telemetry;
beforeEach(() => {
  telemetry = installTelemetry();
});
afterEach(async () => {
  await telemetry.uninstall();
});

describe('CardBindingService spans and binding metrics', () => {
  it('names each operation, its binding, provider and outcome, with work items as its children', async () => {
    const { service, provider } = world();
    const binding = await service.start({ provider: 'ledger', customer });
    provider.succeedWith('token-1');
    await service.checkOrder(binding.id);
    await service.settled();

    const start = only(telemetry, 'CardBindingService.start');
    expect(start.kind).toBe(SpanKind.INTERNAL);
    expect(start.instrumentationScope).toMatchObject({ name: '@cardbind/core', version: '0.1.0' });
    expect(start.attributes).toMatchObject({
      [A.bindingId]: binding.id,
      [A.provider]: 'ledger',
      [A.outcome]: 'requires_action',
    });
    expect(start.status.code).toBe(SpanStatusCode.UNSET);
    const check = only(telemetry, 'CardBindingService.checkOrder');
    expect(check.attributes).toMatchObject({
      [A.bindingId]: binding.id,
      [A.provider]: 'ledger',
      [A.outcome]: 'succeeded',
    });
    // The after-step runs in the background but belongs to the poll that saved the card.
    const afterStep = only(telemetry, 'work binding.after_success');
    expect(isChildOf(afterStep, check)).toBe(true);
    expect(afterStep.attributes).toMatchObject({
      [A.workKind]: 'binding.after_success',
      [A.bindingId]: binding.id,
      [A.provider]: 'ledger',
      [A.outcome]: 'done',
      [A.workAttempt]: 1,
    });

    const started = await telemetry.points(M.bindingsStarted);
    expect(started.map((point) => [point.attributes, point.value])).toEqual([
      [{ [A.provider]: 'ledger' }, 1],
    ]);
    const ended = await telemetry.points(M.bindingsEnded);
    expect(ended.map((point) => [point.attributes, point.value])).toEqual([
      [{ [A.provider]: 'ledger', [A.outcome]: 'succeeded' }, 1],
    ]);
  });

  it('counts a binding once however many callers raced to finish it, and a replayed start not at all', async () => {
    const { service, provider } = world();
    const input = { provider: 'ledger', customer, idempotencyKey: 'k-1' };
    const binding = await service.start(input);
    await service.start(input);
    provider.succeedWith('token-1');
    await Promise.all([
      service.checkOrder(binding.id),
      service.finalise(binding.id),
      service.finalise(binding.id),
    ]);
    expect(telemetry.named('CardBindingService.start')).toHaveLength(2);
    expect(valueOf((await telemetry.points(M.bindingsStarted))[0])).toBe(1);
    expect(valueOf((await telemetry.points(M.bindingsEnded))[0])).toBe(1);
  });

  it('marks a thrown failure as ERROR with its code, and a declined card as an outcome', async () => {
    const { service, provider } = world();
    await expect(service.checkOrder('bnd_missing')).rejects.toMatchObject({ code: 'BINDING_NOT_FOUND' });
    const missing = only(telemetry, 'CardBindingService.checkOrder');
    expect(missing.status).toEqual({ code: SpanStatusCode.ERROR, message: 'BINDING_NOT_FOUND' });
    expect(missing.attributes).toMatchObject({
      [A.bindingId]: 'bnd_missing',
      [A.outcome]: 'error',
      [A.errorCode]: 'BINDING_NOT_FOUND',
      [A.errorType]: 'BINDING_NOT_FOUND',
    });
    expect(missing.events).toEqual([]);

    const binding = await service.start({ provider: 'ledger', customer });
    provider.failWith(new CardBindingError('CARD_DECLINED', 'Declined', { providerCode: 'AMOUNT_EXCEED' }));
    await service.finalise(binding.id);
    const declined = only(telemetry, 'CardBindingService.finalise');
    expect(declined.status.code).toBe(SpanStatusCode.UNSET);
    expect(declined.attributes).toMatchObject({
      [A.outcome]: 'failed',
      [A.errorCode]: 'CARD_DECLINED',
      [A.providerCode]: 'AMOUNT_EXCEED',
    });
    const ended = await telemetry.points(M.bindingsEnded);
    expect(ended.map((point) => point.attributes)).toEqual([
      { [A.provider]: 'ledger', [A.outcome]: 'failed', [A.errorCode]: 'CARD_DECLINED' },
    ]);

    provider.next = async () => {
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'down', { providerCode: 'HTTP_503' });
    };
    const open = await service.start({ provider: 'ledger', customer });
    await expect(service.checkOrder(open.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(telemetry.named('CardBindingService.checkOrder').at(-1)?.attributes).toMatchObject({
      [A.errorType]: 'PROVIDER_UNAVAILABLE',
      [A.providerCode]: 'HTTP_503',
    });
  });

  it('traces callbacks: a saved binding, a rejection, and cardbind failing (503) as ERROR', async () => {
    const { service, provider } = world();
    const binding = await service.start({ provider: 'ledger', customer });
    provider.callback = async () => ({
      response: { status: 200, headers: {}, body: 'OK' },
      update: {
        bindingId: binding.id,
        outcome: { status: 'succeeded', card: { token: 't-9', display: { maskedPan: '411111******1111' } } },
      },
    });
    await service.handleCallback('ledger', { method: 'POST', body: {} });
    expect(only(telemetry, 'CardBindingService.handleCallback').attributes).toMatchObject({
      [A.provider]: 'ledger',
      [A.bindingId]: binding.id,
      [A.outcome]: 'succeeded',
    });

    telemetry.spans.reset();
    await service.handleCallback('nobody', { method: 'POST', body: {} });
    const rejected = only(telemetry, 'CardBindingService.handleCallback');
    expect(rejected.attributes).toMatchObject({
      [A.provider]: 'nobody',
      [A.outcome]: 'rejected',
      [A.errorCode]: 'PROVIDER_NOT_FOUND',
    });
    expect(rejected.status.code).toBe(SpanStatusCode.UNSET);

    telemetry.spans.reset();
    provider.callback = async () => {
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'down');
    };
    const answer = await service.handleCallback('ledger', { method: 'POST', body: {} });
    expect(answer.response.status).toBe(503);
    expect(only(telemetry, 'CardBindingService.handleCallback').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('traces a sweep with its count, and counts what it expired', async () => {
    const { service, worker, clock } = world();
    const binding = await service.start({ provider: 'ledger', customer });
    clock.set(binding.expiresAt.getTime());
    await worker.runOnce();
    await service.settled();
    expect(only(telemetry, 'CardBindingService.sweepExpired').attributes).toMatchObject({
      [A.sweptBindings]: 1,
    });
    const afterFailure = only(telemetry, 'work binding.after_failure');
    expect(isChildOf(afterFailure, only(telemetry, 'CardBindingService.sweepExpired'))).toBe(true);
    const ended = await telemetry.points(M.bindingsEnded);
    expect(ended.map((point) => point.attributes)).toEqual([
      { [A.provider]: 'ledger', [A.outcome]: 'expired', [A.errorCode]: 'BINDING_EXPIRED' },
    ]);
  });

  it('gauges waiting and failed background work from listWork, only when collected', async () => {
    const { service, provider, store } = world();
    let listed = 0;
    const listWork = store.listWork.bind(store);
    store.listWork = (filter) => {
      listed++;
      return listWork(filter);
    };
    provider.afterSuccess = async () => {
      throw new CardBindingError('PROVIDER_REJECTED', 'refused for good', { retryable: false });
    };
    const binding = await service.start({ provider: 'ledger', customer });
    provider.succeedWith('token-1');
    await service.checkOrder(binding.id);
    await service.settled();
    const step = only(telemetry, 'work binding.after_success');
    expect(step.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PROVIDER_REJECTED' });
    expect(step.attributes).toMatchObject({ [A.outcome]: 'failed', [A.errorCode]: 'PROVIDER_REJECTED' });
    expect(listed).toBe(0);

    const gauge = await telemetry.points(M.workItems);
    expect(gauge.map((point) => [point.attributes, point.value])).toEqual([
      [{ [A.workStatus]: 'pending' }, 0],
      [{ [A.workStatus]: 'failed' }, 1],
    ]);
    expect(listed).toBe(2);
    expect(WORK_GAUGE_LIMIT).toBeGreaterThan(0);
  });
});

describe('ChargeService spans and charge metrics', () => {
  it('traces a charge and a refund with ids, provider and outcome, and counts the charge once', async () => {
    const { charges, cardId } = await withCard(telemetry);
    const charge = await charges.charge({
      customerId: 'cus_1',
      cardId,
      amount: RUB(1000),
      idempotencyKey: 'k-1',
    });
    await charges.charge({ customerId: 'cus_1', cardId, amount: RUB(1000), idempotencyKey: 'k-1' });
    const refund = await charges.refund(charge.id, { idempotencyKey: 'r-1', amount: RUB(400) });

    const [first] = telemetry.named('ChargeService.charge');
    expect(first?.attributes).toMatchObject({
      [A.chargeId]: charge.id,
      [A.provider]: 'ledger',
      [A.outcome]: 'succeeded',
    });
    expect(only(telemetry, 'ChargeService.refund').attributes).toMatchObject({
      [A.chargeId]: charge.id,
      [A.refundId]: refund.id,
      [A.outcome]: 'succeeded',
    });
    const started = await telemetry.points(M.chargesStarted);
    expect(started.map((point) => [point.attributes, point.value])).toEqual([
      [{ [A.provider]: 'ledger' }, 1],
    ]);
    const ended = await telemetry.points(M.chargesEnded);
    expect(ended.map((point) => [point.attributes, point.value])).toEqual([
      [{ [A.provider]: 'ledger', [A.outcome]: 'succeeded' }, 1],
    ]);
  });

  it('traces a decline as an outcome, a lost answer settled by reconcileDue, refresh and completeAction', async () => {
    const { charges, cardId, provider, clock, worker } = await withCard(telemetry);
    provider.script = () => ({
      kind: 'decline',
      error: new CardBindingError('CARD_DECLINED', 'no', { providerCode: 'X' }),
    });
    await charges.charge({ customerId: 'cus_1', cardId, amount: RUB(100), idempotencyKey: 'k-decline' });
    const declined = only(telemetry, 'ChargeService.charge');
    expect(declined.status.code).toBe(SpanStatusCode.UNSET);
    expect(declined.attributes).toMatchObject({ [A.outcome]: 'failed', [A.errorCode]: 'CARD_DECLINED' });

    telemetry.spans.reset();
    provider.script = () => ({ kind: 'lost_after_debit' });
    const lost = await charges.charge({
      customerId: 'cus_1',
      cardId,
      amount: RUB(100),
      idempotencyKey: 'k-lost',
    });
    expect(lost.status).toBe('processing');
    expect(only(telemetry, 'ChargeService.charge').attributes).toMatchObject({ [A.outcome]: 'processing' });
    await charges.refresh(lost.id);
    expect(only(telemetry, 'ChargeService.refresh').attributes).toMatchObject({
      [A.chargeId]: lost.id,
      [A.outcome]: 'succeeded',
    });

    telemetry.spans.reset();
    provider.script = () => ({ kind: 'lost_after_debit' });
    await charges.charge({ customerId: 'cus_1', cardId, amount: RUB(100), idempotencyKey: 'k-lost-2' });
    await clock.advance(60_000);
    await worker.runOnce();
    expect(only(telemetry, 'ChargeService.reconcileDue').attributes).toMatchObject({
      [A.reconciledCharges]: 1,
      [A.reconciledRefunds]: 0,
    });

    telemetry.spans.reset();
    provider.script = () => ({ kind: 'three_ds' });
    const waiting = await charges.charge({
      customerId: 'cus_1',
      cardId,
      amount: RUB(100),
      idempotencyKey: 'k-3ds',
    });
    expect(only(telemetry, 'ChargeService.charge').attributes).toMatchObject({
      [A.outcome]: 'requires_action',
    });
    await charges.completeAction(waiting.id, { method: 'POST', body: { PaRes: 'good', MD: waiting.id } });
    expect(only(telemetry, 'ChargeService.completeAction').attributes).toMatchObject({
      [A.chargeId]: waiting.id,
      [A.provider]: 'ledger',
      [A.outcome]: 'succeeded',
    });

    const ended = await telemetry.points(M.chargesEnded);
    expect(
      Object.fromEntries(ended.map((point) => [JSON.stringify(point.attributes), point.value])),
    ).toMatchObject({
      [JSON.stringify({ [A.provider]: 'ledger', [A.outcome]: 'failed', [A.errorCode]: 'CARD_DECLINED' })]: 1,
      // The lost answers (asked by refresh, then by the reconciler) and the 3-D Secure one.
      [JSON.stringify({ [A.provider]: 'ledger', [A.outcome]: 'succeeded' })]: 3,
    });
  });

  it('marks a refused call as ERROR', async () => {
    const { charges } = await withCard(telemetry);
    await expect(charges.refresh('ch_missing')).rejects.toMatchObject({ code: 'CHARGE_NOT_FOUND' });
    expect(only(telemetry, 'ChargeService.refresh').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'CHARGE_NOT_FOUND',
    });
  });
});
