import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@cardbind/testing';
import {
  ADD_FORM_FIELDS,
  PAYTURE_MAGIC_CARDS,
  readFields,
  startHttpServer,
  startPaytureEmulator,
  type PaytureEmulator,
  type PaytureEmulatorOptions,
  type RunningServer,
} from '../src/index.js';

const LOGIN = 'customer-7';
const PASSWORD = 'password-7';

/** DATA as Payture's own sample builds it: values percent-encoded, joined with `;`. */
function data(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(';');
}

const ATTRIBUTE = /([A-Za-z]+)="([^"]*)"/g;

function attributes(tag: string): Record<string, string> {
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries(
    [...tag.matchAll(ATTRIBUTE)].map(([, name = '', value = '']) => [name, unescape(value)]),
  );
}

/** The root element's attributes and its Items' (the emulator's answers are attribute-only XML). */
function readXml(command: string, body: string): Record<string, unknown> {
  const root = new RegExp(`^<${command}\\b([^>]*?)\\s*/?>`).exec(body);
  if (!root) return {};
  const items = [...body.matchAll(/<Item\b([^>]*?)\s*\/?>/g)].map(([, tag = '']) => attributes(tag));
  return { ...attributes(root[1] ?? ''), ...(items.length > 0 ? { Item: items } : {}) };
}

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  root: Record<string, unknown>;
}

let emulator: PaytureEmulator;
const servers: RunningServer[] = [];

afterEach(async () => {
  await emulator.close();
  for (const server of servers.splice(0)) await server.close();
});

async function start(options: PaytureEmulatorOptions = {}): Promise<PaytureEmulator> {
  emulator = await startPaytureEmulator(options);
  return emulator;
}

