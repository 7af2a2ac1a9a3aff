import { describe, expect, it } from 'vitest';
import {
  type BindingTransitionEvent,
  CardBindingError,
  type CardBindingProvider,
  type CardBindingListener,
  InMemoryBindingStore,
} from '../src/index.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1' };

/** Init and finalise only: no after-step reads the binding in the background. */
function savingProvider(): CardBindingProvider {
  return {
    id: 'scripted',
    init: async () => ({
      status: 'requires_action',
      action: { type: 'redirect', url: 'https://pay.example.test/page', method: 'GET' },
      providerRef: {},
    }),
    finalise: async () => ({
      status: 'succeeded',
      card: { token: 'tok', display: { maskedPan: '411111******1111' } },
    }),
  };
}

/** The in-memory store, counting the reads of one binding (what a database round trip would cost). */
class CountingStore extends InMemoryBindingStore {
  gets = 0;

  override async get(...args: Parameters<InMemoryBindingStore['get']>) {
    this.gets++;
    return super.get(...args);
  }
}

describe('reads of the record per finalise and checkOrder', () => {
  it('a finalise that saves the card reads the binding once: its compare-and-set says whether it moved', async () => {
    const store = new CountingStore();
    const { service } = containerWith([savingProvider()], { store });
    const started = await service.start({ provider: 'scripted', customer });
    store.gets = 0;
    const done = await service.finalise(started.id);
    expect(done.status).toBe('succeeded');
    expect(store.gets).toBe(1);
  });

  it('an answer that changes nothing is checked against the stored record once more', async () => {
    const provider = new ScriptedProvider();
    const store = new CountingStore();
    const { service } = containerWith([provider], { store });
    const started = await service.start({ provider: 'scripted', customer });
    store.gets = 0;
    const polled = await service.checkOrder(started.id);
    expect(polled.status).toBe('requires_action');
    expect(store.gets).toBe(2);
  });

  it('a pending answer never hands back a state another process moved the binding past meanwhile', async () => {
    const provider = new ScriptedProvider();
    const store = new CountingStore();
    const first = containerWith([provider], { store });
    const second = containerWith([provider], { store });
    const started = await first.service.start({ provider: 'scripted', customer });
    // While the first process waits for the provider, the second saves the card.
    provider.next = async () => {
      provider.next = async () => ({
        status: 'succeeded',
        card: { token: 'tok', display: { maskedPan: '411111******1111' } },
      });
      const moved = await second.service.finalise(started.id);
      expect(moved.status).toBe('succeeded');
      return { status: 'pending' };
    };
    const polled = await first.service.checkOrder(started.id);
    expect(polled).toEqual(await first.service.get(started.id));
    expect(polled.status).toBe('succeeded');
  });

  it('a failed answer that lost the race to a saved card returns the saved card, not the failure', async () => {
    const provider = new ScriptedProvider();
    const store = new CountingStore();
    const first = containerWith([provider], { store });
    const second = containerWith([provider], { store });
    const started = await first.service.start({ provider: 'scripted', customer });
    provider.next = async () => {
      provider.succeedWith('tok');
      await second.service.finalise(started.id);
      return { status: 'failed', error: new CardBindingError('CARD_DECLINED', 'declined') };
    };
    const answered = await first.service.finalise(started.id);
    expect(answered.status).toBe('succeeded');
    expect(await store.listCards(customer.id)).toHaveLength(1);
  });
});

describe('events delivered by the process that wrote them', () => {
  it('carry the binding as the transition left it, with dates, exactly as a worker redelivers them', async () => {
    const seen: BindingTransitionEvent[] = [];
    const listener: CardBindingListener = { onTransition: (event) => void seen.push(event) };
    const provider = new ScriptedProvider();
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], { store, listeners: [listener] });
    const started = await service.start({ provider: 'scripted', customer });
    provider.succeedWith('tok');
    const done = await service.finalise(started.id);

    expect(seen.map((event) => [event.id, event.from, event.to])).toEqual([
      [`evt_${started.id}.0`, null, 'requires_action'],
      [`evt_${started.id}.1`, 'requires_action', 'succeeded'],
    ]);
    expect(seen[1]?.binding).toEqual(done);
    expect(seen[1]?.binding.updatedAt).toBeInstanceOf(Date);

    // The stored payloads say the same, for a worker's redelivery.
    const items = (await store.listWork({ bindingId: started.id })).filter(
      (item) => item.kind === 'binding.event',
    );
    expect(items.map((item) => item.status)).toEqual(['done', 'done']);
    expect(JSON.parse(JSON.stringify(seen[1]?.binding))).toEqual(items[1]?.payload['binding']);
  });
});
