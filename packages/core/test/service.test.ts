import { describe, expect, it } from 'vitest';
import {
  CardBindingError,
  type CardBindingListener,
  InMemoryBindingStore,
  type Binding,
} from '../src/index.js';
import { ManualClock, SequentialIdGenerator } from '../src/testing-doubles/index.js';
import { containerWith } from './container.js';
import { LatentBindingStore } from './latent-store.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1', email: 'ivan@example.test' };

describe('CardBindingService.start', () => {
  it('returns a requires_action binding with the provider next action', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const binding = await service.start({ provider: 'scripted', customer });
    expect(binding.status).toBe('requires_action');
    expect(binding.nextAction).toEqual({
      type: 'redirect',
      url: 'https://pay.example.test/page?session=s1',
      method: 'GET',
    });
    expect(binding.customerId).toBe('cust-1');
    expect(binding.id).toMatch(/^bnd_[A-Za-z0-9_-]{22}$/);
  });

  it('replays the same binding for a repeated idempotency key without a second provider call', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const [a, b] = await Promise.all([
      service.start({ provider: 'scripted', customer, idempotencyKey: 'k1' }),
      service.start({ provider: 'scripted', customer, idempotencyKey: 'k1' }),
    ]);
    const c = await service.start({ provider: 'scripted', customer, idempotencyKey: 'k1' });
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(provider.calls.init).toBe(1);
    const other = await service.start({
      provider: 'scripted',
      customer: { id: 'cust-2' },
      idempotencyKey: 'k1',
    });
    expect(other.id).not.toBe(a.id);
    expect(provider.calls.init).toBe(2);
  });

  it('a pending init is stored as processing with its ref, in one audited transition', async () => {
    const provider = new ScriptedProvider();
    provider.initAnswer = async () => ({
      status: 'pending',
      processing: true,
      providerRef: { orderId: 'o-1' },
    });
    const seen: string[] = [];
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], {
      store,
      listeners: [{ onTransition: (event) => void seen.push(`${event.from}->${event.to}`) }],
    });
    const binding = await service.start({ provider: 'scripted', customer });
    expect(binding.status).toBe('processing');
    expect(seen).toEqual(['null->processing']);
    expect(await store.get(binding.id)).toMatchObject({ version: 0, providerRef: { orderId: 'o-1' } });
  });

  it('refuses an unknown provider with PROVIDER_NOT_FOUND', async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    await expect(service.start({ provider: 'nope', customer })).rejects.toMatchObject({
      code: 'PROVIDER_NOT_FOUND',
    });
  });

  it('rejects bad input with CONFIG_INVALID naming the field', async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    await expect(service.start({ provider: 'scripted', customer: { id: '' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'customer.id',
    });
  });

  it('turns a provider crash into a typed error and stores nothing', async () => {
    const provider = new ScriptedProvider();
    provider.initAnswer = async () => {
      throw new TypeError('socket hang up');
    };
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], { store });
    const error = await service
      .start({ provider: 'scripted', customer, idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(store.size).toBe(0);
  });

  it('rejects an invalid provider outcome instead of storing it', async () => {
    const provider = new ScriptedProvider();
    provider.initAnswer = async () => JSON.parse('{"status":"requires_action","action":{"type":"teleport"}}');
    const { service } = containerWith([provider]);
    await expect(service.start({ provider: 'scripted', customer })).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: false,
    });
  });
});

