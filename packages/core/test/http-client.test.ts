import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CardBindingError,
  createHttpClient,
  HttpClientOptions,
  type Logger,
  Redactor,
} from '../src/index.js';

// What a Payture-like provider contributes: its wire names are not core's to know.
const redactor = new Redactor([{ dropFields: ['DATA', 'VWUserPsw'], maskPanFields: [], patterns: [] }]);

const BASE = 'https://provider.example.test';

function recordingLogger() {
  const lines: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
  const log = (obj: Record<string, unknown>, msg?: string) => void lines.push({ obj, msg });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

// Timeouts and resets are tested against a real socket: an interceptor cannot stall or cut a TCP stream.
let server: Server;
let local = '';
const hits = new Map<string, number>();
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    if (req.url?.startsWith('/slow')) setTimeout(() => res.end('late'), 500);
    else if (req.url === '/reset') req.socket.destroy();
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  local = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createHttpClient', () => {
  beforeAll(() => nock.disableNetConnect());
  beforeAll(() => nock.enableNetConnect('127.0.0.1'));
  afterEach(() => nock.cleanAll());

  it('defaults to 5 s connect, 15 s first byte, 30 s total, 2 retries and 64 sockets', () => {
    expect(HttpClientOptions.parse({ name: 'test' })).toMatchObject({
      timeouts: { connectMs: 5_000, responseMs: 15_000, totalMs: 30_000 },
      retries: 2,
      maxSockets: 64,
    });
  });

  it('retries a safe read after a 503 and succeeds', async () => {
    nock(BASE).post('/read').reply(503).post('/read').reply(200, 'ok');
    const client = createHttpClient({ name: 'test' });
    const response = await client.request({
      method: 'POST',
      url: `${BASE}/read`,
      form: { a: '1' },
      safeToRetry: true,
    });
    expect(response.body).toBe('ok');
    expect(nock.isDone()).toBe(true);
    client.close();
  });

  it('sends any method with a JSON or form body and custom headers, and redacts secret headers in the transcript', async () => {
    const seen: Array<{ method: string; body: unknown; auth: string | undefined; type: string | undefined }> =
      [];
    const record = function (this: nock.ReplyFnContext, _uri: string, body: nock.Body): [number, string] {
      seen.push({
        method: this.req.method,
        body,
        auth: this.req.headers['authorization'],
        type: this.req.headers['content-type'],
      });
      return [200, '{"ok":true}'];
    };
    nock(BASE)
      .put('/v1/customers/cus_1')
      .reply(record)
      .patch('/v1/customers/cus_1')
      .reply(record)
      .delete('/v1/customers/cus_1')
      .query({ expand: 'cards' })
      .reply(record);
    const { logger, lines } = recordingLogger();
    const client = createHttpClient({ name: 'jsonpay', logger });
    const headers = { Authorization: 'Bearer sk_live_123', 'X-Api-Key': 'key-456', 'Idempotency-Key': 'k-1' };
    await client.request({
      method: 'PUT',
      url: `${BASE}/v1/customers/cus_1`,
      json: { email: 'a@b.c' },
      headers,
    });
    await client.request({ method: 'PATCH', url: `${BASE}/v1/customers/cus_1`, form: { a: '1' }, headers });
    await client.request({
      method: 'DELETE',
      url: `${BASE}/v1/customers/cus_1`,
      searchParams: { expand: 'cards' },
      headers,
    });
    expect(seen).toEqual([
      {
        method: 'PUT',
        body: { email: 'a@b.c' },
        auth: 'Bearer sk_live_123',
        type: 'application/json; charset=utf-8',
      },
      {
        method: 'PATCH',
        body: 'a=1',
        auth: 'Bearer sk_live_123',
        type: 'application/x-www-form-urlencoded; charset=utf-8',
      },
      { method: 'DELETE', body: '', auth: 'Bearer sk_live_123', type: undefined },
    ]);
    const transcripts = lines.map((line) => JSON.stringify(line.obj));
    expect(transcripts).toHaveLength(3);
    for (const text of transcripts) {
      expect(text).not.toContain('sk_live_123');
      expect(text).not.toContain('key-456');
      expect(text).toContain('"Idempotency-Key":"k-1"');
    }
    expect(transcripts[0]).toContain('"method":"PUT"');
    expect(transcripts[0]).toContain('{\\"email\\":\\"a@b.c\\"}');
    client.close();
  });

  it('never repeats a request that is not marked safe', async () => {
    const scope = nock(BASE).post('/write').reply(503).post('/write').reply(200, 'second');
    const client = createHttpClient({ name: 'test' });
    await expect(
      client.request({ method: 'POST', url: `${BASE}/write`, form: { a: '1' } }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'HTTP_503',
      retryable: true,
    });
    expect(scope.pendingMocks()).toHaveLength(1);
    client.close();
  });

  it('turns a response timeout into a retryable PROVIDER_UNAVAILABLE', async () => {
    const client = createHttpClient({ name: 'test', timeouts: { responseMs: 50 }, retries: 0 });
    const error = await client.request({ method: 'POST', url: `${local}/slow` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardBindingError);
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', providerCode: 'ETIMEDOUT', retryable: true });
    client.close();
  });

  it('repeats a timed-out request only when it is marked safe, `retries` times', async () => {
    const client = createHttpClient({ name: 'test', timeouts: { responseMs: 50 }, retries: 1 });
    await expect(
      client.request({ method: 'POST', url: `${local}/slow-command`, form: { a: '1' } }),
    ).rejects.toMatchObject({ providerCode: 'ETIMEDOUT' });
    expect(hits.get('/slow-command')).toBe(1);
    await expect(
      client.request({ method: 'POST', url: `${local}/slow-read`, form: { a: '1' }, safeToRetry: true }),
    ).rejects.toMatchObject({ providerCode: 'ETIMEDOUT' });
    expect(hits.get('/slow-read')).toBe(2);
    client.close();
  });

  it('turns a connection reset into PROVIDER_UNAVAILABLE without leaking the request body', async () => {
    const { logger, lines } = recordingLogger();
    const client = createHttpClient({ name: 'test', logger, retries: 0, redactor });
    const error = await client
      .request({
        method: 'POST',
        url: `${local}/reset`,
        form: { CardNumber: '4111111111111111', VWUserPsw: 'pw-123' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', providerCode: 'ECONNRESET' });
    const everything = JSON.stringify([error, lines]) + String(error instanceof Error ? error.cause : '');
    expect(everything).not.toContain('4111111111111111');
    expect(everything).not.toContain('pw-123');
    client.close();
  });

  it('logs a redacted transcript of each exchange', async () => {
    nock(BASE).post('/cmd').reply(200, '<Init Success="True" SessionId="s-1"/>');
    const { logger, lines } = recordingLogger();
    const client = createHttpClient({ name: 'payture', logger, redactor });
    await client.request({
      method: 'POST',
      url: `${BASE}/cmd`,
      form: { VWID: 'Merchant', DATA: 'VWUserPsw=pw-123;Url=x' },
    });
    const transcript = lines.find((line) => line.msg === 'provider http exchange')?.obj['transcript'];
    expect(transcript).toMatchObject({
      client: 'payture',
      method: 'POST',
      statusCode: 200,
      requestBody: 'VWID=Merchant&DATA=[REDACTED]',
    });
    expect(JSON.stringify(lines)).not.toContain('pw-123');
    client.close();
  });
});
