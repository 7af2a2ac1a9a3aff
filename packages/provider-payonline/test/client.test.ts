import { createHash } from 'node:crypto';
import type { FormAction } from '@cardbind/core/client';
import { TEST_CARDS } from '@cardbind/testing';
import { describe, expect, it } from 'vitest';
import { AUTO_SUBMIT_SCRIPT, AUTO_SUBMIT_SCRIPT_HASH, escapeHtml } from '../src/wire/html.js';
import {
  buildAcsForm,
  type FetchLike,
  renderAcsFormHtml,
  submitCardForm,
  TIMED_OUT_MESSAGE,
  waitForBinding,
} from '../src/client/index.js';
import { cardInputOf } from './harness.js';

const NOW = () => new Date(Date.UTC(2026, 0, 15));

const ACTION: FormAction = {
  type: 'form',
  url: 'https://secure.payonlinesystem.com/payment/transaction/auth/',
  method: 'POST',
  processor: { name: 'PayOnline', homepage: 'https://payonline.ru/' },
  orderId: 'cb-bnd_1',
  termUrl: 'https://shop.example.test/payonline/3ds?order=cb-bnd_1',
  params: [
    { name: 'MerchantId', value: '70001' },
    { name: 'OrderId', value: 'cb-bnd_1' },
    { name: 'Amount', value: '1.00' },
    { name: 'Currency', value: 'RUB' },
    { name: 'SecurityKey', value: '0123456789abcdef0123456789abcdef' },
    { name: 'ContentType', value: 'text' },
    { name: 'Note', value: '' },
    { name: 'CardHolderName', value: '', substitute: 'name' },
    { name: 'CardNumber', value: '', substitute: 'number' },
    { name: 'CardExpDate', value: '', substitute: 'expires' },
    { name: 'CardCvv', value: '', substitute: 'cvv' },
    { name: 'Email', value: '', substitute: 'mail' },
    { name: 'Country', value: '', substitute: 'country' },
  ],
};

