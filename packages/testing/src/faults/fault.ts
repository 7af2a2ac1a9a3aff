import { z } from 'zod';

/**
 * One injected failure. Transport faults (delay, status, html, empty, garbage, reset, hang) mean the
 * same for every provider; `malformed` and `reject` are spoken in the emulated provider's own format
 * (broken XML for Payture, a broken key=value answer for PayOnline; a refusal with a chosen code).
 */
export const Fault = z.discriminatedUnion('kind', [
  /** Answer normally, but only after `ms`. */
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative() }),
  /** An HTTP error status (5xx by default) with an optional body. */
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.string().optional(),
  }),
  /** 200 with an HTML page, as a load balancer or WAF would answer. */
  z.object({ kind: z.literal('html') }),
  /** 200 with an empty body. */
  z.object({ kind: z.literal('empty') }),
  /** 200 text/plain with a body that is no protocol at all. */
  z.object({ kind: z.literal('garbage'), body: z.string().default('This is not XML') }),
  /** The TCP connection is destroyed before any answer. */
  z.object({ kind: z.literal('reset') }),
  /** The request is accepted and never answered (until the client times out or the server closes). */
  z.object({ kind: z.literal('hang') }),
  /** A protocol-shaped but broken answer (truncated XML, a key=value line without values...). */
  z.object({ kind: z.literal('malformed') }),
  /** The provider's own refusal with the given code (Payture ErrCode, PayOnline Code). */
  z.object({ kind: z.literal('reject'), code: z.string().min(1) }),
]);
export type Fault = z.infer<typeof Fault>;
export type FaultInput = z.input<typeof Fault>;

/** Every transport fault, for suites that try each on each route. */
export const TRANSPORT_FAULTS: readonly Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 503, body: '<html><body>Service Unavailable</body></html>' },
  { kind: 'html' },
  { kind: 'empty' },
  { kind: 'garbage', body: 'This is not XML' },
  { kind: 'reset' },
  { kind: 'malformed' },
];