/** Sends a vwapi command; `encode` chooses Payture's twice-encoded form or the once-encoded one. */
async function call(
  command: string,
  fields: Record<string, string>,
  { vwid = emulator.addTerminal, encode = 'twice' }: { vwid?: string; encode?: 'twice' | 'once' } = {},
): Promise<Answer> {
  const DATA =
    encode === 'twice'
      ? data(fields)
      : Object.entries(fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(';');
  const response = await fetch(`${emulator.baseUrl}/vwapi/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ VWID: vwid, DATA }).toString(),
  });
  const body = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    root: readXml(command, body),
  };
}

async function registered(): Promise<void> {
  const answer = await call('Register', {
    VWUserLgn: LOGIN,
    VWUserPsw: PASSWORD,
    PhoneNumber: '79001234567',
  });
  expect(answer.root['Success']).toBe('True');
}

async function init(extra: Record<string, string> = {}): Promise<string> {
  const answer = await call('Init', {
    SessionType: 'Add',
    VWUserLgn: LOGIN,
    VWUserPsw: PASSWORD,
    IP: '203.0.113.7',
    Url: 'https://shop.example.test/return?binding=b1&orderid={orderid}&success={success}',
    ...extra,
  });
  expect(answer.root['Success']).toBe('True');
  const sessionId = answer.root['SessionId'];
  if (typeof sessionId !== 'string') throw new Error('no SessionId');
  return sessionId;
}

function items(answer: Answer): Record<string, unknown>[] {
  const list = answer.root['Item'];
  return Array.isArray(list)
    ? list.map((item: unknown) =>
        typeof item === 'object' && item !== null ? Object.fromEntries(Object.entries(item)) : {},
      )
    : [];
}

describe('Payture emulator: vwapi commands', () => {
  it('answers text/xml with one element named after the command', async () => {
    await start();
    const answer = await call('Register', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml; charset=utf-8');
    expect(answer.body).toBe(`<Register Success="True" VWUserLgn="${LOGIN}" />`);
  });

  it('reads DATA twice-encoded (Payture sample) and once-encoded alike, Url with = and & intact', async () => {
    await start();
    await registered();
    const url = 'https://shop.example.test/r?a=1&b=2&orderid={orderid}&success={success}';
    for (const encode of ['twice', 'once'] as const) {
      const answer = await call(
        'Init',
        { SessionType: 'Add', VWUserLgn: LOGIN, VWUserPsw: PASSWORD, IP: '10.0.0.1', Url: url },
        { encode },
      );
      expect(answer.root['Success']).toBe('True');
      const sessionId = String(answer.root['SessionId']);
      expect(emulator.sessions.get(sessionId)?.url).toBe(url);
    }
    expect(emulator.requests.filter((r) => r.command === 'Init').map((r) => r.data['Url'])).toEqual([
      url,
      url,
    ]);
  });

  it('refuses a VWID other than the Add terminal', async () => {
    await start({ addTerminal: 'ShopAdd' });
    const answer = await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }, { vwid: 'ShopPay' });
    expect(answer.body).toBe('<Check Success="False" ErrCode="ACCESS_DENIED" />');
  });

  it('Register, Check, duplicate and wrong password, in both ErrCode generations', async () => {
    await start();
    expect((await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD })).root['ErrCode']).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    await registered();
    expect((await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD })).root['Success']).toBe('True');
    expect((await call('Check', { VWUserLgn: LOGIN, VWUserPsw: 'other' })).root['ErrCode']).toBe(
      'ACCESS_DENIED',
    );
    expect((await call('Register', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD })).root['ErrCode']).toBe(
      'DUPLICATE_CUSTOMER',
    );
    await emulator.close();

    await start({ legacyErrorCodes: true });
    expect((await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD })).root['ErrCode']).toBe(
      'USER_NOT_FOUND',
    );
    await registered();
    expect((await call('Register', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD })).root['ErrCode']).toBe(
      'DUPLICATE_USER',
    );
  });

  it('refuses logins and passwords over 50 characters', async () => {
    await start();
    const answer = await call('Register', { VWUserLgn: 'x'.repeat(51), VWUserPsw: PASSWORD });
    expect(answer.root['ErrCode']).toBe('WRONG_PARAMS');
  });

  it('Init returns SessionId, SessionLifeTime, AttemptsCount, OrderId and Amount; a used OrderId is refused', async () => {
    await start({ sessionLifetimeMinutes: 30, attemptsCount: 3 });
    await registered();
    const answer = await call('Init', {
      SessionType: 'Add',
      VWUserLgn: LOGIN,
      VWUserPsw: PASSWORD,
      IP: '10.0.0.1',
      OrderId: 'order-1',
      Amount: '1000',
    });
    expect(answer.root).toMatchObject({
      Success: 'True',
      OrderId: 'order-1',
      Amount: '1000',
      SessionType: 'Add',
      SessionLifeTime: '30',
      AttemptsCount: '3',
    });
    expect(answer.root['SessionId']).toMatch(/^[0-9a-f-]{36}$/);
    const again = await call('Init', {
      SessionType: 'Add',
      VWUserLgn: LOGIN,
      VWUserPsw: PASSWORD,
      IP: '10.0.0.1',
      OrderId: 'order-1',
    });
    expect(again.root['ErrCode']).toBe('DUPLICATE_ORDER_ID');
    expect((await call('GetState', { OrderId: 'order-1' })).root).toMatchObject({
      Success: 'True',
      State: 'New',
      Amount: '1000',
    });
    expect((await call('GetState', { OrderId: 'nope' })).root['ErrCode']).toBe('ORDER_NOT_FOUND');
  });

  it('GetList lists zero, one and many cards with Payture attributes; Remove and Activate work', async () => {
    await start();
    await registered();
    expect(items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }))).toEqual([]);
    const first = emulator.customers.addCard(LOGIN, {
      number: PAYTURE_MAGIC_CARDS.success.number,
      holder: 'IVAN IVANOV',
    });
    const one = items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }));
    expect(one).toEqual([
      expect.objectContaining({
        CardName: '411111xxxxxx1111',
        CardId: first,
        CardHolder: 'IVAN IVANOV',
        Status: 'IsActive',
        NoCVV: 'false',
        Expired: 'false',
        ExpMonth: '12',
        ExpYear: '2030',
        PaymentSystem: 'Visa',
      }),
    ]);
    const inactive = emulator.customers.addCard(LOGIN, {
      number: PAYTURE_MAGIC_CARDS.needsActivation.number,
    });
    emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.noCvv.number });
    const many = items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }));
    expect(many.map((item) => [item['Status'], item['NoCVV']])).toEqual([
      ['IsActive', 'false'],
      ['NotActive', 'false'],
      ['IsActive', 'true'],
    ]);

    expect(
      (await call('Activate', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD, CardId: inactive, Amount: '101' }))
        .root['Success'],
    ).toBe('True');
    expect(emulator.customers.get(LOGIN)?.cards.find((card) => card.cardId === inactive)?.status).toBe(
      'IsActive',
    );
    expect(
      (await call('Remove', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD, CardId: first })).root,
    ).toMatchObject({ Success: 'True', CardId: first });
    expect(
      (await call('Remove', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD, CardId: first })).root['ErrCode'],
    ).toBe('CARD_NOT_FOUND');
    expect(items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }))).toHaveLength(2);
  });

  it('Delete wants the terminal password and removes the customer with their cards', async () => {
    await start({ terminalPassword: 'tp' });
    await registered();
    expect((await call('Delete', { VWUserLgn: LOGIN, Password: 'wrong' })).root['ErrCode']).toBe(
      'ACCESS_DENIED',
    );
    expect((await call('Delete', { VWUserLgn: LOGIN, Password: 'tp' })).root['Success']).toBe('True');
    expect(emulator.customers.get(LOGIN)).toBeUndefined();
  });

  it('logs every request by command name', async () => {
    await start();
    await registered();
    await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD });
    await call('Check', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD });
    expect(emulator.count('Register')).toBe(1);
    expect(emulator.count('Check')).toBe(2);
    expect(emulator.requests.map((request) => request.command)).toEqual(['Register', 'Check', 'Check']);
  });
});

describe('Payture emulator: the hosted Add page', () => {
  it('serves a real HTML form with card number, expiry, holder and CVV posting back to itself', async () => {
    await start();
    await registered();
    const sessionId = await init();
    const response = await fetch(emulator.addPageUrl(sessionId));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('<form method="POST" action="/vwapi/Add"');
    for (const name of Object.values(ADD_FORM_FIELDS)) expect(html).toContain(`name="${name}"`);
    expect(html).toContain(`value="${sessionId}"`);
  });

  it('stores the card and redirects to the session Url with {orderid} and {success} filled', async () => {
    await start();
    await registered();
    const sessionId = await init({ OrderId: 'order-9', Amount: '1000' });
    const result = await emulator.completeAddSession(sessionId, {
      number: PAYTURE_MAGIC_CARDS.success.number,
    });
    expect(result.status).toBe(302);
    expect(result.location).toBe('https://shop.example.test/return?binding=b1&orderid=order-9&success=True');
    const card = emulator.customers.get(LOGIN)?.cards[0];
    expect(card).toMatchObject({
      cardName: '411111xxxxxx1111',
      status: 'IsActive',
      noCvv: false,
      expired: false,
    });
    expect(card?.cardId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.sessions.get(sessionId)).toMatchObject({ state: 'completed', cardId: card?.cardId });
    expect((await call('GetState', { OrderId: 'order-9' })).root['State']).toBe('Voided');
    // The session is over: the page is refused.
    expect((await fetch(emulator.addPageUrl(sessionId))).status).toBe(410);
  });

  it('the same number twice stays one card with the same CardId', async () => {
    await start();
    await registered();
    const first = await init();
    await emulator.completeAddSession(first, { number: PAYTURE_MAGIC_CARDS.success.number });
    const second = await init();
    await emulator.completeAddSession(second, { number: PAYTURE_MAGIC_CARDS.success.number });
    const cards = emulator.customers.get(LOGIN)?.cards;
    expect(cards).toHaveLength(1);
    expect(emulator.sessions.get(first)?.cardId).toBe(cards?.[0]?.cardId);
    expect(emulator.sessions.get(second)?.cardId).toBe(cards?.[0]?.cardId);
  });

  it.each([
    ['needsActivation', { status: 'NotActive', noCvv: false, expired: false }],
    ['noCvv', { status: 'IsActive', noCvv: true, expired: false }],
    ['expired', { status: 'IsActive', noCvv: false, expired: true }],
  ] as const)('magic card %s is stored with its flags', async (name, flags) => {
    await start();
    await registered();
    const result = await emulator.completeAddSession(await init(), {
      number: PAYTURE_MAGIC_CARDS[name].number,
    });
    expect(result.location).toContain('success=True');
    expect(emulator.customers.get(LOGIN)?.cards[0]).toMatchObject(flags);
  });

  it.each([
    ['decline', 'ISSUER_BLOCKED_CARD'],
    ['insufficientFunds', 'AMOUNT_EXCEED'],
    ['fraud', 'FRAUD_ERROR'],
  ] as const)('magic card %s is declined with %s: not stored, success=False', async (name, errCode) => {
    await start();
    await registered();
    const sessionId = await init({ OrderId: `o-${name}`, Amount: '1000' });
    const result = await emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS[name].number });
    expect(result.status).toBe(302);
    expect(result.location).toBe(
      `https://shop.example.test/return?binding=b1&orderid=o-${name}&success=False`,
    );
    expect(emulator.customers.get(LOGIN)?.cards).toEqual([]);
    expect(emulator.sessions.get(sessionId)).toMatchObject({ state: 'failed', errCode });
    expect((await call('GetState', { OrderId: `o-${name}` })).root['State']).toBe('Rejected');
  });

  it('a past expiry date is declined with CARD_EXPIRED', async () => {
    await start();
    await registered();
    const sessionId = await init();
    const result = await emulator.completeAddSession(sessionId, {
      number: PAYTURE_MAGIC_CARDS.success.number,
      expiry: '01/20',
    });
    expect(result.location).toContain('success=False');
    expect(emulator.sessions.get(sessionId)?.errCode).toBe('CARD_EXPIRED');
  });

  it('wrong card data shows the form again and costs an attempt; out of attempts ends the session', async () => {
    await start({ attemptsCount: 2 });
    await registered();
    const sessionId = await init({ Language: 'EN' });
    const first = await emulator.completeAddSession(sessionId, { number: '4111111111111112' });
    expect(first.status).toBe(200);
    expect(first.body).toContain('WRONG_PAN');
    // The form shown again keeps the session's language.
    expect(first.body).toContain('<html lang="en">');
    expect(first.body).toContain('Attempts left: 1');
    const second = await emulator.completeAddSession(sessionId, {
      number: PAYTURE_MAGIC_CARDS.success.number,
      cvv: '1',
    });
    expect(second.location).toContain('success=False');
    expect(emulator.sessions.get(sessionId)).toMatchObject({
      state: 'failed',
      errCode: 'LIMIT_EXCHAUST',
      attemptsUsed: 2,
    });
    expect((await fetch(emulator.addPageUrl(sessionId))).status).toBe(410);
  });

  it('a session past its lifetime is refused', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    await start({ clock, sessionLifetimeMinutes: 60 });
    await registered();
    const sessionId = await init();
    await clock.advance(59 * 60_000);
    expect((await fetch(emulator.addPageUrl(sessionId))).status).toBe(200);
    await clock.advance(60_000);
    const result = await emulator.completeAddSession(sessionId, {
      number: PAYTURE_MAGIC_CARDS.success.number,
    });
    expect(result.status).toBe(410);
    expect(emulator.sessions.get(sessionId)).toMatchObject({ state: 'failed', errCode: 'ORDER_TIME_OUT' });
    expect(emulator.customers.get(LOGIN)?.cards).toEqual([]);
  });

  it('the slow-close card returns success=True before it appears in GetList', async () => {
    await start({ slowCloseMs: 60_000 });
    await registered();
    const result = await emulator.completeAddSession(await init(), {
      number: PAYTURE_MAGIC_CARDS.slowClose.number,
    });
    expect(result.location).toContain('success=True');
    expect(items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }))).toEqual([]);
    emulator.settleSlowCards();
    expect(items(await call('GetList', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD }))).toHaveLength(1);
  });

  it('an unknown session is 404', async () => {
    await start();
    expect((await fetch(emulator.addPageUrl('00000000-0000-0000-0000-000000000000'))).status).toBe(404);
  });
});