interface SentRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A fake transport answering a recorded PayOnline body; it records what the client sent. */
function recordedFetch(status: number, body: string): { fetch: FetchLike; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  return {
    sent,
    fetch: async (url, init) => {
      sent.push({
        url,
        method: init.method,
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      return { status, text: async () => body };
    },
  };
}

const card = cardInputOf(TEST_CARDS.success);

describe('submitCardForm', () => {
  it('POSTs the filled params form-encoded, in order, empty values kept, and reads acceptance', async () => {
    const transport = recordedFetch(
      200,
      'Id=5923441&Operation=Auth&Result=Ok&Code=200&Status=PreAuthorized&rebillAnchor=zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=&binCountry=US',
    );
    const result = await submitCardForm(ACTION, card, { fetch: transport.fetch, now: NOW });
    expect(result).toEqual({
      kind: 'accepted',
      transactionId: '5923441',
      status: 'PreAuthorized',
      rebillAnchor: 'zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=',
      // The report to the backend is a hint to check the order now: no token travels in it.
      hostReport: { transactionId: '5923441' },
    });
    const [request] = transport.sent;
    expect(request?.url).toBe(ACTION.url);
    expect(request?.method).toBe('POST');
    expect(request?.headers?.['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect([...new URLSearchParams(request?.body)]).toEqual([
      ['MerchantId', '70001'],
      ['OrderId', 'cb-bnd_1'],
      ['Amount', '1.00'],
      ['Currency', 'RUB'],
      ['SecurityKey', '0123456789abcdef0123456789abcdef'],
      ['ContentType', 'text'],
      ['Note', ''],
      ['CardHolderName', TEST_CARDS.success.holder],
      ['CardNumber', TEST_CARDS.success.number],
      ['CardExpDate', TEST_CARDS.success.expires],
      ['CardCvv', TEST_CARDS.success.cvv],
      ['Email', 'ivan@example.test'],
      ['Country', 'RU'],
    ]);
  });

  it('refuses a non-https URL before sending anything', async () => {
    const transport = recordedFetch(200, 'Id=1&Result=Ok');
    await expect(
      submitCardForm(
        { ...ACTION, url: 'http://secure.payonlinesystem.com/payment/transaction/auth/' },
        card,
        {
          fetch: transport.fetch,
          now: NOW,
        },
      ),
    ).rejects.toMatchObject({ code: 'INSECURE_URL' });
    await expect(
      submitCardForm({ ...ACTION, url: 'http://127.0.0.1:9/auth/' }, card, {
        fetch: transport.fetch,
        now: NOW,
      }),
    ).rejects.toMatchObject({ code: 'INSECURE_URL' });
    expect(transport.sent).toHaveLength(0);
  });

  it('sends GET requests as a query string', async () => {
    const transport = recordedFetch(200, 'Id=2&Operation=Auth&Result=Ok&Code=200&Status=Pending');
    await submitCardForm({ ...ACTION, method: 'GET' }, card, { fetch: transport.fetch, now: NOW });
    const url = new URL(transport.sent[0]?.url ?? '');
    expect(transport.sent[0]?.method).toBe('GET');
    expect(url.searchParams.get('OrderId')).toBe('cb-bnd_1');
    expect(url.searchParams.has('Note')).toBe(true);
  });

  it('hands back the URL for Redirect, and refuses to put card data in one', async () => {
    const redirect: FormAction = {
      ...ACTION,
      method: 'Redirect',
      params: ACTION.params.filter((param) => param.substitute === undefined || param.substitute === 'mail'),
    };
    const result = await submitCardForm(redirect, card, { now: NOW });
    expect(result.kind).toBe('redirect');
    const url = new URL(result.kind === 'redirect' ? result.url : '');
    expect(url.origin + url.pathname).toBe(ACTION.url);
    expect(url.searchParams.get('Email')).toBe('ivan@example.test');
    await expect(submitCardForm({ ...ACTION, method: 'Redirect' }, card, { now: NOW })).rejects.toMatchObject(
      {
        code: 'CONFIG_INVALID',
      },
    );
  });

  it('returns the 3-D Secure challenge with MD = TransactionId;PD and the backend term_url', async () => {
    const transport = recordedFetch(
      200,
      'Id=1015368&Operation=Auth&Result=Error&Code=6001&Status=Awaiting3DAuthentication&ErrorCode=6001' +
        '&PaReq=eJx%2B%2Fabc%3D&ACSUrl=https%3A%2F%2Facs.bank.test%2Fpit&PD=OXf4%2Bx',
    );
    const result = await submitCardForm(ACTION, card, { fetch: transport.fetch, now: NOW });
    expect(result).toEqual({
      kind: '3ds',
      transactionId: '1015368',
      acsUrl: 'https://acs.bank.test/pit',
      paReq: 'eJx+/abc=',
      md: '1015368;OXf4+x',
      termUrl: ACTION.termUrl,
    });
  });

  it('refuses an http ACS URL from the processor (the browser would be sent there)', async () => {
    const transport = recordedFetch(
      200,
      'Id=1&Result=Error&Code=6001&Status=Awaiting3DAuthentication&PaReq=YQ==&ACSUrl=http%3A%2F%2Facs.bank.test&PD=YQ==',
    );
    await expect(submitCardForm(ACTION, card, { fetch: transport.fetch, now: NOW })).rejects.toMatchObject({
      code: 'INSECURE_URL',
    });
  });

  it.each([
    [
      'Id=1&Result=Error&Code=5205&Status=Declined&ErrorCode=3',
      { code: '5205', errorCode: '3', retryable: false },
      /insufficient funds/i,
    ],
    ['Id=1&Result=Error&Code=5411&Status=Declined&ErrorCode=3', { code: '5411', retryable: false }, /CVV/],
    [
      'Id=1&Result=Error&Code=1001&Status=Declined&ErrorCode=1',
      { code: '1001', retryable: true },
      /temporarily unavailable/,
    ],
    ['Code=4004&Message=Incorrect+card+number', { code: '4004', retryable: false }, /card number.*check/i],
    [
      'Code=4024&Message=Incorrect+security+key',
      { code: '4024', retryable: false },
      /could not be processed/,
    ],
    [
      'Id=1&Result=Error&Code=2012&Status=Declined&ErrorCode=2',
      { code: '2012', errorCode: '2', retryable: false },
      /cannot be used/,
    ],
    // The generic Code 1999 defers to ErrorCode 3: an issuer decline, not worth repeating.
    [
      'Id=1&Result=Error&Code=1999&Status=Declined&ErrorCode=3',
      { code: '1999', errorCode: '3', retryable: false },
      /issuer declined/,
    ],
    ['Id=1&Result=Error&Code=6004&Status=Declined', { code: '6004', retryable: true }, /try again/],
  ])('reads the decline %s with a human message', async (body, expected, message) => {
    const transport = recordedFetch(200, body);
    const result = await submitCardForm(ACTION, card, { fetch: transport.fetch, now: NOW });
    expect(result).toMatchObject({ kind: 'declined', ...expected });
    expect(result.kind === 'declined' && result.message).toMatch(message);
  });

  it('throws a retryable PROVIDER_UNAVAILABLE for network failures and bad answers, naming no card data', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError(`fetch failed for CardNumber=${TEST_CARDS.success.number}`);
    };
    for (const attempt of [
      submitCardForm(ACTION, card, { fetch: failing, now: NOW }),
      submitCardForm(ACTION, card, { fetch: recordedFetch(502, 'Bad gateway').fetch, now: NOW }),
      submitCardForm(ACTION, card, { fetch: recordedFetch(200, '<html>maintenance</html>').fetch, now: NOW }),
    ]) {
      const error: unknown = await attempt.catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
      expect(JSON.stringify(error)).not.toContain(TEST_CARDS.success.number);
      expect(String(error)).not.toContain(TEST_CARDS.success.number);
      expect(String(Reflect.get(Object(error), 'cause'))).not.toContain(TEST_CARDS.success.number);
    }
  });

  it('gives up after timeoutMs, and reports ABORTED when the app aborts', async () => {
    const never: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    await expect(
      submitCardForm(ACTION, card, { fetch: never, now: NOW, timeoutMs: 20 }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'TIMEOUT',
      retryable: true,
    });
    const controller = new AbortController();
    const pending = submitCardForm(ACTION, card, { fetch: never, now: NOW, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('sends nothing when the app aborted before submitting', async () => {
    const transport = recordedFetch(200, 'Id=1&Operation=Auth&Result=Ok&Code=200&Status=Pending');
    await expect(
      submitCardForm(ACTION, card, { fetch: transport.fetch, now: NOW, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(transport.sent).toHaveLength(0);
  });

  it('validates the card before sending (INVALID_CARD_DATA names the field, not the value)', async () => {
    const transport = recordedFetch(200, 'Id=1&Result=Ok');
    const error: unknown = await submitCardForm(
      ACTION,
      { ...card, number: '4111111111111112' },
      {
        fetch: transport.fetch,
        now: NOW,
      },
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'INVALID_CARD_DATA', field: 'number' });
    expect(transport.sent).toHaveLength(0);
  });
});

describe('the ACS form', () => {
  const hostile = '"><script>alert(1)</script>';

  it('posts PaReq, MD and TermUrl to the ACS', () => {
    expect(
      buildAcsForm({
        acsUrl: 'https://acs.bank.test/pit',
        paReq: 'p+/=',
        md: '1;d',
        termUrl: 'https://t.test/3ds',
      }),
    ).toEqual({
      action: 'https://acs.bank.test/pit',
      method: 'POST',
      fields: { PaReq: 'p+/=', MD: '1;d', TermUrl: 'https://t.test/3ds' },
    });
  });

  it('renders a page that escapes every value, allows only its own script, and works without JS', () => {
    const html = renderAcsFormHtml(
      buildAcsForm({
        acsUrl: `https://acs.bank.test/pit?x=${hostile}`,
        paReq: hostile,
        md: hostile,
        termUrl: hostile,
      }),
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('"><');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain(`<script>${AUTO_SUBMIT_SCRIPT}</script>`);
    expect(html).toContain(`value="${escapeHtml(hostile)}"`);
    expect(html).toContain('<noscript><button type="submit">');
    expect(html).toContain(
      `content="${escapeHtml(`default-src 'none'; form-action https://acs.bank.test; script-src ${AUTO_SUBMIT_SCRIPT_HASH}`)}`,
    );
    expect(html).not.toContain('frame-ancestors');
  });

  it("the CSP hash is the auto-submit script's", () => {
    const hash = createHash('sha256').update(AUTO_SUBMIT_SCRIPT, 'utf8').digest('base64');
    expect(AUTO_SUBMIT_SCRIPT_HASH).toBe(`'sha256-${hash}'`);
  });
});

describe('waitForBinding', () => {
  function fakeClock() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  }

  it('finishes when the backend reports a terminal status', async () => {
    const clock = fakeClock();
    let polls = 0;
    const result = await waitForBinding(async () => ({ status: ++polls < 4 ? 'processing' : 'succeeded' }), {
      clock,
    });
    expect(result).toEqual({ kind: 'finished', binding: { status: 'succeeded' } });
    expect(polls).toBe(4);
  });

  it('gives up after 5 minutes with a message for the customer', async () => {
    const clock = fakeClock();
    const result = await waitForBinding(async () => ({ status: 'processing' }), { clock });
    expect(result).toEqual({
      kind: 'timed_out',
      binding: { status: 'processing' },
      message: TIMED_OUT_MESSAGE,
    });
    expect(clock.now()).toBe(300_000);
  });
});
