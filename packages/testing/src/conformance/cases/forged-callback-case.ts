import type { CallbackOutcome, CallbackRequest } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { type Harness, withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions, ForgedCallbackOptions } from '../options.js';
import { describeBinding, describeError } from './support.js';

/** A field the suite adds to a callback: no gateway sends it, so it can only be a forger's. */
export const FORGED_FIELD = 'conformance_forged';

/**
 * Headers that describe the message or the client, never a signature: changing them proves nothing,
 * and a provider must not be asked to sign them.
 */
const STANDARD_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'date',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'pragma',
  'referer',
  'transfer-encoding',
  'user-agent',
]);
const isStandardHeader = (name: string): boolean =>
  STANDARD_HEADERS.has(name) || name.startsWith('sec-fetch-');

/** One altered copy of a genuine callback. */
interface Tampered {
  /** e.g. `body field "OrderId" changed`. */
  readonly what: string;
  readonly request: CallbackRequest;
  /** The provider declared this change undetectable: it is delivered after the genuine callback. */
  readonly unsigned: boolean;
  /** The option that would declare it, for the violation's hint. */
  readonly option: keyof ForgedCallbackOptions;
}

/**
 * A plausible different value of the same shape: the last letter or digit changes (`1.00` → `1.01`,
 * a hex key stays hex), so a copy fails the signature rather than merely a format check.
 */
export function alteredValue(value: string): string {
  for (let index = value.length - 1; index >= 0; index--) {
    const char = value.charAt(index);
    let replacement: string | undefined;
    if (/\d/.test(char)) replacement = String((Number(char) + 1) % 10);
    else if (/[a-z]/.test(char)) replacement = char === 'a' ? 'b' : 'a';
    else if (/[A-Z]/.test(char)) replacement = char === 'A' ? 'B' : 'A';
    if (replacement !== undefined) return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
  }
  return `${value}x`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The raw body with one top-level field set (a string) or removed (undefined), re-encoded the way it
 * came (a form or JSON), so that the copy is what a host would receive had the bytes been changed in
 * transit. Undefined when the suite cannot re-encode it.
 */
function reencodedRawBody(
  request: CallbackRequest,
  field: string,
  value: string | undefined,
): string | undefined {
  const raw = request.rawBody;
  if (typeof raw !== 'string' || raw === '') return undefined;
  const contentType = request.headers?.['content-type'] ?? '';
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(raw);
    if (value === undefined) params.delete(field);
    else params.set(field, value);
    return params.toString();
  }
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!isRecord(parsed)) return undefined;
    const { [field]: original, ...others } = parsed;
    if (value === undefined) return JSON.stringify(others);
    // Keep the field's JSON type: a number stays a number when the altered text still is one.
    const typed =
      typeof original === 'number' && Number.isFinite(Number(value))
        ? Number(value)
        : typeof original === 'boolean'
          ? !original
          : value;
    return JSON.stringify({ ...parsed, [field]: typed });
  }
  return undefined;
}

function withBodyField(request: CallbackRequest, field: string, value: string | undefined): CallbackRequest {
  const { [field]: _dropped, ...others } = request.body ?? {};
  const body = value === undefined ? others : { ...(request.body ?? {}), [field]: value };
  const rawBody = reencodedRawBody(request, field, value);
  const headers = { ...(request.headers ?? {}) };
  if (rawBody !== undefined && headers['content-length'] !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(rawBody));
  }
  // A raw body the suite cannot re-encode is kept: a provider that verifies it rejects the copy anyway.
  return { ...request, headers, body, ...(rawBody === undefined ? {} : { rawBody }) };
}

/** Every altered copy of one genuine callback, each with one change. */
export function tamperedCopies(request: CallbackRequest, declared: ForgedCallbackOptions = {}): Tampered[] {
  const unsignedFields = new Set((declared.unsignedFields ?? []).map((name) => name.toLowerCase()));
  const unsignedHeaders = new Set((declared.unsignedHeaders ?? []).map((name) => name.toLowerCase()));
  const copies: Tampered[] = [];
  for (const [field, value] of Object.entries(request.body ?? {})) {
    const unsigned = unsignedFields.has(field.toLowerCase());
    copies.push(
      {
        what: `body field "${field}" changed`,
        request: withBodyField(request, field, alteredValue(value)),
        unsigned,
        option: 'unsignedFields',
      },
      {
        what: `body field "${field}" removed`,
        request: withBodyField(request, field, undefined),
        unsigned,
        option: 'unsignedFields',
      },
    );
  }
  for (const [field, value] of Object.entries(request.query ?? {})) {
    const { [field]: _dropped, ...others } = request.query ?? {};
    const unsigned = unsignedFields.has(field.toLowerCase());
    copies.push(
      {
        what: `query field "${field}" changed`,
        request: { ...request, query: { ...others, [field]: alteredValue(value) } },
        unsigned,
        option: 'unsignedFields',
      },
      {
        what: `query field "${field}" removed`,
        request: { ...request, query: others },
        unsigned,
        option: 'unsignedFields',
      },
    );
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (isStandardHeader(name)) continue;
    const { [name]: _dropped, ...others } = request.headers ?? {};
    const unsigned = unsignedHeaders.has(name);
    copies.push(
      {
        what: `header "${name}" changed`,
        request: { ...request, headers: { ...others, [name]: alteredValue(value) } },
        unsigned,
        option: 'unsignedHeaders',
      },
      {
        what: `header "${name}" removed`,
        request: { ...request, headers: others },
        unsigned,
        option: 'unsignedHeaders',
      },
    );
  }
  if (typeof request.rawBody === 'string' && request.rawBody !== '') {
    copies.push({
      what: `raw body with a field "${FORGED_FIELD}" added`,
      request: withBodyField(request, FORGED_FIELD, '1'),
      unsigned: declared.unsignedAddedFields === true,
      option: 'unsignedAddedFields',
    });
  }
  return copies;
}