describe('Payture emulator: notifications', () => {
  async function receiver(answer: (count: number) => number) {
    const received: Record<string, string>[] = [];
    const server = await startHttpServer(async (req, res) => {
      const { fields } = await readFields(req);
      received.push(fields);
      res.writeHead(answer(received.length), { 'content-type': 'text/plain' }).end('OK');
    });
    servers.push(server);
    return { received, url: `${server.baseUrl}/notify` };
  }

  it('posts CustomerAddSuccess and CustomerAddFail form-encoded, retrying until 200', async () => {
    const hook = await receiver((count) => (count === 1 ? 503 : 200));
    await start({ notificationUrl: hook.url });
    await registered();
    const okSession = await init();
    await emulator.completeAddSession(okSession, { number: PAYTURE_MAGIC_CARDS.success.number });
    await emulator.notificationsSettled();
    const cardId = emulator.customers.get(LOGIN)?.cards[0]?.cardId;
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]).toMatchObject({
      Notification: 'CustomerAddSuccess',
      Success: 'True',
      VWUserLgn: LOGIN,
      SessionId: okSession,
      CardId: cardId,
      CardName: '411111xxxxxx1111',
      CardNumber: '411111xxxxxx1111',
      MerchantContract: 'MerchantAdd',
    });
    expect(hook.received[1]?.['TransactionDate']).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(emulator.notifications[0]?.deliveries).toEqual([{ status: 503 }, { status: 200 }]);

    const failSession = await init();
    await emulator.completeAddSession(failSession, { number: PAYTURE_MAGIC_CARDS.decline.number });
    await emulator.notificationsSettled();
    expect(hook.received.at(-1)).toMatchObject({
      Notification: 'CustomerAddFail',
      Success: 'False',
      ErrCode: 'ISSUER_BLOCKED_CARD',
      SessionId: failSession,
    });
    await emulator.replayNotification();
    expect(hook.received.at(-1)).toEqual(hook.received.at(-2));
  });

  it('sends nothing without a notification URL, and to a URL set later', async () => {
    const hook = await receiver(() => 200);
    await start();
    await registered();
    await emulator.completeAddSession(await init(), { number: PAYTURE_MAGIC_CARDS.success.number });
    await emulator.notificationsSettled();
    expect(emulator.notifications).toHaveLength(0);
    emulator.setNotificationUrl(hook.url);
    await emulator.completeAddSession(await init(), { number: PAYTURE_MAGIC_CARDS.mir.number });
    await emulator.notificationsSettled();
    expect(hook.received).toHaveLength(1);
  });

  it('a slow-close card notifies when it appears', async () => {
    const hook = await receiver(() => 200);
    await start({ notificationUrl: hook.url, slowCloseMs: 60_000 });
    await registered();
    await emulator.completeAddSession(await init(), { number: PAYTURE_MAGIC_CARDS.slowClose.number });
    await emulator.notificationsSettled();
    expect(hook.received).toHaveLength(0);
    emulator.settleSlowCards();
    await emulator.notificationsSettled();
    expect(hook.received[0]?.['Notification']).toBe('CustomerAddSuccess');
  });
});

