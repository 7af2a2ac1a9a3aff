import { describe, expect, it } from 'vitest';
import {
  type BindingTransitionEvent,
  type CardBindingListener,
  CardBindingError,
  CardBindingWorker,
  InMemoryBindingStore,
} from '../src/index.js';
import { ManualClock } from '../src/testing-doubles/index.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1' };
const MINUTE = 60_000;

function world(options: { listeners?: CardBindingListener[] } = {}) {
  const clock = new ManualClock();
  const store = new InMemoryBindingStore({ clock });
  const provider = new ScriptedProvider();
  const { container, service } = containerWith([provider], {
    clock,
    store,
    listeners: options.listeners ?? [],
  });
  return { clock, store, provider, service, worker: container.get(CardBindingWorker) };
}

describe('listener events', () => {
  it('are redelivered by the worker with the same event id until every listener took them', async () => {
    const seen: string[] = [];
    let failuresLeft = 2;
    const flaky = {
      onTransition: (event: BindingTransitionEvent) => {
        seen.push(`${event.id}:${event.to}`);
        if (event.to === 'succeeded' && failuresLeft-- > 0) throw new Error('listener down');
      },
    };
    const { clock, provider, service, worker } = world({ listeners: [flaky] });
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-1');
    await service.finalise(binding.id);
    const eventId = `evt_${binding.id}.1`;
    expect(seen).toEqual([`evt_${binding.id}.0:requires_action`, `${eventId}:succeeded`]);

    // Not due before its backoff (1 s after the first failure).
    expect((await worker.runOnce()).work).toBe(0);
    clock.set(clock.now().getTime() + 1_000);
    expect((await worker.runOnce()).work).toBe(1);
    clock.set(clock.now().getTime() + 2_000);
    expect((await worker.runOnce()).work).toBe(1);
    clock.set(clock.now().getTime() + 60 * MINUTE);
    expect((await worker.runOnce()).work).toBe(0);
    expect(seen.filter((line) => line.startsWith(eventId))).toEqual([
      `${eventId}:succeeded`,
      `${eventId}:succeeded`,
      `${eventId}:succeeded`,
    ]);
    const events = (await service.listWork({ bindingId: binding.id })).filter(
      (item) => item.kind === 'binding.event',
    );
    expect(events).toEqual([
      expect.objectContaining({ id: `evt_${binding.id}.0`, status: 'done', attempts: 1 }),
      expect.objectContaining({ id: eventId, status: 'done', attempts: 3 }),
    ]);
  });

  it('are not written when no listener is registered', async () => {
    const { provider, service } = world();
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-1');
    await service.finalise(binding.id);
    expect((await service.listWork({ bindingId: binding.id })).map((item) => item.kind)).toEqual([
      'binding.after_success',
    ]);
  });
});

describe('provider after-steps', () => {
  it('a retryable failure is retried with backoff; past its deadline it fails for good and is listed', async () => {
    const { clock, provider, service, worker } = world();
    let calls = 0;
    provider.afterFailure = async () => {
      calls++;
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'gateway down');
    };
    const binding = await service.start({ provider: 'scripted', customer });
    provider.failWith(new CardBindingError('CARD_DECLINED', 'declined'));
    await service.finalise(binding.id);
    await service.settled();
    expect(calls).toBe(1);
    for (let hour = 0; hour < 30; hour++) {
      clock.set(clock.now().getTime() + 60 * MINUTE);
      await worker.runOnce();
    }
    // 1 s, 2 s, 4 s ... capped at 10 minutes, then stopped by the 23-hour deadline.
    const [item] = await service.listWork({ status: 'failed' });
    expect(item).toMatchObject({
      bindingId: binding.id,
      kind: 'binding.after_failure',
      lastErrorCode: 'PROVIDER_UNAVAILABLE',
    });
    expect(calls).toBe(item?.attempts);
    expect(calls).toBeGreaterThan(10);
    expect(calls).toBeLessThan(30);
    expect((await service.get(binding.id)).status).toBe('failed');
  });

  it('a final error fails the item at once', async () => {
    const { provider, service } = world();
    provider.afterSuccess = async () => {
      throw new CardBindingError('PROVIDER_REJECTED', 'no such transaction', { providerCode: '3' });
    };
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-1');
    await service.finalise(binding.id);
    await service.settled();
    expect(await service.listWork({ status: 'failed' })).toEqual([
      expect.objectContaining({ bindingId: binding.id, attempts: 1, lastErrorCode: 'PROVIDER_REJECTED' }),
    ]);
  });

  it('an item whose holder died is taken over once its lease runs out, and run once', async () => {
    const { clock, store, provider, service, worker } = world();
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-1');
    // A process that dies between the commit and running its work: simulate by claiming the item first.
    provider.afterSuccess = async () => {
      provider.calls.afterSuccess++;
    };
    const originalClaim = store.claimWork.bind(store);
    let stolen = false;
    store.claimWork = async (input) => {
      if (!stolen && input.ids) {
        stolen = true;
        await originalClaim({ ...input, owner: 'crashed-process' });
        return [];
      }
      return originalClaim(input);
    };
    await service.finalise(binding.id);
    await service.settled();
    expect(provider.calls.afterSuccess).toBe(0);
    expect((await worker.runOnce()).work).toBe(0);
    clock.set(clock.now().getTime() + MINUTE);
    expect((await worker.runOnce()).work).toBe(1);
    expect((await worker.runOnce()).work).toBe(0);
    expect(provider.calls.afterSuccess).toBe(1);
    // The crashed holder's late answer changes nothing.
    expect(await store.completeWork(`aft_${binding.id}.1`, 'crashed-process', clock.now())).toBe(false);
  });
});