/** Everything a callback could change about a binding, as one comparable text. */
async function snapshot<B extends ConformanceBackend>(h: Harness<B>, bindingId: string) {
  const record = await h.store.get(bindingId);
  const binding = await h.service.get(bindingId);
  const history = await h.service.history(bindingId);
  const cards = await h.service.listCards(h.customer.id);
  return {
    text: JSON.stringify({ binding, version: record?.version, history: history.length, cards }),
    shown: `${describeBinding(binding)}, version ${String(record?.version)}, ${history.length} audit rows, ${cards.length} card(s)`,
  };
}

function describeOutcome(outcome: CallbackOutcome): string {
  const error = outcome.error === undefined ? 'no error' : describeError(outcome.error);
  return `answered ${outcome.response.status} with ${error}`;
}

/**
 * A provider that takes callbacks must reject a forged one. The suite cannot forge a signature, so it
 * alters the genuine callbacks of a success (held back, as in the idempotency case): each body and
 * query field changed and removed in turn, each non-standard header (a signature header) changed and
 * removed, a field added to the raw body. Every copy must be answered as rejected (4xx,
 * CALLBACK_REJECTED) and leave the binding exactly as it was (status, version, history, cards). Then
 * the genuine callbacks are accepted and the binding completes. Copies the provider declares
 * undetectable (`forgedCallback` options) are delivered after that and must change nothing.
 */
export async function forgedCallbackCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'forgedCallback', async (h) => {
    const skipHint = 'skip the "forgedCallback" case with that reason';
    conform(
      'forgedCallback',
      h.provider().handleCallback !== undefined,
      `the provider has no handleCallback, so no callback can be forged: ${skipHint}`,
    );
    const started = await h.start();
    h.callbacks.hold(true);
    await h.scenario('succeed', started);
    const genuine = h.callbacks.received.filter((entry) => entry.held).map((entry) => entry.request);
    conform(
      'forgedCallback',
      genuine.length > 0,
      `the backend sent no callback while the customer succeeded (a redirect-only flow?): ${skipHint}`,
    );

    const late: { label: string; copy: Tampered }[] = [];
    for (const [index, request] of genuine.entries()) {
      const label = `callback #${index + 1} (${request.method} ${request.path ?? '/'})`;
      for (const copy of tamperedCopies(request, options.forgedCallback)) {
        if (copy.unsigned) {
          late.push({ label, copy });
          continue;
        }
        const before = await snapshot(h, started.id);
        const outcome = await h.service.handleCallback(options.providerId, copy.request);
        const after = await snapshot(h, started.id);
        const status = outcome.response.status;
        conform(
          'forgedCallback',
          outcome.error?.code === 'CALLBACK_REJECTED' && status >= 400 && status < 500,
          () =>
            `a copy of ${label} with ${copy.what} was not rejected: ${describeOutcome(outcome)}` +
            (after.text === before.text
              ? ''
              : `, and the binding went from ${before.shown} to ${after.shown}`) +
            '. Verify every callback and throw CALLBACK_REJECTED for one that fails' +
            ` (only when the gateway's signature cannot cover it: declare it in forgedCallback.${copy.option})`,
        );
        conform(
          'forgedCallback',
          after.text === before.text,
          () =>
            `a copy of ${label} with ${copy.what} was rejected but changed the binding from ${before.shown} to ${after.shown}`,
        );
      }
    }

    for (const [index, request] of genuine.entries()) {
      const outcome = await h.service.handleCallback(options.providerId, request);
      conform(
        'forgedCallback',
        outcome.error === undefined,
        () =>
          `after the forged copies, genuine callback #${index + 1} was refused: ${describeOutcome(outcome)}`,
      );
    }
    const done = await h.complete(started.id);
    conform(
      'forgedCallback',
      done.status === 'succeeded',
      () => `after the genuine callbacks, ${options.complete} gave ${describeBinding(done)}, not succeeded`,
    );

    // What the signature cannot tell: the first verified callback decided, a differing one changes nothing.
    for (const { label, copy } of late) {
      const before = await snapshot(h, started.id);
      const outcome = await h.service.handleCallback(options.providerId, copy.request);
      const after = await snapshot(h, started.id);
      conform(
        'forgedCallback',
        after.text === before.text,
        () =>
          `a copy of ${label} with ${copy.what} (declared unsigned), delivered after the genuine one, ${describeOutcome(outcome)} and changed the binding from ${before.shown} to ${after.shown}: the first verified callback must decide`,
      );
    }
  });
}
