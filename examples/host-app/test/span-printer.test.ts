import { Writable } from 'node:stream';
import { RedirectAction } from '@cardbind/core/client';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BindingEnvelope } from '../src/shared/api-types.js';
import { installSpanPrinter } from '../src/span-printer.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const PrintedSpan = z.object({
  span: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()),
});

let host: TestHost;
let uninstall: (() => void) | undefined;
const printed: string[] = [];
const CUSTOMER_SECRET = 'span-printer-payture-customer-secret';

beforeAll(async () => {
  const out = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      printed.push(String(chunk));
      done();
    },
  });
  uninstall = installSpanPrinter({ CARDBIND_TRACE: 'console' }, out);
  host = await startTestHost({ PAYTURE_CUSTOMER_SECRET: CUSTOMER_SECRET });
}, 60_000);

afterAll(async () => {
  await host?.close();
  uninstall?.();
});

describe('CARDBIND_TRACE=console', () => {
  it('is off unless asked for', () => {
    expect(installSpanPrinter({}, new Writable())).toBeUndefined();
  });

  it('prints the service span of a binding with the provider requests it made as its children, and no secret', async () => {
    const login = await fetch(new URL('/api/session', host.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(host.url).origin },
      body: JSON.stringify({ customer: 'traced' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const started = await fetch(new URL('/api/bindings', host.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(host.url).origin, cookie },
      body: '{"provider":"payture"}',
    });
    const { binding } = BindingEnvelope.parse(await started.json());
    expect(RedirectAction.parse(binding.nextAction).url).toContain('SessionId=');

    const spans = printed
      .join('')
      .trim()
      .split('\n')
      .map((line) => PrintedSpan.parse(JSON.parse(line)));
    const start = spans.find(
      (span) =>
        span.span === 'CardBindingService.start' && span.attributes['cardbind.binding.id'] === binding.id,
    );
    expect(start?.attributes['cardbind.provider']).toBe('payture');
    const requests = spans.filter(
      (span) =>
        span.parentSpanId === start?.spanId &&
        span.traceId === start?.traceId &&
        span.attributes['http.request.method'] !== undefined,
    );
    // Payture's binding start: the customer check (and registration), then Init, each its own span.
    expect(requests.map((span) => span.attributes['url.full'])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/vwapi\/Check$/),
        expect.stringMatching(/\/vwapi\/Init$/),
      ]),
    );
    for (const request of requests) expect(request.span).toBe('POST');
    const text = printed.join('');
    expect(text).not.toContain(CUSTOMER_SECRET);
    expect(text).not.toMatch(/VWUserPsw=[^*[]/);
  });
});