describe('CardBindingService transitions', () => {
  it('finalise saves the card and hides the token', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('card-token-1');
    const done = await service.finalise(started.id);
    expect(done.status).toBe('succeeded');
    expect(done.nextAction).toBeUndefined();
    expect(done.card?.display.maskedPan).toBe('411111******1111');
    expect(JSON.stringify(done)).not.toContain('card-token-1');
    const cards = await service.listCards('cust-1');
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards)).not.toContain('card-token-1');
  });

  it('100 concurrent finalise calls save one card and all see the same binding', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok');
    const results = await Promise.all(Array.from({ length: 100 }, () => service.finalise(started.id)));
    // Single-flight: one provider call for all of them (docs/operations.md).
    expect(provider.calls.finalise).toBe(1);
    expect(new Set(results.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(results[0]?.status).toBe('succeeded');
    expect(await service.listCards('cust-1')).toHaveLength(1);
    await service.settled();
    expect(provider.calls.afterSuccess).toBe(1);
  });

  it('racing finalise, checkOrder and a second process save exactly one card', async () => {
    const provider = new ScriptedProvider();
    const store = new LatentBindingStore();
    const first = containerWith([provider], { store });
    // A second container on the same store stands for a second worker: its single-flight is separate,
    // so only the store's compare-and-set keeps the result single.
    const second = containerWith([provider], { store });
    const started = await first.service.start({ provider: 'scripted', customer });
    // A different token per provider call: the store's token uniqueness cannot merge the two answers,
    // so one saved card proves the compare-and-set.
    provider.succeedWith((call) => `tok-${call}`);
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => first.service.finalise(started.id)),
      ...Array.from({ length: 20 }, () => second.service.checkOrder(started.id)),
    ]);
    expect(results.every((b) => b.status === 'succeeded' && b.card?.id === results[0]?.card?.id)).toBe(true);
    expect(await store.listCards('cust-1')).toHaveLength(1);
    expect(provider.calls.finalise + provider.calls.checkOrder).toBe(2);
    await Promise.all([first.service.settled(), second.service.settled()]);
    expect(provider.calls.afterSuccess).toBe(1);
  });

  it('an idempotent start raced by a second process returns the stored binding', async () => {
    const provider = new ScriptedProvider();
    const store = new InMemoryBindingStore();
    const first = containerWith([provider], { store });
    const second = containerWith([provider], { store });
    const [a, b] = await Promise.all([
      first.service.start({ provider: 'scripted', customer, idempotencyKey: 'k1' }),
      second.service.start({ provider: 'scripted', customer, idempotencyKey: 'k1' }),
    ]);
    // Both processes asked the provider (their single-flights are separate); the store kept one.
    expect(provider.calls.init).toBe(2);
    expect(b.id).toBe(a.id);
    expect(store.size).toBe(1);
  });

  it('refuses an idempotency key reused with another provider, also while the first start runs', async () => {
    const { service } = containerWith([new ScriptedProvider('a'), new ScriptedProvider('b')]);
    const [first, concurrent] = await Promise.allSettled([
      service.start({ provider: 'a', customer, idempotencyKey: 'k1' }),
      service.start({ provider: 'b', customer, idempotencyKey: 'k1' }),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { provider: 'a' } });
    expect(concurrent).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_STATE' } });
    await expect(service.start({ provider: 'b', customer, idempotencyKey: 'k1' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('keeps one saved card when a second binding returns the same token', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    provider.succeedWith('same-token');
    const a = await service.finalise((await service.start({ provider: 'scripted', customer })).id);
    const b = await service.finalise((await service.start({ provider: 'scripted', customer })).id);
    expect(b.card?.id).toBe(a.card?.id);
    expect(await service.listCards('cust-1')).toHaveLength(1);
  });

  it('a failed outcome ends the binding with the typed failure; terminal states never change', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.failWith(
      new CardBindingError('CARD_DECLINED', 'The issuer declined the card', { providerCode: '5205' }),
    );
    const failed = await service.checkOrder(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toEqual({
      code: 'CARD_DECLINED',
      message: 'The issuer declined the card',
      retryable: false,
      providerCode: '5205',
    });
    provider.succeedWith('late');
    expect((await service.finalise(started.id)).status).toBe('failed');
    expect(await service.listCards('cust-1')).toHaveLength(0);
  });

  it('runs the provider afterFailure step once when a binding fails, never for a success', async () => {
    const provider = new ScriptedProvider();
    const transitions: Array<Record<string, unknown>> = [];
    const quiet = () => undefined;
    const info = (obj: Record<string, unknown>) =>
      void (obj['event'] === 'binding.transition' && transitions.push(obj));
    const { service } = containerWith([provider], {
      logger: { debug: quiet, info, warn: quiet, error: quiet },
    });
    const started = await service.start({ provider: 'scripted', customer });
    provider.failWith(new CardBindingError('CARD_DECLINED', 'Declined', { providerCode: '5205' }));
    await Promise.all(Array.from({ length: 10 }, () => service.checkOrder(started.id)));
    await service.settled();
    expect(provider.calls.afterFailure).toBe(1);
    expect(provider.calls.afterSuccess).toBe(0);
    // The audit line of a failure carries its codes (docs/security.md, "Audit").
    expect(transitions.at(-1)).toMatchObject({
      to: 'failed',
      failureCode: 'CARD_DECLINED',
      providerCode: '5205',
    });
  });

  it('pending after the customer returned means processing; pending on a poll keeps requires_action', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const a = await service.start({ provider: 'scripted', customer });
    expect((await service.checkOrder(a.id)).status).toBe('requires_action');
    expect((await service.finalise(a.id, { query: { success: 'True' } })).status).toBe('processing');
  });

  it('a provider outage leaves the binding readable and unchanged', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.next = async () => {
      throw new Error('ECONNRESET');
    };
    await expect(service.finalise(started.id)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
    });
    expect((await service.get(started.id)).status).toBe('requires_action');
  });

  it('a provider outage past the deadline expires the binding instead of failing the call', async () => {
    const clock = new ManualClock();
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], { clock, service: { defaultTtlMs: 60_000 } });
    const started = await service.start({ provider: 'scripted', customer });
    provider.next = async () => {
      throw new Error('ECONNRESET');
    };
    await expect(service.checkOrder(started.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    clock.set(started.expiresAt);
    const expired = await service.checkOrder(started.id);
    expect(expired).toMatchObject({ status: 'expired', failure: { code: 'BINDING_EXPIRED' } });
    expect(provider.calls.checkOrder).toBe(2);
  });

  it('another customer gets BINDING_NOT_FOUND exactly like a missing id', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    const foreign = await service.get(started.id, { customerId: 'intruder' }).catch((e: unknown) => e);
    const missing = await service.get('bnd_missing', { customerId: 'intruder' }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(CardBindingError);
    expect(JSON.stringify(foreign)).toBe(JSON.stringify(missing));
    await expect(service.finalise(started.id, { customerId: 'intruder' })).rejects.toMatchObject({
      code: 'BINDING_NOT_FOUND',
    });
    expect(provider.calls.finalise).toBe(0);
  });

  it('removeCard checks the owner and removes the card', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    provider.succeedWith('tok');
    const done = await service.finalise((await service.start({ provider: 'scripted', customer })).id);
    const cardId = done.card?.id ?? '';
    await expect(service.removeCard('intruder', cardId)).rejects.toMatchObject({ code: 'CARD_NOT_FOUND' });
    await service.removeCard('cust-1', cardId);
    expect(await service.listCards('cust-1')).toHaveLength(0);
  });
});