describe('Payture emulator: faults', () => {
  const commands = [
    'Register',
    'Check',
    'Update',
    'Delete',
    'Init',
    'GetList',
    'Remove',
    'Activate',
    'GetState',
  ] as const;

  it.each(commands)('%s: every fault kind', async (command) => {
    await start();
    const send = () => call(command, { VWUserLgn: LOGIN, VWUserPsw: PASSWORD });

    emulator.faults.arm(command, { kind: 'status', status: 500 }, { times: 1 });
    expect((await send()).status).toBe(500);
    emulator.faults.arm(command, { kind: 'html' }, { times: 1 });
    const html = await send();
    expect([html.status, html.body.startsWith('<!DOCTYPE html>')]).toEqual([200, true]);
    emulator.faults.arm(command, { kind: 'empty' }, { times: 1 });
    expect((await send()).body).toBe('');
    emulator.faults.arm(command, { kind: 'garbage', body: 'This is not XML' }, { times: 1 });
    expect((await send()).body).toBe('This is not XML');
    emulator.faults.arm(command, { kind: 'malformed' }, { times: 1 });
    const malformed = await send();
    expect(malformed.body.startsWith(`<${command} `)).toBe(true);
    expect(malformed.body.endsWith('/>')).toBe(false);
    emulator.faults.arm(command, { kind: 'reject', code: 'PROCESSING_TIME_OUT' }, { times: 1 });
    expect((await send()).body).toBe(`<${command} Success="False" ErrCode="PROCESSING_TIME_OUT" />`);
    emulator.faults.arm(command, { kind: 'reset' }, { times: 1 });
    await expect(send()).rejects.toThrow();
    emulator.faults.arm(command, { kind: 'delay', ms: 10 }, { times: 1 });
    expect((await send()).status).toBe(200);
    // Faults consumed: the command answers normally again.
    expect((await send()).contentType).toBe('text/xml; charset=utf-8');
    expect(emulator.faults.hits(command)).toBe(9);
  });

  it('AddPage faults: 500, and a reject that ends the session with the chosen ErrCode', async () => {
    await start();
    await registered();
    const sessionId = await init();
    emulator.faults.arm('AddPage', { kind: 'status', status: 500 }, { times: 1 });
    expect((await fetch(emulator.addPageUrl(sessionId))).status).toBe(500);
    emulator.faults.arm('AddPage', { kind: 'reject', code: 'FRAUD_ERROR' }, { times: 1 });
    const response = await fetch(emulator.addPageUrl(sessionId), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('success=False');
    expect(emulator.sessions.get(sessionId)?.errCode).toBe('FRAUD_ERROR');
  });
});

describe('Payture emulator: form field names', () => {
  it('the page posts SessionId and the card fields the documented names', () => {
    expect(ADD_FORM_FIELDS).toEqual({
      sessionId: 'SessionId',
      cardNumber: 'CardNumber',
      expiry: 'Expiry',
      holder: 'CardHolder',
      cvv: 'SecureCode',
    });
  });
});

describe('Payture emulator: as real clients meet it (issue 10)', () => {
  /** A request with a form body whatever the method (fetch refuses a GET body; node:http does not). */
  function send(
    method: 'GET' | 'POST',
    command: string,
    { query = {}, body = {} }: { query?: Record<string, string>; body?: Record<string, string> },
  ): Promise<string> {
    const url = new URL(`${emulator.baseUrl}/vwapi/${command}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const form = new URLSearchParams(body).toString();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(form),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        },
      );
      req.on('error', reject);
      req.end(form);
    });
  }

  it("reads VWID and Data from a GET form body, as Payture's Node SDK sends GetList and PayStatus", async () => {
    await start();
    await registered();
    await init({ OrderId: 'order-get', Amount: '1000' });
    const vwid = emulator.addTerminal;
    const list = await send('GET', 'GetList', {
      body: { VWID: vwid, Data: data({ VWUserLgn: LOGIN, VWUserPsw: PASSWORD }) },
    });
    expect(readXml('GetList', list)).toMatchObject({ Success: 'True', VWUserLgn: LOGIN });
    const status = await send('GET', 'PayStatus', {
      body: { VWID: vwid, Data: data({ OrderId: 'order-get' }) },
    });
    expect(readXml('PayStatus', status)).toMatchObject({ Success: 'True', OrderId: 'order-get' });
  });

  it('reads DATA from the query of a POST and VWID from its body (the fields merge, the body wins)', async () => {
    await start();
    await registered();
    const answer = await send('POST', 'Check', {
      query: { VWID: 'ShopPay', DATA: data({ VWUserLgn: LOGIN, VWUserPsw: PASSWORD }) },
      body: { VWID: emulator.addTerminal },
    });
    expect(readXml('Check', answer)).toMatchObject({ Success: 'True', VWUserLgn: LOGIN });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['0', '0'],
  ])('opens an Add session whose Amount is %s, with no hold', async (_name, amount) => {
    await start();
    await registered();
    const sessionId = await init(amount === undefined ? {} : { Amount: amount });
    expect(emulator.sessions.get(sessionId)?.amount).toBeUndefined();
    const result = await emulator.completeAddSession(sessionId, {
      number: PAYTURE_MAGIC_CARDS.success.number,
    });
    expect(result.status).toBe(302);
    expect(emulator.operationCount('card-added')).toBe(1);
    expect(emulator.operationCount('hold')).toBe(0);
  });

  it('still refuses an Add Amount that is no whole number of kopecks (AMOUNT_ERROR)', async () => {
    await start();
    await registered();
    for (const amount of ['-1', '10.00', 'abc']) {
      const answer = await call('Init', {
        SessionType: 'Add',
        VWUserLgn: LOGIN,
        VWUserPsw: PASSWORD,
        IP: '10.0.0.1',
        Amount: amount,
      });
      expect(answer.root['ErrCode']).toBe('AMOUNT_ERROR');
    }
    expect(emulator.operationCount('session-opened')).toBe(0);
  });

  it('counts operations that took effect: one card, one hold and one release, whatever was retried', async () => {
    await start();
    await registered();
    // A second Register is refused (DUPLICATE_CUSTOMER): a request, no operation.
    await call('Register', { VWUserLgn: LOGIN, VWUserPsw: PASSWORD });
    emulator.faults.arm('Init', { kind: 'status', status: 500 }, { times: 1 });
    await call('Init', { SessionType: 'Add', VWUserLgn: LOGIN, VWUserPsw: PASSWORD, IP: '10.0.0.1' });
    const sessionId = await init({ OrderId: 'order-ops', Amount: '1000' });
    await emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
    // The same number again is the same card (Payture keeps one CardId): no second card-added.
    await emulator.completeAddSession(await init(), { number: PAYTURE_MAGIC_CARDS.success.number });
    expect([emulator.count('Register'), emulator.count('Init')]).toEqual([2, 3]);
    expect(emulator.operations.map((operation) => operation.kind)).toEqual([
      'customer-registered',
      'session-opened',
      'hold',
      'hold-released',
      'card-added',
      'session-opened',
    ]);
    expect(emulator.operations.find((operation) => operation.kind === 'hold')).toMatchObject({
      orderId: 'order-ops',
      amount: 1000,
    });
  });
});
