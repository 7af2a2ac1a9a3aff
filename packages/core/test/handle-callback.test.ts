import { describe, expect, it } from 'vitest';
import { CardBindingError, type CardBindingProvider, InMemoryBindingStore } from '../src/index.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1' };
const NOTIFICATION = { method: 'POST', body: { SessionId: 's1', Event: 'AddSuccess' } };

describe('CardBindingService.handleCallback', () => {
  it('applies a verified update found through a lookup key and answers with the provider response', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.callback = async (ctx) => {
      const binding = await ctx.findBinding(ctx.request.body['SessionId'] ?? '');
      if (!binding) throw new CardBindingError('CALLBACK_REJECTED', 'unknown session');
      return {
        response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' },
        update: {
          bindingId: binding.bindingId,
          outcome: {
            status: 'succeeded',
            card: { token: 'tok', display: { maskedPan: '411111******1111' } },
          },
        },
      };
    };
    const outcome = await service.handleCallback('scripted', NOTIFICATION);
    expect(outcome.response).toEqual({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' });
    expect(outcome.error).toBeUndefined();
    expect(outcome.binding).toMatchObject({ id: started.id, status: 'succeeded' });
    expect(await service.listCards('cust-1')).toHaveLength(1);
  });

  it('answers 400 with CALLBACK_REJECTED for a malformed request, without asking the provider', async () => {
    const provider = new ScriptedProvider();
    let asked = 0;
    provider.callback = async () => {
      asked++;
      return { response: { status: 200, headers: {}, body: 'OK' } };
    };
    const { service } = containerWith([provider]);
    const outcome = await service.handleCallback('scripted', JSON.parse('{"method":"POST","body":{"a":1}}'));
    expect(outcome.response.status).toBe(400);
    expect(outcome.error?.code).toBe('CALLBACK_REJECTED');
    expect(asked).toBe(0);
  });

  it('answers 400 for an unverified callback and leaves the binding untouched', async () => {
    const provider = new ScriptedProvider();
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], { store });
    const started = await service.start({ provider: 'scripted', customer });
    provider.callback = async () => {
      throw new CardBindingError('CALLBACK_REJECTED', 'bad signature');
    };
    const outcome = await service.handleCallback('scripted', NOTIFICATION);
    expect(outcome.response).toMatchObject({ status: 400, body: 'rejected' });
    expect(outcome.error?.code).toBe('CALLBACK_REJECTED');
    expect(await service.get(started.id)).toEqual(started);
    expect((await store.get(started.id))?.version).toBe(0);
  });

  it('answers 503 (so the provider retries) when the provider crashes, and 400 for an update naming a foreign binding', async () => {
    const provider = new ScriptedProvider();
    const other = new ScriptedProvider('other');
    const { service } = containerWith([provider, other]);
    const foreign = await service.start({ provider: 'other', customer });
    provider.callback = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    const crashed = await service.handleCallback('scripted', NOTIFICATION);
    expect(crashed.response).toMatchObject({ status: 503, body: 'try again later' });
    expect(crashed.error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });

    provider.callback = async () => ({
      response: { status: 200, headers: {}, body: 'OK' },
      update: {
        bindingId: foreign.id,
        outcome: { status: 'failed', error: new CardBindingError('CARD_DECLINED', 'no') },
      },
    });
    const misdirected = await service.handleCallback('scripted', NOTIFICATION);
    expect(misdirected.response.status).toBe(400);
    expect(misdirected.error?.code).toBe('CALLBACK_REJECTED');
    expect((await service.get(foreign.id)).status).toBe('requires_action');
  });

  it('answers 503 with STORE_UNAVAILABLE when the store fails, so the provider sends the callback again', async () => {
    const provider = new ScriptedProvider();
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], { store });
    await service.start({ provider: 'scripted', customer });
    provider.callback = async (ctx) => {
      await ctx.findBinding('s1');
      return { response: { status: 200, headers: {}, body: 'OK' } };
    };
    store.findByLookupKey = async () => {
      throw new Error('connection terminated unexpectedly');
    };
    const outcome = await service.handleCallback('scripted', NOTIFICATION);
    expect(outcome.response).toMatchObject({ status: 503, body: 'try again later' });
    expect(outcome.error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
  });

  it('answers 404 for an unknown provider id or a provider that takes no callbacks, never throwing', async () => {
    const { service } = containerWith([new ScriptedProvider()]);
    const unknown = await service.handleCallback('nope', NOTIFICATION);
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe('PROVIDER_NOT_FOUND');

    const scripted = new ScriptedProvider();
    const silent: CardBindingProvider = { id: 'silent', init: () => scripted.init() };
    const { service: withSilent } = containerWith([silent]);
    const none = await withSilent.handleCallback('silent', NOTIFICATION);
    expect(none.response.status).toBe(404);
    expect(none.error?.code).toBe('CALLBACK_REJECTED');
  });
});

describe('a callback that raced another request', () => {
  it('asks the provider once more when the binding moved while the callback was judged and it is still open', async () => {
    const provider = new ScriptedProvider();
    const store = new InMemoryBindingStore();
    const { service } = containerWith([provider], { store });
    const started = await service.start({ provider: 'scripted', customer });
    provider.callback = async (ctx) => {
      const found = await ctx.findBinding('s1');
      if (!found) throw new CardBindingError('CALLBACK_REJECTED', 'unknown session');
      // Meanwhile another request (a 3-D Secure return) stores what this callback would have needed.
      await service.finalise(started.id);
      return {
        response: { status: 200, headers: {}, body: 'OK' },
        update: { bindingId: found.bindingId, outcome: { status: 'pending', processing: true } },
      };
    };
    // The return (finalise) finds nothing yet; asked again (checkOrder), the provider has the card.
    provider.finalise = async () => ({ status: 'pending', providerRef: { anchorStored: true } });
    provider.succeedWith('tok-after-race');
    const outcome = await service.handleCallback('scripted', NOTIFICATION);
    expect(outcome.binding?.status).toBe('processing');
    await service.settled();
    expect(provider.calls.checkOrder).toBe(1);
    expect((await service.get(started.id)).status).toBe('succeeded');
  });

  it('asks nothing more when nobody moved the binding in between', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.callback = async (ctx) => {
      const found = await ctx.findBinding('s1');
      if (!found) throw new CardBindingError('CALLBACK_REJECTED', 'unknown session');
      return {
        response: { status: 200, headers: {}, body: 'OK' },
        update: { bindingId: found.bindingId, outcome: { status: 'pending', processing: true } },
      };
    };
    await service.handleCallback('scripted', NOTIFICATION);
    await service.settled();
    expect(provider.calls.checkOrder).toBe(0);
    expect((await service.get(started.id)).status).toBe('processing');
  });
});