describe('waitForCompletion', () => {
  it('expires a binding still pending at its own deadline (expiresAt), on a simulated clock', async () => {
    const clock = new ManualClock();
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], {
      clock,
      ids: new SequentialIdGenerator(),
      service: { defaultTtlMs: 5 * 60_000 },
    });
    const started = await service.start({ provider: 'scripted', customer });
    const waiting = service.waitForCompletion(started.id);
    await clock.advance(5 * 60_000);
    const done = await waiting;
    expect(done.status).toBe('expired');
    expect(done.failure?.code).toBe('BINDING_EXPIRED');
    expect(done.updatedAt.getTime()).toBe(started.expiresAt.getTime());
    expect(provider.calls.checkOrder).toBeGreaterThan(5);
    expect(provider.calls.checkOrder).toBeLessThanOrEqual(40);
  });

  it("a caller's shorter wait never ends a binding before the provider's session does", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
    const provider = new ScriptedProvider();
    // Payture's Add page lives 60 minutes: the provider says so with the init outcome's expiresAt.
    const sessionEnds = new Date(clock.now().getTime() + 60 * 60_000);
    provider.initAnswer = async () => ({
      status: 'requires_action',
      action: { type: 'redirect', url: 'https://pay.example.test/page', method: 'GET' },
      providerRef: {},
      expiresAt: sessionEnds,
    });
    const { service } = containerWith([provider], { clock });
    const started = await service.start({ provider: 'scripted', customer });
    const early = await service.waitForCompletion(started.id, { timeoutMs: 5 * 60_000 });
    expect(early.status).toBe('requires_action');
    expect(clock.now().getTime()).toBeLessThan(sessionEnds.getTime());
    // The customer finishes on the page after the host stopped waiting: the card is still saved.
    provider.succeedWith('tok-late');
    expect((await service.checkOrder(started.id)).status).toBe('succeeded');
  });

  it('returns as soon as the order closes', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], { clock });
    const started = await service.start({ provider: 'scripted', customer });
    const closesAt = clock.now().getTime() + 30_000;
    provider.next = async (ctx) =>
      ctx.now.getTime() >= closesAt
        ? { status: 'succeeded', card: { token: 't', display: { maskedPan: '555555******4444' } } }
        : { status: 'pending' };
    const done = await service.waitForCompletion(started.id);
    expect(done.status).toBe('succeeded');
    expect(done.updatedAt.getTime() - closesAt).toBeLessThanOrEqual(4_000);
  });

  it('refuses a timeout or poll policy that is not a positive whole number with CONFIG_INVALID', async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    const started = await service.start({ provider: 'scripted', customer });
    for (const timeoutMs of [Number.NaN, Number.POSITIVE_INFINITY, 0, -1]) {
      await expect(service.waitForCompletion(started.id, { timeoutMs })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        field: 'timeoutMs',
      });
    }
    await expect(
      service.waitForCompletion(started.id, { pollPolicy: { intervalMs: -5 } }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'pollPolicy.intervalMs' });
  });

  it('rides out a passing outage and stops on abort with ABORTED', async () => {
    const provider = new ScriptedProvider();
    provider.next = async () => {
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'down');
    };
    const warnings: string[] = [];
    const quiet = () => undefined;
    const { service } = containerWith([provider], {
      logger: { debug: quiet, info: quiet, error: quiet, warn: (_obj, msg) => void warnings.push(msg ?? '') },
    });
    const started = await service.start({ provider: 'scripted', customer });
    const controller = new AbortController();
    const waiting = service
      .waitForCompletion(started.id, {
        signal: controller.signal,
        pollPolicy: { initialDelayMs: 1, intervalMs: 5 },
      })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'ABORTED' });
    expect(provider.calls.checkOrder).toBeGreaterThan(2);
    expect(warnings.filter((msg) => msg === 'poll failed; will retry')).toHaveLength(
      provider.calls.checkOrder,
    );
    expect((await service.get(started.id)).status).toBe('requires_action');
  });
});

