import { describe, expect, it } from 'vitest';
import { CardBindingError, InMemoryBindingStore, type Logger } from '../src/index.js';
import { ManualClock } from '../src/testing-doubles/index.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1' };
const requestInfo = { requestId: 'req-7', sourceAddress: '203.0.113.9' };

interface Line {
  level: string;
  obj: Record<string, unknown>;
}

function capturingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>): void =>
      void lines.push({ level, obj });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('the audit trail', () => {
  it('records every transition with its trigger, request id and source address, oldest first', async () => {
    const provider = new ScriptedProvider();
    const clock = new ManualClock();
    const { service } = containerWith([provider], { clock });
    const binding = await service.start({ provider: 'scripted', customer }, { requestInfo });
    provider.next = async () => ({ status: 'pending' });
    await service.finalise(binding.id, { customerId: customer.id, requestInfo: { requestId: 'req-8' } });
    provider.succeedWith('tok-1');
    await service.checkOrder(binding.id, { requestInfo: { requestId: 'req-9' } });

    const history = await service.history(binding.id, { customerId: customer.id });
    expect(history.map(({ from, to, trigger, version }) => ({ from, to, trigger, version }))).toEqual([
      { from: null, to: 'requires_action', trigger: 'start', version: 0 },
      { from: 'requires_action', to: 'processing', trigger: 'return', version: 1 },
      { from: 'processing', to: 'succeeded', trigger: 'poll', version: 2 },
    ]);
    expect(history[0]).toMatchObject(requestInfo);
    expect(history[1]).toMatchObject({ requestId: 'req-8' });
    expect(history[1]?.sourceAddress).toBeUndefined();
    expect(history[0]?.at).toEqual(clock.now());
  });

  it('marks an expiry as caused by the deadline and keeps the failure codes', async () => {
    const provider = new ScriptedProvider();
    const clock = new ManualClock();
    const { service } = containerWith([provider], { clock });
    const binding = await service.start({ provider: 'scripted', customer });
    clock.set(binding.expiresAt.getTime() + 1);
    await service.checkOrder(binding.id);
    const last = (await service.history(binding.id)).at(-1);
    expect(last).toMatchObject({ to: 'expired', trigger: 'deadline', failureCode: 'BINDING_EXPIRED' });

    const declined = await service.start({ provider: 'scripted', customer });
    provider.failWith(new CardBindingError('CARD_DECLINED', 'declined', { providerCode: '5410' }));
    await service.finalise(declined.id);
    expect((await service.history(declined.id)).at(-1)).toMatchObject({
      to: 'failed',
      trigger: 'return',
      failureCode: 'CARD_DECLINED',
      providerCode: '5410',
    });
  });

  it("answers another customer's history as missing", async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    const binding = await service.start({ provider: 'scripted', customer });
    await expect(service.history(binding.id, { customerId: 'someone-else' })).rejects.toMatchObject({
      code: 'BINDING_NOT_FOUND',
    });
  });

  it('writes the transition line at info with the request info, and rejected callbacks at warn naming the order', async () => {
    const provider = new ScriptedProvider();
    const { logger, lines } = capturingLogger();
    const { service } = containerWith([provider], { logger });
    const binding = await service.start({ provider: 'scripted', customer }, { requestInfo });
    const transition = lines.find((line) => line.obj['event'] === 'binding.transition');
    expect(transition).toMatchObject({
      level: 'info',
      obj: { bindingId: binding.id, to: 'requires_action', trigger: 'start', ...requestInfo },
    });

    provider.callback = async (ctx) => {
      await ctx.findBinding('s1');
      throw new CardBindingError('CALLBACK_REJECTED', 'bad signature');
    };
    const outcome = await service.handleCallback(
      'scripted',
      { method: 'POST', body: { OrderId: 's1' } },
      { requestInfo },
    );
    expect(outcome.response.status).toBe(400);
    const rejected = lines.find((line) => line.obj['event'] === 'callback.rejected');
    expect(rejected).toMatchObject({
      level: 'warn',
      obj: {
        provider: 'scripted',
        code: 'CALLBACK_REJECTED',
        lookupKey: 's1',
        bindingId: binding.id,
        ...requestInfo,
      },
    });

    await service.handleCallback('nope', { method: 'POST' }, { requestInfo });
    expect(lines.filter((line) => line.obj['event'] === 'callback.rejected').at(-1)).toMatchObject({
      obj: { provider: 'nope', code: 'PROVIDER_NOT_FOUND', ...requestInfo },
    });
  });

  it('refuses request info that is not a bounded string with CONFIG_INVALID', async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    await expect(
      service.start({ provider: 'scripted', customer }, { requestInfo: { requestId: 'x'.repeat(201) } }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('InMemoryBindingStore retention', () => {
  it('drops finished bindings past the retention with their audit rows and keys, keeping open ones and cards', async () => {
    const clock = new ManualClock();
    const store = new InMemoryBindingStore({ retentionMs: 60 * 60_000, clock });
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider], { store, clock });
    const done = await service.start({ provider: 'scripted', customer, idempotencyKey: 'k-done' });
    provider.succeedWith('tok-1');
    await service.finalise(done.id);
    provider.next = async () => ({ status: 'pending' });
    const open = await service.start({ provider: 'scripted', customer });
    expect(store.size).toBe(2);

    clock.set(clock.now().getTime() + 2 * 60 * 60_000);
    // The purge runs on a later create, once a minute at most.
    const later = await service.start({ provider: 'scripted', customer: { id: 'cust-2' } });
    expect(store.size).toBe(2);
    expect(await store.get(done.id)).toBeUndefined();
    expect(await store.listAudit(done.id)).toEqual([]);
    expect(await store.findByIdempotencyKey(customer.id, 'k-done')).toBeUndefined();
    expect(await store.get(open.id)).toBeDefined();
    expect(await store.get(later.id)).toBeDefined();
    expect(await store.listCards(customer.id)).toHaveLength(1);
  });
});
