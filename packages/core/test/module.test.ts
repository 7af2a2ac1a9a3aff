import { Container, ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import {
  bindCardBindingProvider,
  CARD_BINDING_LISTENER,
  cardBindingModule,
  CardBindingError,
  CardBindingService,
  type CardBindingListener,
  type Logger,
  type BindingStore,
  InMemoryBindingStore,
} from '../src/index.js';
import { ScriptedProvider } from './scripted-provider.js';

describe('cardBindingModule', () => {
  it('resolves the service with defaults and registered providers', () => {
    const container = new Container();
    container.load(
      cardBindingModule(),
      new ContainerModule((load) => bindCardBindingProvider(load, 'a', () => new ScriptedProvider('a'))),
      new ContainerModule((load) => bindCardBindingProvider(load, 'b', () => new ScriptedProvider('b'))),
    );
    const service = container.get(CardBindingService);
    expect(service.providerIds.sort()).toEqual(['a', 'b']);
    expect(container.get(CardBindingService)).toBe(service);
  });

  it('fails at load when two providers claim one id', () => {
    const container = new Container();
    const load = () =>
      container.load(
        cardBindingModule(),
        new ContainerModule((l) => bindCardBindingProvider(l, 'dup', () => new ScriptedProvider('dup'))),
        new ContainerModule((l) => bindCardBindingProvider(l, 'dup', () => new ScriptedProvider('dup'))),
      );
    expect(load).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('"dup"') }),
    );
  });

  it('fails when a provider reports another id than it was registered with', () => {
    const container = new Container();
    container.load(
      cardBindingModule(),
      new ContainerModule((l) => bindCardBindingProvider(l, 'x', () => new ScriptedProvider('y'))),
    );
    expect(() => container.get(CardBindingService)).toThrowError(/reports id "y"/);
  });

  it('rejects bad options with CONFIG_INVALID naming the field', () => {
    const error = (() => {
      try {
        cardBindingModule({ service: { defaultTtlMs: -5 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field: 'service.defaultTtlMs' });
    expect(() => cardBindingModule({ logger: JSON.parse('{"info":1}') })).toThrowError(/logger/);
  });

  it('works with no provider at all, answering PROVIDER_NOT_FOUND', async () => {
    const container = new Container();
    container.load(cardBindingModule());
    await expect(
      container.get(CardBindingService).start({ provider: 'payture', customer: { id: 'c' } }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_NOT_FOUND',
    });
  });

  it('tells listeners bound by the host as well as those passed as options', async () => {
    const seen: string[] = [];
    const fromOptions: CardBindingListener = { onTransition: (e) => void seen.push(`options:${e.to}`) };
    const fromHost: CardBindingListener = { onTransition: (e) => void seen.push(`host:${e.to}`) };
    const container = new Container();
    container.load(
      cardBindingModule({ listeners: [fromOptions] }),
      new ContainerModule((load) => bindCardBindingProvider(load, 'a', () => new ScriptedProvider('a'))),
    );
    container.bind(CARD_BINDING_LISTENER).toConstantValue(fromHost);
    await container.get(CardBindingService).start({ provider: 'a', customer: { id: 'c' } });
    expect(seen.sort()).toEqual(['host:requires_action', 'options:requires_action']);
  });

  it('wraps the host logger in redaction before the service logs anything', async () => {
    const PAN = '4111111111111111';
    const lines: string[] = [];
    const log = (obj: Record<string, unknown>, msg?: string) =>
      void lines.push(`${msg} ${JSON.stringify(obj)}`);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const leaky: CardBindingListener = {
      onTransition: () => {
        throw new Error(`listener saw VWUserPsw=pw-123 and card ${PAN}`);
      },
    };
    const container = new Container();
    container.load(
      cardBindingModule({ logger, listeners: [leaky] }),
      new ContainerModule((load) =>
        bindCardBindingProvider(load, 'a', () => new ScriptedProvider('a'), {
          redaction: { dropFields: ['VWUserPsw'] },
        }),
      ),
    );
    await container.get(CardBindingService).start({ provider: 'a', customer: { id: 'c' } });
    const failure = lines.find((line) => line.includes('listener.failed'));
    expect(failure).toContain('411111******1111');
    expect(lines.join('\n')).not.toContain(PAN);
    expect(lines.join('\n')).not.toContain('pw-123');
  });
});

describe('cardBindingModule and its store', () => {
  it('refuses a store without a work queue: its transitions would lose their work', () => {
    const full = new InMemoryBindingStore();
    // A plain-JavaScript store written before background work was durable: no claimWork.
    const store: BindingStore = {
      create: (record, audit, work) => full.create(record, audit, work),
      get: (id) => full.get(id),
      update: (id, version, patch, writes) => full.update(id, version, patch, writes),
      listAudit: (id) => full.listAudit(id),
      findByIdempotencyKey: (customerId, key) => full.findByIdempotencyKey(customerId, key),
      findByLookupKey: (provider, key) => full.findByLookupKey(provider, key),
      listCards: (customerId) => full.listCards(customerId),
      getCard: (cardId) => full.getCard(cardId),
      removeCard: (cardId) => full.removeCard(cardId),
      claimWork: (input) => full.claimWork(input),
      completeWork: (id, owner, now) => full.completeWork(id, owner, now),
      retryWork: (id, owner, input) => full.retryWork(id, owner, input),
      failWork: (id, owner, input) => full.failWork(id, owner, input),
      listWork: (filter) => full.listWork(filter),
      listExpiredBindings: (now, limit) => full.listExpiredBindings(now, limit),
    };
    expect(() => cardBindingModule({ store })).not.toThrow();
    Reflect.deleteProperty(store, 'claimWork');
    expect(() => cardBindingModule({ store })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: 'store' }),
    );
  });
});
