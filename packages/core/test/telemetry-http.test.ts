import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Container, ContainerModule } from 'inversify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bindCardBindingProvider,
  type CardBindingProvider,
  cardBindingModule,
  CardBindingService,
  createHttpClient,
  type HttpClient,
  type HttpRequest,
  type InitOutcome,
  type Logger,
  type ProviderOutcome,
  TelemetryAttributes as A,
  TelemetryMetrics as M,
} from '../src/index.js';
import { installTelemetry, isChildOf, only, type Telemetry } from './telemetry-sdk.js';

const PAN = '4111111111111111';
const PASSWORD = 'terminal-pass-9f2c';
const KEY = 'merchant-key-77aa1';

// A provider in miniature on a real socket: `/flaky` fails once per id, `/down` always, `/reset` cuts
// the connection, `/echo` repeats the request (query and body) like a careless gateway in its errors.
let server: Server;
let base = '';
let port = 0;
const failedOnce = new Set<string>();
let echoFailsNext = false;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/reset') return req.socket.destroy();
      if (url.pathname === '/down') return res.writeHead(503).end('down');
      if (url.pathname === '/flaky' && !failedOnce.has(url.search)) {
        failedOnce.add(url.search);
        return res.writeHead(503).end('busy');
      }
      if (url.pathname === '/echo') {
        const status = echoFailsNext ? 500 : 200;
        echoFailsNext = false;
        return res
          .writeHead(status)
          .end(`echo ${decodeURIComponent(req.url ?? '')} ${decodeURIComponent(body)}`);
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A provider whose every step is one request the test chooses, sent through the container's client. */
class HttpProvider implements CardBindingProvider {
  readonly id = 'http';
  initRequest: HttpRequest = { method: 'POST', url: `${base}/ok` };
  checkRequest: HttpRequest = { method: 'POST', url: `${base}/ok` };
  constructor(readonly http: HttpClient) {}

  async init(): Promise<InitOutcome> {
    await this.http.request(this.initRequest);
    return {
      status: 'requires_action',
      action: { type: 'redirect', url: 'https://pay.example.test/add', method: 'GET' },
      providerRef: {},
    };
  }

  async checkOrder(): Promise<ProviderOutcome> {
    await this.http.request(this.checkRequest);
    return { status: 'pending' };
  }
}

function world(options: { retries?: number; logger?: Logger } = {}) {
  let provider: HttpProvider | undefined;
  const container = new Container();
  container.load(
    cardBindingModule(options.logger ? { logger: options.logger } : {}),
    new ContainerModule((load) =>
      bindCardBindingProvider(
        load,
        'http',
        (dependencies) => {
          const http = createHttpClient({ name: 'http', ...dependencies, retries: options.retries ?? 2 });
          provider = new HttpProvider(http);
          return provider;
        },
        // Wire names the provider declares secret, as Payture's and PayOnline's modules do.
        { redaction: { dropFields: ['Key', 'VWUserPsw'] } },
      ),
    ),
  );
  const service = container.get(CardBindingService);
  if (!provider) throw new Error('provider not built');
  return { service, provider };
}

let telemetry: Telemetry;
beforeEach(() => {
  telemetry = installTelemetry();
});
afterEach(async () => {
  await telemetry.uninstall();
});

const attempts = (): ReadableSpan[] => telemetry.finished().filter((span) => span.kind === SpanKind.CLIENT);

describe('provider HTTP attempts', () => {
  it('are CLIENT spans under the operation, one per attempt, with the HTTP conventions and a duration each', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = {
      debug: (obj) => void lines.push(obj),
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const { service, provider } = world({ logger });
    provider.initRequest = {
      method: 'POST',
      url: `${base}/flaky`,
      searchParams: { id: 'a1' },
      form: { Amount: '100' },
      safeToRetry: true,
      command: 'Init',
    };
    await service.start({ provider: 'http', customer: { id: 'c-1' } });
    provider.http.close();

    const start = only(telemetry, 'CardBindingService.start');
    const [first, second] = attempts();
    expect(attempts()).toHaveLength(2);
    for (const attempt of [first, second]) {
      if (!attempt) throw new Error('missing attempt');
      expect(attempt.name).toBe('POST');
      expect(isChildOf(attempt, start)).toBe(true);
      expect(attempt.attributes).toMatchObject({
        [A.httpMethod]: 'POST',
        [A.serverAddress]: '127.0.0.1',
        [A.serverPort]: port,
        [A.urlFull]: `${base}/flaky?id=a1`,
        [A.provider]: 'http',
        [A.command]: 'Init',
      });
    }
    expect(first?.attributes).toMatchObject({ [A.httpStatusCode]: 503, [A.errorType]: '503' });
    expect(first?.attributes[A.httpResendCount]).toBeUndefined();
    expect(first?.status).toEqual({ code: SpanStatusCode.ERROR, message: '503' });
    expect(second?.attributes).toMatchObject({ [A.httpStatusCode]: 200, [A.httpResendCount]: 1 });
    expect(second?.attributes[A.errorType]).toBeUndefined();
    expect(second?.status.code).toBe(SpanStatusCode.UNSET);

    const durations = await telemetry.points(M.providerRequestDuration);
    expect(durations.map((point) => point.attributes)).toEqual([
      {
        [A.provider]: 'http',
        [A.httpMethod]: 'POST',
        [A.command]: 'Init',
        [A.httpStatusCode]: 503,
        [A.errorType]: '503',
      },
      { [A.provider]: 'http', [A.httpMethod]: 'POST', [A.command]: 'Init', [A.httpStatusCode]: 200 },
    ]);
    expect(durations.map((point) => point.value)).toEqual([
      expect.objectContaining({ count: 1 }),
      expect.objectContaining({ count: 1 }),
    ]);
    // The transcript names the command too.
    expect(lines.map((line) => line['transcript'])).toContainEqual(
      expect.objectContaining({ command: 'Init' }),
    );
  });

  it('mark a 503 that is not retried with error.type, under an operation that failed with it', async () => {
    const { service, provider } = world();
    const binding = await service.start({ provider: 'http', customer: { id: 'c-1' } });
    telemetry.spans.reset();
    provider.checkRequest = { method: 'POST', url: `${base}/down` };
    await expect(service.checkOrder(binding.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    provider.http.close();

    const check = only(telemetry, 'CardBindingService.checkOrder');
    const [attempt] = attempts();
    expect(attempts()).toHaveLength(1);
    expect(attempt && isChildOf(attempt, check)).toBe(true);
    expect(attempt?.attributes).toMatchObject({ [A.httpStatusCode]: 503, [A.errorType]: '503' });
    expect(check.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PROVIDER_UNAVAILABLE' });
    expect(check.attributes).toMatchObject({ [A.providerCode]: 'HTTP_503', [A.bindingId]: binding.id });
  });

  it('end a failed attempt when it fails, before the backoff, with the transport error as its type', async () => {
    const { service, provider } = world({ retries: 1 });
    provider.initRequest = { method: 'GET', url: `${base}/reset`, safeToRetry: true, command: 'GetList' };
    await expect(service.start({ provider: 'http', customer: { id: 'c-1' } })).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'ECONNRESET',
    });
    provider.http.close();

    const [first, second] = attempts();
    expect(attempts()).toHaveLength(2);
    expect(first?.attributes).toMatchObject({ [A.errorType]: 'ECONNRESET', [A.command]: 'GetList' });
    expect(first?.attributes[A.httpStatusCode]).toBeUndefined();
    expect(second?.attributes).toMatchObject({ [A.errorType]: 'ECONNRESET', [A.httpResendCount]: 1 });
    // got waits about a second before the retry: that wait belongs to neither attempt.
    const ms = (time: [number, number]) => time[0] * 1_000 + time[1] / 1e6;
    if (!first || !second) throw new Error('missing attempt');
    expect(ms(first.duration)).toBeLessThan(500);
    expect(ms(second.startTime) - ms(first.endTime)).toBeGreaterThan(500);
    expect(only(telemetry, 'CardBindingService.start').attributes).toMatchObject({
      [A.errorType]: 'PROVIDER_UNAVAILABLE',
      [A.providerCode]: 'ECONNRESET',
    });
  });
});

describe('no secret reaches telemetry', () => {
  it('holds no password, key or card number in any span name, attribute, event, status or metric label', async () => {
    const { service, provider } = world();
    const secrets: HttpRequest = {
      method: 'POST',
      url: `${base}/echo`,
      searchParams: { password: PASSWORD, Key: KEY, CardNumber: PAN, Order: 'o-1' },
      form: { VWUserPsw: PASSWORD, CardNumber: PAN, Key: KEY },
      safeToRetry: true,
      command: 'Pay',
    };
    provider.initRequest = secrets;
    provider.checkRequest = secrets;
    const binding = await service.start({ provider: 'http', customer: { id: 'c-1' } });
    echoFailsNext = true;
    await service.checkOrder(binding.id);
    provider.http.close();

    const spans = telemetry.finished();
    // The capture really holds the traffic: both attempts of the retried request, the URL redacted.
    expect(attempts()).toHaveLength(3);
    const urls = attempts().map((span) => span.attributes[A.urlFull]);
    expect(urls).toContain(
      `${base}/echo?password=[REDACTED]&Key=[REDACTED]&CardNumber=411111******1111&Order=o-1`,
    );
    const captured = [
      ...spans.map((span) =>
        inspect(
          {
            name: span.name,
            attributes: span.attributes,
            events: span.events,
            status: span.status,
            links: span.links,
            resource: span.resource.attributes,
          },
          { depth: 10 },
        ),
      ),
      await telemetry.metricsText(),
    ].join('\n');
    for (const secret of [PAN, PASSWORD, KEY, encodeURIComponent(PASSWORD)]) {
      expect(captured).not.toContain(secret);
    }
  });
});
