import { createHash } from 'node:crypto';
import { ManualClock } from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PAYONLINE_TEST_CARDS,
  type PayOnlineEmulator,
  type PayOnlineEmulatorOptions,
  readHtmlForm,
  type RunningServer,
  readBody,
  startHttpServer,
  startPayOnlineEmulator,
  TEST_CARDS,
  TRANSPORT_FAULTS,
  type TestCard,
} from '../src/index.js';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

let emulator: PayOnlineEmulator | undefined;
let merchant: RunningServer | undefined;
/** What the merchant's callback URL received. */
let received: Record<string, string>[] = [];

async function start(options: PayOnlineEmulatorOptions = {}): Promise<PayOnlineEmulator> {
  received = [];
  merchant = await startHttpServer(async (req, res) => {
    received.push(Object.fromEntries(new URLSearchParams(await readBody(req))));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  emulator = await startPayOnlineEmulator({
    clock: new ManualClock(Date.UTC(2026, 0, 15, 9, 0, 0)),
    callbackUrl: `${merchant.baseUrl}/callback`,
    ...options,
  });
  return emulator;
}

afterEach(async () => {
  await emulator?.close();
  await merchant?.close();
  emulator = undefined;
  merchant = undefined;
});

/** Independent of the emulator: the doc's formula, computed here. */
function sign(e: PayOnlineEmulator, pairs: [string, string][]): string {
  return md5([...pairs, ['PrivateSecurityKey', e.privateSecurityKey]].map(([k, v]) => `${k}=${v}`).join('&'));
}

function authParams(
  e: PayOnlineEmulator,
  card: TestCard,
  order = 'order-1',
  extra: Record<string, string> = {},
) {
  const amount = '1.00';
  const currency = 'RUB';
  return {
    MerchantId: e.merchantId,
    OrderId: order,
    Amount: amount,
    Currency: currency,
    SecurityKey: sign(e, [
      ['MerchantId', e.merchantId],
      ['OrderId', order],
      ['Amount', amount],
      ['Currency', currency],
    ]),
    CardHolderName: card.holder,
    CardNumber: card.number,
    CardExpDate: card.expires,
    CardCvv: card.cvv,
    Email: 'ivan@example.test',
    Country: 'RU',
    Ip: '203.0.113.7',
    ...extra,
  };
}

/**
 * A text answer read as PayOnline writes it: values raw, so `+` stays `+` (a form parser would make it
 * a space); a percent escape is still decoded.
 */
function fieldsOf(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of body.split('&')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    fields[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  }
  return fields;
}

/** A real form POST, as a browser or a merchant server sends it. */
async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('PayOnline emulator: Auth', () => {
  it('accepts a good card, answers with a RebillAnchor, and calls back with a correct SecurityKey', async () => {
    const e = await start();
    const answer = await e.submitCard(authParams(e, TEST_CARDS.success, 'order-1', { ShopRef: 'abc' }));
    const fields = fieldsOf(answer.body);
    expect(fields).toMatchObject({ Operation: 'Auth', Result: 'Ok', Code: '200', Status: 'Pending' });
    expect(fields['rebillAnchor']).toMatch(/^[\w-]{16}\.[\w-]{26}=$/);
    await e.callbacksSettled();
    const [callback] = received;
    expect(callback).toMatchObject({
      OrderId: 'order-1',
      Amount: '1.00',
      Currency: 'RUB',
      TransactionID: fields['Id'],
      CardNumber: '************1111',
      CardHolder: TEST_CARDS.success.holder,
      RebillAnchor: fields['rebillAnchor'],
      ShopRef: 'abc',
      DateTime: '2026-01-15 09:00:00',
    });
    expect(callback?.['SecurityKey']).toBe(
      sign(e, [
        ['DateTime', '2026-01-15 09:00:00'],
        ['TransactionID', fields['Id'] ?? ''],
        ['OrderId', 'order-1'],
        ['Amount', '1.00'],
        ['Currency', 'RUB'],
      ]),
    );
    expect(callback?.['Code']).toBeUndefined();
  });

  it("redelivers a callback with the payment's DateTime, not the time of sending (PayOnline's doc: the payment's date and time)", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 9, 0, 0));
    const e = await start({ clock });
    const answer = fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body);
    await e.callbacksSettled();
    await clock.advance(45 * 60_000);
    const again = await e.resendCallback(answer['Id'] ?? '');
    expect(again.fields['DateTime']).toBe('2026-01-15 09:00:00');
    expect(again.fields).toEqual(received[0]);
  });

  it.each([
    ['a wrong SecurityKey', { SecurityKey: '0'.repeat(32) }, '4024'],
    ['another merchant', { MerchantId: '999' }, '4027'],
    ['a bad card number', { CardNumber: '4111111111111112' }, '4004'],
    ['an expired card', { CardExpDate: '1225' }, '4014'],
    ['a missing CVV', { CardCvv: '' }, '4006'],
  ])('refuses %s with Code %s (text and XML)', async (_name, change, code) => {
    const e = await start();
    const text = await e.submitCard({ ...authParams(e, TEST_CARDS.success), ...change });
    expect(fieldsOf(text.body)['Code']).toBe(code);
    expect(fieldsOf(text.body)['Message']).toBeTruthy();
    const xml = await e.submitCard({ ...authParams(e, TEST_CARDS.success), ...change, ContentType: 'xml' });
    expect(xml.body).toContain(`<error>`);
    expect(xml.body).toContain(`<code>${code}</code>`);
  });

  it('declines the issuer-decline cards with ErrorCode 3 and a failure callback', async () => {
    const e = await start();
    for (const [card, code] of [
      [TEST_CARDS.insufficientFunds, '5205'],
      [TEST_CARDS.decline, '5302'],
      [PAYONLINE_TEST_CARDS.wrongCvv, '5411'],
    ] as const) {
      const answer = fieldsOf((await e.submitCard(authParams(e, card, `order-${code}`))).body);
      expect(answer).toMatchObject({ Result: 'Error', Code: code, ErrorCode: '3', Status: 'Declined' });
    }
    await e.callbacksSettled();
    expect(
      received.map((callback) => [callback['Code'], callback['ErrorCode'], callback['RebillAnchor']]),
    ).toEqual([
      ['5205', '3', undefined],
      ['5302', '3', undefined],
      ['5411', '3', undefined],
    ]);
  });

  it('refuses a second payment for a paid order (4016)', async () => {
    const e = await start();
    await e.submitCard(authParams(e, TEST_CARDS.success));
    expect(fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['Code']).toBe('4016');
  });

  it('answers CORS preflights and lets browsers read Auth answers', async () => {
    const e = await start();
    const preflight = await fetch(`${e.baseUrl}/payment/transaction/auth/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const answer = await post(`${e.baseUrl}/payment/transaction/auth/`, authParams(e, TEST_CARDS.success));
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('PayOnline emulator: 3-D Secure', () => {
  async function challenge(e: PayOnlineEmulator, contentType = 'text') {
    const answer = await e.submitCard({
      ...authParams(e, TEST_CARDS.threeDSecure),
      ContentType: contentType,
    });
    return answer.body;
  }

  it('answers 6001 with PaReq, ACSUrl and PD (base64 with + and /), in text and in XML like the doc', async () => {
    const e = await start();
    const text = fieldsOf(await challenge(e));
    expect(text).toMatchObject({
      Result: 'Error',
      Code: '6001',
      Status: 'Awaiting3DAuthentication',
      acsurl: e.acsUrl,
    });
    expect(text['pareq']).toMatch(/^\+\/\+\//);
    expect(text['pd']).toMatch(/^\+\/\+\//);
    const xml = await e.submitCard({
      ...authParams(e, TEST_CARDS.threeDSecure, 'order-xml'),
      ContentType: 'xml',
    });
    expect(xml.body).toMatch(/<errorCode>6001<\/errorCode>\s*<errorCode>4<\/errorCode>/);
    expect(xml.body).toMatch(/<threedSecure>\s*<pareq>[^<]+<\/pareq>\s*<acsurl>[^<]+<\/acsurl>\s*<pd>/);
  });

  async function throughAcs(e: PayOnlineEmulator, code: string) {
    const answer = fieldsOf(await challenge(e));
    const md = `${answer['Id']};${answer['pd']}`;
    const page = await post(answer['acsurl'] ?? '', {
      PaReq: answer['pareq'] ?? '',
      MD: md,
      TermUrl: 'https://shop.example.test/3ds?order=order-1&token=b3JkZXItYm91bmQ',
    });
    expect(page.body).toContain('one-time code');
    const form = readHtmlForm(page.body);
    const back = readHtmlForm((await post(form?.action ?? '', { ...form?.fields, code })).body);
    // The bank posts back to the TermUrl exactly as given, query and all, and echoes MD unchanged.
    expect(back?.action).toBe('https://shop.example.test/3ds?order=order-1&token=b3JkZXItYm91bmQ');
    expect(back?.fields['MD']).toBe(md);
    const paRes = back?.fields['PaRes'] ?? '';
    const pd = answer['pd'] ?? '';
    const transactionId = answer['Id'] ?? '';
    return post(`${e.baseUrl}/payment/transaction/auth/3ds/`, {
      MerchantId: e.merchantId,
      TransactionId: transactionId,
      PARes: paRes,
      PD: pd,
      SecurityKey: sign(e, [
        ['MerchantId', e.merchantId],
        ['TransactionId', transactionId],
        ['PARes', paRes],
        ['PD', pd],
      ]),
    });
  }

  it('completes after the right one-time code, with a success callback', async () => {
    const e = await start();
    const completion = fieldsOf((await throughAcs(e, e.otp)).body);
    expect(completion).toMatchObject({ Result: 'Ok', Code: '200', Status: 'Pending' });
    await e.callbacksSettled();
    expect(received.at(-1)?.['RebillAnchor']).toBe(completion['rebillAnchor']);
  });

  it('fails after a wrong code with Code 6003 and a failure callback', async () => {
    const e = await start();
    const completion = fieldsOf((await throughAcs(e, '999999')).body);
    expect(completion).toMatchObject({ Result: 'Error', Code: '6003', Status: 'Declined' });
    await e.callbacksSettled();
    expect(received.at(-1)).toMatchObject({ Code: '6003', ErrorCode: '3' });
  });

  it('Search by TransactionId finds nothing for a transaction awaiting 3-D Secure (Search lists successful payments only)', async () => {
    const e = await start();
    const transactionId = fieldsOf(await challenge(e))['Id'] ?? '';
    const found = await post(`${e.baseUrl}/payment/search/`, {
      MerchantId: e.merchantId,
      TransactionId: transactionId,
      SecurityKey: sign(e, [
        ['MerchantId', e.merchantId],
        ['TransactionId', transactionId],
      ]),
      ContentType: 'text',
    });
    // PayOnline's doc: Search "returns information only on successful payments"; not found is empty.
    expect(found).toMatchObject({ status: 200, body: '' });
  });

  it('refuses a completion whose PaRes was not form-encoded (+ became a space)', async () => {
    const e = await start();
    const answer = fieldsOf(await challenge(e));
    const transactionId = answer['Id'] ?? '';
    const pd = (answer['pd'] ?? '').replace(/\+/g, ' ');
    const response = await post(`${e.baseUrl}/payment/transaction/auth/3ds/`, {
      MerchantId: e.merchantId,
      TransactionId: transactionId,
      PARes: 'YWJj',
      PD: pd,
      SecurityKey: sign(e, [
        ['MerchantId', e.merchantId],
        ['TransactionId', transactionId],
        ['PARes', 'YWJj'],
        ['PD', pd],
      ]),
    });
    expect(fieldsOf(response.body)).toMatchObject({ Result: 'Error', Code: '5410' });
  });
});

describe('PayOnline emulator: Search, slow orders, Void and Rebill', () => {
  function search(e: PayOnlineEmulator, orderId: string, key?: string) {
    return post(`${e.baseUrl}/payment/search/`, {
      MerchantId: e.merchantId,
      OrderId: orderId,
      SecurityKey:
        key ??
        sign(e, [
          ['MerchantId', e.merchantId],
          ['OrderId', orderId],
        ]),
      ContentType: 'text',
    });
  }

  it('finds only successful payments: empty for declines and open orders, 4024 for a wrong key', async () => {
    const e = await start();
    await e.submitCard(authParams(e, TEST_CARDS.decline, 'declined'));
    await e.submitCard(authParams(e, PAYONLINE_TEST_CARDS.stuck, 'stuck'));
    await e.submitCard(authParams(e, TEST_CARDS.success, 'paid'));
    expect((await search(e, 'declined')).body).toBe('');
    expect((await search(e, 'stuck')).body).toBe('');
    expect(fieldsOf((await search(e, 'paid')).body)).toMatchObject({
      Order: 'paid',
      Status: 'Pending',
      Amount: '1.00',
    });
    expect(fieldsOf((await search(e, 'paid', '0'.repeat(32))).body)['Code']).toBe('4024');
  });

  it('closes the slow card after 30 s of the injected clock, then calls back', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 9, 0, 0));
    const e = await start({ clock });
    const answer = fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.slowClose, 'slow'))).body);
    expect(answer).toMatchObject({ Result: 'Ok', Status: 'Pending' });
    expect(answer['rebillAnchor']).toBeUndefined();
    await clock.advance(29_999);
    expect((await search(e, 'slow')).body).toBe('');
    expect(received).toHaveLength(0);
    await clock.advance(1);
    expect(fieldsOf((await search(e, 'slow')).body)['Status']).toBe('Pending');
    expect(received).toHaveLength(1);
    expect(received[0]?.['DateTime']).toBe('2026-01-15 09:00:30');
  });

  it('voids a paid transaction once', async () => {
    const e = await start();
    const id = fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['Id'] ?? '';
    const voidOnce = () =>
      post(`${e.baseUrl}/payment/transaction/void/`, {
        MerchantId: e.merchantId,
        TransactionId: id,
        SecurityKey: sign(e, [
          ['MerchantId', e.merchantId],
          ['TransactionId', id],
        ]),
      });
    expect(fieldsOf((await voidOnce()).body)).toMatchObject({
      TransactionId: id,
      Operation: 'Void',
      Result: 'Ok',
      Message: 'Voided',
    });
    expect(fieldsOf((await voidOnce()).body)).toMatchObject({ Result: 'Error' });
  });

  it('charges a saved card by its RebillAnchor', async () => {
    const e = await start();
    const anchor =
      fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['rebillAnchor'] ?? '';
    const rebill = (rebillAnchor: string) =>
      post(`${e.baseUrl}/payment/transaction/rebill/`, {
        MerchantId: e.merchantId,
        RebillAnchor: rebillAnchor,
        OrderId: 'charge-1',
        Amount: '499.00',
        Currency: 'RUB',
        SecurityKey: sign(e, [
          ['MerchantId', e.merchantId],
          ['RebillAnchor', rebillAnchor],
          ['OrderId', 'charge-1'],
          ['Amount', '499.00'],
          ['Currency', 'RUB'],
        ]),
      });
    expect(fieldsOf((await rebill('unknown')).body)['Code']).toBe('4021');
    expect(fieldsOf((await rebill(anchor)).body)).toMatchObject({
      Operation: 'Rebill',
      Result: 'Ok',
      Status: 'Pending',
    });
    await e.callbacksSettled();
    expect(received.at(-1)).toMatchObject({ OrderId: 'charge-1', Amount: '499.00', RebillAnchor: anchor });
  });

  it('leaves RebillAnchor out of callbacks to plain http when told to behave like PayOnline', async () => {
    const e = await start({ anchorInCallbacks: 'https-only' });
    await e.submitCard(authParams(e, TEST_CARDS.success));
    await e.callbacksSettled();
    expect(received[0]?.['RebillAnchor']).toBeUndefined();
    expect(received[0]?.['TransactionID']).toBeTruthy();
  });
});

describe('PayOnline emulator: faults', () => {
  it.each(TRANSPORT_FAULTS.map((fault) => [JSON.stringify(fault), fault] as const))(
    'serves %s once on the armed route, then recovers',
    async (_name, fault) => {
      const e = await start();
      e.faults.arm('auth', fault, { times: 1 });
      const faulted = await e.submitCard(authParams(e, TEST_CARDS.success)).catch(() => undefined);
      expect(faulted === undefined || fieldsOf(faulted.body)['Result'] !== 'Ok').toBe(true);
      expect(
        fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success, 'order-2'))).body)['Result'],
      ).toBe('Ok');
    },
  );

  it.each([
    ['auth', '/payment/transaction/auth/'],
    ['auth3ds', '/payment/transaction/auth/3ds/'],
    ['search', '/payment/search/'],
    ['void', '/payment/transaction/void/'],
    ['rebill', '/payment/transaction/rebill/'],
    ['acs', '/acs/'],
  ] as const)('the %s route (%s) answers the fault armed for it, and only that one', async (route, path) => {
    const e = await start();
    e.faults.arm(route, { kind: 'status', status: 503, body: 'down' }, { times: 1 });
    expect((await post(`${e.baseUrl}/payment/search/`, { MerchantId: e.merchantId })).status).toBe(
      route === 'search' ? 503 : 200,
    );
    const faulted = await post(`${e.baseUrl}${path}`, { MerchantId: e.merchantId });
    expect(faulted.status).toBe(route === 'search' ? 200 : 503);
    expect(e.faults.hits(route)).toBeGreaterThan(0);
  });

  it('speaks PayOnline for malformed and reject faults', async () => {
    const e = await start();
    e.faults
      .arm('auth', { kind: 'reject', code: '1001' }, { times: 1 })
      .arm('auth', { kind: 'malformed' }, { times: 1 });
    expect(fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['Code']).toBe('1001');
    expect((await e.submitCard(authParams(e, TEST_CARDS.success))).body).toBe('Id=&Operation=Auth&Result');
  });

  it('drops a callback on a transport fault and forges its key on malformed', async () => {
    const e = await start();
    e.faults
      .arm('callback', { kind: 'reset' }, { times: 1 })
      .arm('callback', { kind: 'malformed' }, { times: 1 });
    await e.submitCard(authParams(e, TEST_CARDS.success, 'a'));
    await e.submitCard(authParams(e, TEST_CARDS.success, 'b'));
    await e.callbacksSettled();
    expect(e.callbacks.map((delivery) => [delivery.outcome, delivery.forged])).toEqual([
      ['dropped', false],
      ['delivered', true],
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]?.['SecurityKey']).toBe('0'.repeat(32));
  });
});

describe('PayOnline emulator: as real clients meet it (issue 10)', () => {
  /** A signed request: `signed` in the documented order, then the unsigned extras. */
  function signedPost(
    e: PayOnlineEmulator,
    path: string,
    signed: [string, string][],
    extra: Record<string, string> = {},
  ) {
    return post(`${e.baseUrl}${path}`, {
      ...Object.fromEntries(signed),
      SecurityKey: sign(e, signed),
      ...extra,
    });
  }
  const voidOf = (e: PayOnlineEmulator, id: string) =>
    signedPost(e, '/payment/transaction/void/', [
      ['MerchantId', e.merchantId],
      ['TransactionId', id],
    ]);

  it('writes text values raw, as recorded: base64 keeps +, / and = (no percent-encoding)', async () => {
    const e = await start();
    const paid = (await e.submitCard(authParams(e, TEST_CARDS.success))).body;
    expect(paid).toMatch(/&rebillAnchor=[\w-]{16}\.[\w-]{26}=&binCountry=RU$/);
    const challenge = (await e.submitCard(authParams(e, TEST_CARDS.threeDSecure, 'order-3ds'))).body;
    expect(challenge).toMatch(/&pareq=\+\/\+\/[A-Za-z0-9+/]+={0,2}&/);
    expect(challenge).not.toContain('%2B');
    // A client that reads the answer as a form corrupts it: that is what the raw format is for.
    const asForm = Object.fromEntries(new URLSearchParams(challenge));
    expect(asForm['pareq']).not.toBe(fieldsOf(challenge)['pareq']);
  });

  it('answers 3-D Secure in text with the recorded keys: errorCode, pareq, acsurl, pd', async () => {
    const e = await start();
    const body = (await e.submitCard(authParams(e, TEST_CARDS.threeDSecure))).body;
    expect(Object.keys(fieldsOf(body))).toEqual([
      'Id',
      'Operation',
      'Result',
      'Code',
      'Status',
      'errorCode',
      'pareq',
      'acsurl',
      'pd',
    ]);
    expect(fieldsOf(body)).toMatchObject({ Code: '6001', errorCode: '4', acsurl: e.acsUrl });
  });

  it.each([
    ['without Ip', { Ip: '' }],
    ['with an Ip that is no address', { Ip: 'localhost' }],
  ])('refuses Auth %s with Code 4018 (the doc: Ip is mandatory), text and XML', async (_name, change) => {
    const e = await start();
    const text = await e.submitCard({ ...authParams(e, TEST_CARDS.success), ...change });
    expect(fieldsOf(text.body)).toMatchObject({ Code: '4018', Message: 'Incorrect ipaddress' });
    const xml = await e.submitCard({ ...authParams(e, TEST_CARDS.success), ...change, ContentType: 'xml' });
    expect(xml.body).toContain('<code>4018</code>');
    expect(e.transactions()).toHaveLength(0);
  });

  it('checks Rebill Amount (4300) and Currency (4026) before charging; a good one charges once', async () => {
    const e = await start();
    const anchor =
      fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['rebillAnchor'] ?? '';
    const rebill = (amount: string, currency: string) =>
      signedPost(e, '/payment/transaction/rebill/', [
        ['MerchantId', e.merchantId],
        ['RebillAnchor', anchor],
        ['OrderId', 'charge-1'],
        ['Amount', amount],
        ['Currency', currency],
      ]);
    expect(fieldsOf((await rebill('abc', '')).body)['Code']).toBe('4300');
    expect(fieldsOf((await rebill('499', 'RUB')).body)['Code']).toBe('4300');
    expect(fieldsOf((await rebill('499.00', '')).body)['Code']).toBe('4026');
    expect(fieldsOf((await rebill('499.00', 'rub')).body)['Code']).toBe('4026');
    expect(e.order('charge-1')).toHaveLength(0);
    expect(e.operationCount('rebill')).toBe(0);
    expect(fieldsOf((await rebill('499.00', 'RUB')).body)).toMatchObject({ Result: 'Ok', Status: 'Pending' });
    expect(fieldsOf((await rebill('499.00', 'RUB')).body)['Code']).toBe('4016');
    expect(e.operationCount('rebill')).toBe(1);
  });

  it('answers a Void of a voided transaction Result=Error with a message and no Code; counts one void', async () => {
    const e = await start();
    const id = fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body)['Id'] ?? '';
    expect(fieldsOf((await voidOf(e, id)).body)).toEqual({
      TransactionId: id,
      Operation: 'Void',
      Result: 'Ok',
      Message: 'Voided',
    });
    const again = fieldsOf((await voidOf(e, id)).body);
    expect(Object.keys(again)).toEqual(['TransactionId', 'Operation', 'Result', 'Message']);
    expect(again).toMatchObject({ TransactionId: id, Operation: 'Void', Result: 'Error' });
    expect(again['Message']).not.toBe('Voided');
    expect(e.requestsTo('void')).toHaveLength(2);
    expect(e.operationCount('void')).toBe(1);
    expect(e.operations.map((operation) => [operation.kind, operation.transactionId])).toEqual([
      ['auth', id],
      ['void', id],
    ]);
  });

  it('counts only operations that took effect: a faulted, refused or declined request is none', async () => {
    const e = await start();
    e.faults.arm('auth', { kind: 'status', status: 503 }, { times: 1 });
    await e.submitCard(authParams(e, TEST_CARDS.success));
    await e.submitCard(authParams(e, TEST_CARDS.decline, 'declined'));
    await e.submitCard(authParams(e, TEST_CARDS.success));
    await e.submitCard(authParams(e, TEST_CARDS.success));
    expect(e.requestsTo('auth')).toHaveLength(4);
    expect(e.operationCount('auth')).toBe(1);
  });

  it('serves /payment/transaction/complete/ for PreAuthorized payments, in full or in part, once', async () => {
    const e = await start({ paymentType: 'preauthorized' });
    const auth = fieldsOf((await e.submitCard(authParams(e, TEST_CARDS.success))).body);
    expect(auth).toMatchObject({ Result: 'Ok', Status: 'PreAuthorized' });
    expect(auth['rebillAnchor']).toBeTruthy();
    const id = auth['Id'] ?? '';
    const complete = (amount?: string) =>
      signedPost(e, '/payment/transaction/complete/', [
        ['MerchantId', e.merchantId],
        ['TransactionId', id],
        ...(amount === undefined ? [] : [['Amount', amount] satisfies [string, string]]),
      ]);
    expect(fieldsOf((await complete('2.00')).body)).toMatchObject({ Result: 'Error' });
    expect(fieldsOf((await complete('0.50')).body)).toEqual({
      TransactionId: id,
      Operation: 'Complete',
      Amount: '0.50',
      Result: 'Ok',
      Message: 'Completed',
    });
    expect(fieldsOf((await complete()).body)).toMatchObject({ Operation: 'Complete', Result: 'Error' });
    expect(e.transactions()[0]).toMatchObject({ status: 'Settled', amount: '0.50' });
    expect(e.operationCount('complete')).toBe(1);
    expect(fieldsOf((await voidOf(e, id)).body)['Result']).toBe('Error');
  });

  it('Complete refuses a wrong key (4024) and a direct payment (Pending) is not completed; Void takes PreAuthorized', async () => {
    const direct = await start();
    const pending =
      fieldsOf((await direct.submitCard(authParams(direct, TEST_CARDS.success))).body)['Id'] ?? '';
    const completeBody = (e: PayOnlineEmulator, id: string, key?: string) =>
      post(`${e.baseUrl}/payment/transaction/complete/`, {
        MerchantId: e.merchantId,
        TransactionId: id,
        SecurityKey:
          key ??
          sign(e, [
            ['MerchantId', e.merchantId],
            ['TransactionId', id],
          ]),
      });
    expect(fieldsOf((await completeBody(direct, pending, '0'.repeat(32))).body)['Code']).toBe('4024');
    expect(fieldsOf((await completeBody(direct, pending)).body)['Result']).toBe('Error');
    await direct.close();
    await merchant?.close();

    const held = await start({ paymentType: 'preauthorized' });
    const id = fieldsOf((await held.submitCard(authParams(held, TEST_CARDS.success))).body)['Id'] ?? '';
    expect(fieldsOf((await voidOf(held, id)).body)).toMatchObject({ Result: 'Ok', Message: 'Voided' });
    expect(held.operationCount('void')).toBe(1);
  });
});