describe('listeners', () => {
  it('a throwing listener is logged and does not break the binding or other listeners', async () => {
    const seen: string[] = [];
    const logs: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
    const log = (obj: Record<string, unknown>, msg?: string) => logs.push({ obj, msg });
    const throwing: CardBindingListener = {
      onTerminal: () => {
        throw new Error('listener bug');
      },
    };
    const recording: CardBindingListener = {
      onTransition: (event) => void seen.push(`${event.from}->${event.to}`),
      onTerminal: (binding: Binding) => void seen.push(`terminal:${binding.status}`),
    };
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], {
      listeners: [throwing, recording],
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const started = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok');
    const done = await service.finalise(started.id);
    expect(done.status).toBe('succeeded');
    expect(seen).toEqual(['null->requires_action', 'requires_action->succeeded', 'terminal:succeeded']);
    expect(logs.some((l) => l.obj['event'] === 'listener.failed')).toBe(true);
    const transitions = logs.filter((l) => l.obj['event'] === 'binding.transition').map((l) => l.obj);
    expect(transitions).toEqual([
      expect.objectContaining({
        bindingId: started.id,
        provider: 'scripted',
        customerId: 'cust-1',
        from: null,
        to: 'requires_action',
      }),
      expect.objectContaining({
        bindingId: started.id,
        provider: 'scripted',
        customerId: 'cust-1',
        from: 'requires_action',
        to: 'succeeded',
      }),
    ]);
  });
});

describe('the default store', () => {
  it('hands out copies: mutating a returned binding changes nothing stored', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer, metadata: { plan: 'gold' } });
    started.metadata['plan'] = 'tampered';
    if (started.nextAction?.type === 'redirect') started.nextAction.url = 'https://evil.example.test/';
    const again = await service.get(started.id);
    expect(again.metadata['plan']).toBe('gold');
    expect(again.nextAction).toMatchObject({ url: 'https://pay.example.test/page?session=s1' });
  });
});

describe('a failing host store', () => {
  it('surfaces as a retryable STORE_UNAVAILABLE without the driver message in it', async () => {
    const store = new InMemoryBindingStore();
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], { store });
    const started = await service.start({ provider: 'scripted', customer });
    store.get = async () => {
      throw new Error('duplicate key value violates unique constraint: (card_number)=(4111111111111111)');
    };
    const error = await service.get(started.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    expect(JSON.stringify(error) + String(error)).not.toContain('4111111111111111');
    expect(String(error instanceof Error ? error.cause : '')).not.toContain('4111111111111111');
  });
});