describe('the expiry sweep', () => {
  it('expires an abandoned binding without anyone polling, after asking the provider once, and releases it', async () => {
    const { clock, provider, service, worker } = world();
    const binding = await service.start({ provider: 'scripted', customer });
    expect((await worker.runOnce()).swept).toBe(0);
    clock.set(binding.expiresAt.getTime());
    const round = await worker.runOnce();
    expect(round.swept).toBe(1);
    expect(provider.calls.checkOrder).toBe(1);
    await service.settled();
    expect(provider.calls.afterFailure).toBe(1);
    const done = await service.get(binding.id);
    expect(done.status).toBe('expired');
    expect((await service.history(binding.id)).at(-1)).toMatchObject({ to: 'expired', trigger: 'sweep' });
    expect((await worker.runOnce()).swept).toBe(0);
  });

  it('saves the card when the provider says at the last ask that it went through', async () => {
    const { clock, provider, service, worker } = world();
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-late');
    clock.set(binding.expiresAt.getTime() + 1);
    await worker.runOnce();
    expect((await service.get(binding.id)).status).toBe('succeeded');
    expect(await service.listCards(customer.id)).toHaveLength(1);
  });

  it('expires the binding even when the provider cannot be asked', async () => {
    const { clock, provider, service, worker } = world();
    const binding = await service.start({ provider: 'scripted', customer });
    provider.next = async () => {
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'down');
    };
    clock.set(binding.expiresAt.getTime() + 1);
    await worker.runOnce();
    expect((await service.get(binding.id)).status).toBe('expired');
  });
});

describe('the expiry sweep at scale', () => {
  it('asks about several bindings at once, bounded, and ends every one of them', async () => {
    const { clock, provider, service, worker } = world();
    const started = [];
    for (let i = 0; i < 20; i++)
      started.push(await service.start({ provider: 'scripted', customer: { id: `c-${i}` } }));
    let inFlight = 0;
    let most = 0;
    provider.next = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { status: 'pending' };
    };
    clock.set(clock.now().getTime() + 60 * 60_000);
    expect((await worker.runOnce({ sweepBatchSize: 50 })).swept).toBe(20);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    for (const binding of started) expect((await service.get(binding.id)).status).toBe('expired');
  });
});

describe('CardBindingWorker', () => {
  it('runs in the background until stopped, and stop waits for the round in progress', async () => {
    const clock = new ManualClock();
    const store = new InMemoryBindingStore({ clock });
    const provider = new ScriptedProvider();
    const { container, service } = containerWith([provider], { clock, store });
    const worker = container.get(CardBindingWorker);
    const binding = await service.start({ provider: 'scripted', customer });
    clock.set(binding.expiresAt.getTime() + 1);
    worker.start({ idleMs: 5 });
    expect(worker.running).toBe(true);
    for (let i = 0; i < 100 && (await service.get(binding.id)).status !== 'expired'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await worker.stop();
    expect(worker.running).toBe(false);
    expect((await service.get(binding.id)).status).toBe('expired');
    expect(provider.calls.afterFailure).toBe(1);
  });
});

describe('a store that fails right after a transition', () => {
  it('never fails the call that made the transition: the work waits for a worker', async () => {
    const seen: string[] = [];
    const { clock, store, provider, service, worker } = world({
      listeners: [{ onTransition: (event) => void seen.push(event.to) }],
    });
    const binding = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok-1');
    const claim = store.claimWork.bind(store);
    let failures = 1;
    store.claimWork = async (input) => {
      if (failures-- > 0) throw new Error('connection terminated unexpectedly');
      return claim(input);
    };
    const done = await service.finalise(binding.id);
    expect(done.status).toBe('succeeded');
    expect(seen).toEqual(['requires_action']);
    clock.set(clock.now().getTime() + 1_000);
    expect((await worker.runOnce()).work).toBe(2);
    expect(seen).toEqual(['requires_action', 'succeeded']);
    expect(provider.calls.afterSuccess).toBe(1);
  });
});
