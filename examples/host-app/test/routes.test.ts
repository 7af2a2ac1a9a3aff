import { fillFormParams, FormAction, toUrlSearchParams } from '@cardbind/core/client';
import { TEST_CARDS } from '@cardbind/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { SessionClaims } from '../src/http/session-cookie.js';
import { BindingEnvelope, CardsEnvelope, ErrorBody } from '../src/shared/api-types.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// Real HTTP against a real listening host app on the emulators. Time for sessions and the start
// limit is a hand-moved clock, so the rate-limit window can pass without waiting.
let host: TestHost;
let now = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  host = await startTestHost(
    { START_RATE_LIMIT: '5' },
    { script: await bundleBrowserScript(), now: () => now },
  );
}, 60_000);

afterAll(async () => {
  await host?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function call(
  path: string,
  init: {
    method?: string;
    cookie?: string;
    json?: unknown;
    /** A raw urlencoded body, sent with its content type. */
    form?: string;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(new URL(path, host.url), {
    method: init.method ?? 'GET',
    headers,
    redirect: 'manual',
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.form === undefined ? {} : { body: init.form }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

async function logIn(customer: string): Promise<string> {
  const answer = await call('/api/session', { method: 'POST', json: { customer } });
  expect(answer.status).toBe(200);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

function errorOf(answer: Answer): { code: string; message: string } {
  return ErrorBody.parse(answer.json).error;
}

/** What the page does for PayOnline, without a browser: start, post the card to the emulator, report. */
async function bindPayOnlineCard(cookie: string): Promise<string> {
  const started = BindingEnvelope.parse(
    (await call('/api/bindings', { method: 'POST', cookie, json: { provider: 'payonline' } })).json,
  );
  const action = FormAction.parse(started.binding.nextAction);
  const card = TEST_CARDS.success;
  const filled = fillFormParams(action, {
    number: card.number,
    expires: card.expires,
    cvv: card.cvv,
    name: card.holder,
    mail: 'customer@example.com',
    country: 'RU',
  });
  const emulator = host.demo.providers.payonline;
  if (!emulator) throw new Error('the PayOnline emulator is not running');
  await emulator.submitCard(Object.fromEntries(toUrlSearchParams(filled)));
  await emulator.callbacksSettled();
  const status = BindingEnvelope.parse((await call(`/api/bindings/${started.binding.id}`, { cookie })).json);
  expect(status.binding.status).toBe('succeeded');
  const cardId = status.binding.card?.id;
  if (cardId === undefined) throw new Error('no card was saved');
  return started.binding.id;
}

describe('customer authentication', () => {
  it('answers 401 JSON without a session, with a forged one and with an expired one', async () => {
    const anonymous = await call('/api/cards');
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous)).toEqual({ code: 'UNAUTHENTICATED', message: 'Log in first' });

    const cookie = await logIn('mallory');
    const [name, value = ''] = cookie.split('=');
    const [keyId = '', payload = '', signature = ''] = value.split('.');
    const claims = SessionClaims.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    const otherCustomer = Buffer.from(
      JSON.stringify({ ...claims, customerId: 'alice', expiresAt: now + 60_000 }),
    ).toString('base64url');
    for (const forged of [
      `${keyId}.${otherCustomer}.${signature}`,
      `${keyId}.${payload}.${signature.slice(1)}x`,
      `${keyId}.${payload}`,
      `${payload}.${signature}`,
    ]) {
      const answer = await call('/api/cards', { cookie: `${name}=${forged}` });
      expect(answer.status).toBe(401);
    }
    expect((await call('/api/cards', { cookie })).status).toBe(200);

    now += 9 * 60 * 60_000; // past the 8-hour session
    expect((await call('/api/cards', { cookie })).status).toBe(401);
  });

  it('answers "nobody" (200, customerId null) to who-is-logged-in, so a first visit logs no 401', async () => {
    const anonymous = await call('/api/session');
    expect({ status: anonymous.status, json: anonymous.json }).toEqual({
      status: 200,
      json: { customerId: null },
    });
    const forged = await call('/api/session', { cookie: 'cardbind_demo_session=main.e30.x' });
    expect(forged.json).toEqual({ customerId: null });
    const cookie = await logIn('nina');
    expect((await call('/api/session', { cookie })).json).toEqual({ customerId: 'nina' });
  });

  it('sets an HttpOnly, SameSite=Lax session cookie and clears it on logout', async () => {
    const answer = await call('/api/session', { method: 'POST', json: { customer: 'carol' } });
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';
    const logout = await call('/api/session', { method: 'DELETE', cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
  });
});

describe('every route is scoped to the logged-in customer', () => {
  it("another customer's binding and card answer exactly like missing ones", async () => {
    const alice = await logIn('alice');
    const bob = await logIn('bob');
    const bindingId = await bindPayOnlineCard(alice);
    const aliceCards = CardsEnvelope.parse((await call('/api/cards', { cookie: alice })).json).cards;
    expect(aliceCards).toHaveLength(1);
    const [card] = aliceCards;
    expect(card?.maskedPan).not.toContain(TEST_CARDS.success.number);
    expect(JSON.stringify(aliceCards)).not.toMatch(/token|rebill/i);

    const foreign = await call(`/api/bindings/${bindingId}`, { cookie: bob });
    const missing = await call('/api/bindings/bnd_doesnotexist', { cookie: bob });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(missing.json);
    expect(errorOf(foreign).code).toBe('BINDING_NOT_FOUND');

    const report = await call(`/api/bindings/${bindingId}/report`, {
      method: 'POST',
      cookie: bob,
      json: { transactionId: '1' },
    });
    expect(report.status).toBe(404);

    const remove = await call(`/api/cards/${card?.id}`, { method: 'DELETE', cookie: bob });
    const removeMissing = await call('/api/cards/card_doesnotexist', { method: 'DELETE', cookie: bob });
    expect(remove.status).toBe(404);
    expect(remove.json).toEqual(removeMissing.json);
    expect(CardsEnvelope.parse((await call('/api/cards', { cookie: bob })).json).cards).toEqual([]);
    expect(CardsEnvelope.parse((await call('/api/cards', { cookie: alice })).json).cards).toHaveLength(1);

    expect((await call(`/api/cards/${card?.id}`, { method: 'DELETE', cookie: alice })).status).toBe(204);
    expect(CardsEnvelope.parse((await call('/api/cards', { cookie: alice })).json).cards).toEqual([]);
  });
});

describe('starting bindings is rate-limited per customer', () => {
  it('answers 429 JSON with Retry-After after 5 starts a minute, for that customer only', async () => {
    const dave = await logIn('dave');
    const erin = await logIn('erin');
    const start = (cookie: string) =>
      call('/api/bindings', { method: 'POST', cookie, json: { provider: 'payonline' } });
    for (let attempt = 0; attempt < 5; attempt++) expect((await start(dave)).status).toBe(201);

    const limited = await start(dave);
    expect(limited.status).toBe(429);
    expect(errorOf(limited).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await start(erin)).status).toBe(201);

    now += 60_001;
    expect((await start(dave)).status).toBe(201);
  });

  it('does not count a request it refuses before starting anything', async () => {
    const frank = await logIn('frank');
    for (let attempt = 0; attempt < 7; attempt++) {
      const answer = await call('/api/bindings', {
        method: 'POST',
        cookie: frank,
        json: { provider: 'nope' },
      });
      expect(answer.status).toBe(400);
    }
    expect(
      (await call('/api/bindings', { method: 'POST', cookie: frank, json: { provider: 'payture' } })).status,
    ).toBe(201);
  });
});

describe('errors are JSON with a code, never a stack trace', () => {
  const noInternals = (answer: Answer) => {
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d|stack/i);
  };

  it('maps bad requests, unknown routes, foreign origins and unsupported bodies', async () => {
    const cookie = await logIn('grace');
    const cases: [Answer, number, string][] = [
      [await call('/no/such/route'), 404, 'NOT_FOUND'],
      [
        await call('/api/bindings', {
          method: 'POST',
          cookie,
          body: '{"provider":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'BAD_REQUEST',
      ],
      [await call('/api/bindings', { method: 'POST', cookie, form: 'provider=payture' }), 415, 'BAD_REQUEST'],
      [
        await call('/api/bindings', {
          method: 'POST',
          cookie,
          json: { provider: 'payture' },
          headers: { origin: 'http://evil.example' },
        }),
        403,
        'FORBIDDEN',
      ],
      [await call('/api/bindings', { method: 'POST', cookie, json: {} }), 400, 'BAD_REQUEST'],
      [await call('/callbacks/nope', { method: 'POST', form: 'a=1' }), 404, 'NOT_FOUND'],
      [await call('/api/session', { method: 'POST', json: { customer: '<script>' } }), 400, 'BAD_REQUEST'],
    ];
    for (const [answer, status, code] of cases) {
      expect({ status: answer.status, code: errorOf(answer).code }).toEqual({ status, code });
      noInternals(answer);
    }
  });

  it('hands the provider’s own answer back on its callback routes', async () => {
    const threeDs = await call('/payonline/3ds?order=cb-bnd_unknown', {
      method: 'POST',
      form: 'PaRes=AAAA&MD=1%3BAAAA',
    });
    expect(threeDs.status).toBe(400);
    expect(threeDs.text).toBe('rejected');
    const notification = await call('/callbacks/payture', {
      method: 'POST',
      form: 'Notification=CustomerAddSuccess&SessionId=unknown',
    });
    expect({ status: notification.status, text: notification.text }).toEqual({ status: 200, text: 'OK' });
  });
});

describe('the page', () => {
  it('is served with a strict Content-Security-Policy and the usual hardening headers', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${host.demo.providers.payonline?.baseUrl}`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const script = await call('/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await call('/assets/..%2Fsrc%2Fmain.ts')).status).toBe(404);
  });
});
