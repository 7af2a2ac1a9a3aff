import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CardBindingError } from '../src/index.js';
import { containerWith } from './container.js';
import { ScriptedProvider } from './scripted-provider.js';

const customer = { id: 'cust-1' };

describe('what a provider may answer', () => {
  it('refuses a later outcome that sets expiresAt, naming the field, and leaves the binding as it was', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.next = async () =>
      // Only init may set the deadline: a later answer that tries is a provider bug, not silently dropped.
      JSON.parse(
        JSON.stringify({
          status: 'requires_action',
          action: { type: 'redirect', url: 'https://pay.example.test/again', method: 'GET' },
          expiresAt: '2030-01-01T00:00:00Z',
        }),
      );
    await expect(service.checkOrder(started.id)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: false,
      message: expect.stringContaining('unexpected expiresAt'),
    });
    expect(await service.get(started.id)).toEqual(started);
  });

  it('lets a later outcome add lookup keys, so a webhook naming an object created after init finds the binding', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.next = async () => ({ status: 'pending', processing: true, lookupKeys: ['pi_123'] });
    await service.finalise(started.id);
    provider.callback = async (ctx) => {
      const found = await ctx.findBinding('pi_123');
      if (!found) throw new CardBindingError('CALLBACK_REJECTED', 'unknown payment intent');
      return {
        response: { status: 200, headers: {}, body: 'ok' },
        update: {
          bindingId: found.bindingId,
          outcome: {
            status: 'succeeded',
            card: { token: 'tok', display: { maskedPan: '424242******4242' } },
          },
        },
      };
    };
    const outcome = await service.handleCallback('scripted', { method: 'POST' });
    expect(outcome.binding).toMatchObject({ id: started.id, status: 'succeeded' });
  });

  it("turns the gateway's own expiry into an expired binding with the gateway's code", async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    const started = await service.start({ provider: 'scripted', customer });
    provider.next = async () => ({
      status: 'expired',
      error: new CardBindingError('BINDING_EXPIRED', 'The setup session expired at the gateway', {
        providerCode: 'session_expired',
      }),
    });
    const done = await service.checkOrder(started.id);
    expect(done.status).toBe('expired');
    expect(done.failure).toMatchObject({ code: 'BINDING_EXPIRED', providerCode: 'session_expired' });
  });
});

describe('what a callback carries and answers', () => {
  it('hands the provider the raw body and lower-cased headers, so it can check an HMAC over the body', async () => {
    const secret = 'whsec_test';
    const raw = '{"type":"setup.succeeded","id":"evt_1","amount":1.50}';
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    let verified = false;
    provider.callback = async ({ request }) => {
      const expected = createHmac('sha256', secret)
        .update(request.rawBody ?? '')
        .digest('hex');
      verified = request.headers['x-signature'] === expected;
      if (!verified) throw new CardBindingError('CALLBACK_REJECTED', 'bad signature');
      return { response: { status: 200, headers: {}, body: 'ok' } };
    };
    const signature = createHmac('sha256', secret).update(raw).digest('hex');
    const outcome = await service.handleCallback('scripted', {
      method: 'POST',
      headers: { 'X-Signature': signature, 'Content-Type': 'application/json' },
      rawBody: raw,
    });
    expect(outcome.response.status).toBe(200);
    expect(verified).toBe(true);
    const bytes = await service.handleCallback('scripted', {
      method: 'POST',
      headers: { 'X-SIGNATURE': signature },
      rawBody: new TextEncoder().encode(raw),
    });
    // Bytes, exactly as read off the socket, are a raw body too, under any header case.
    expect(bytes.response.status).toBe(200);
  });

  it('validates the callback response like outcomes: a malformed one answers 503, never crashes the host', async () => {
    const provider = new ScriptedProvider();
    const { service } = containerWith([provider]);
    provider.callback = async () => JSON.parse('{"response":{"status":"200","headers":{},"body":"ok"}}');
    const outcome = await service.handleCallback('scripted', { method: 'POST' });
    expect(outcome.response.status).toBe(503);
    expect(outcome.error).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringContaining('callback response'),
    });
  });
});
