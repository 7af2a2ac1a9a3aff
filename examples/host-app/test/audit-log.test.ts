import { FormAction, RedirectAction } from '@cardbind/core/client';
import { TEST_CARDS } from '@cardbind/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { BindingEnvelope } from '../src/shared/api-types.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// The app exactly as a team runs it: no LOG_LEVEL, so whatever the example logs by default is what an
// operator has when a customer or a provider disputes what happened. Real HTTP, so the source address
// is the socket's.
let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({ LOG_LEVEL: undefined }, { script: await bundleBrowserScript() });
}, 60_000);

afterAll(async () => {
  await host?.close();
});

async function logIn(customer: string): Promise<string> {
  const login = await post('/api/session', JSON.stringify({ customer }), 'application/json');
  return (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** Starts a Payture binding and types the card on the emulator's Add page; answers where it sends back. */
async function addPaytureCard(cookie: string): Promise<{ bindingId: string; returnUrl: string }> {
  const started = await post('/api/bindings', '{"provider":"payture"}', 'application/json', cookie);
  const { binding } = BindingEnvelope.parse(await started.json());
  const sessionId = new URL(RedirectAction.parse(binding.nextAction).url).searchParams.get('SessionId');
  const emulator = host.demo.providers.payture;
  if (!emulator || sessionId === null) throw new Error('no Payture emulator session');
  const page = await emulator.completeAddSession(sessionId, { number: TEST_CARDS.success.number });
  if (page.location === undefined) throw new Error('the Add page did not send the customer back');
  return { bindingId: binding.id, returnUrl: page.location };
}

function transitionsOf(bindingId: string): Record<string, unknown>[] {
  return host.logs
    .records()
    .filter((record) => record.event === 'binding.transition' && record.bindingId === bindingId);
}

async function post(path: string, body: string, contentType: string, cookie?: string): Promise<Response> {
  return fetch(new URL(path, host.url), {
    method: 'POST',
    headers: { 'content-type': contentType, ...(cookie === undefined ? {} : { cookie }) },
    body,
  });
}

describe('the audit trail at the default log level', () => {
  it('writes each transition and each rejected callback with the request id and source address', async () => {
    const cookie = await logIn('audited');
    const started = await post('/api/bindings', '{"provider":"payonline"}', 'application/json', cookie);
    expect(started.status).toBe(201);
    const startRequestId = started.headers.get('x-request-id');
    expect(startRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const { binding } = BindingEnvelope.parse(await started.json());
    const orderId = FormAction.parse(binding.nextAction).params.find((param) => param.name === 'OrderId');

    // A callback for that order with a SecurityKey nobody signed: what a forger sends.
    const forged = await post(
      '/callbacks/payonline',
      new URLSearchParams({
        DateTime: '2026-01-01 00:00:00',
        TransactionID: '1',
        OrderId: orderId?.value ?? '',
        Amount: '1.00',
        Currency: 'RUB',
        SecurityKey: '0'.repeat(32),
        RebillAnchor: 'forged-anchor',
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(forged.status).toBe(400);
    const callbackRequestId = forged.headers.get('x-request-id');
    expect(callbackRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(callbackRequestId).not.toBe(startRequestId);

    const records = host.logs.records();
    expect(records).toContainEqual(
      expect.objectContaining({
        event: 'binding.transition',
        bindingId: binding.id,
        provider: 'payonline',
        from: null,
        to: 'requires_action',
        requestId: startRequestId,
        sourceAddress: '127.0.0.1',
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        event: 'callback.rejected',
        provider: 'payonline',
        code: 'CALLBACK_REJECTED',
        requestId: callbackRequestId,
        sourceAddress: '127.0.0.1',
      }),
    );
    // The session cookie is a bearer credential: never on the record, at any level shown.
    expect(host.logs.text()).not.toContain(cookie.split('=')[1]);
  });

  it('names the request behind a transition made on the return and one made by a poll', async () => {
    // Notifications off: the transitions below can only come from the return and the poll.
    host.demo.providers.payture?.setNotificationUrl(undefined);

    const returningCookie = await logIn('returning');
    const returned = await addPaytureCard(returningCookie);
    const back = await fetch(returned.returnUrl, {
      headers: { cookie: returningCookie },
      redirect: 'manual',
    });
    expect(back.status).toBe(303);

    const pollingCookie = await logIn('polling');
    const polled = await addPaytureCard(pollingCookie);
    const poll = await fetch(new URL(`/api/bindings/${polled.bindingId}`, host.url), {
      headers: { cookie: pollingCookie },
    });
    expect(BindingEnvelope.parse(await poll.json()).binding.status).toBe('succeeded');

    const cases: [string, Response][] = [
      [returned.bindingId, back],
      [polled.bindingId, poll],
    ];
    for (const [bindingId, answer] of cases) {
      expect(transitionsOf(bindingId).at(-1)).toMatchObject({
        to: 'succeeded',
        requestId: answer.headers.get('x-request-id'),
        sourceAddress: '127.0.0.1',
      });
    }
  });
});
