import type { ProxiedRequest } from '../../fault-proxy/start-fault-proxy.js';
import { conform } from '../conformance-violation.js';
import { type Harness, withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';

/**
 * The answers core's HTTP client retries (a request marked `safeToRetry`, `http-client.ts`): such an
 * attempt may be folded with the next into one transcript entry, as may one that got no answer.
 */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const mayBeRetried = (request: ProxiedRequest): boolean =>
  request.statusCode === undefined || RETRIED_STATUSES.has(request.statusCode);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `GET /path` of a transcript entry (its URL is redacted, but scheme, host and path stay readable). */
function entryKey(entry: Readonly<Record<string, unknown>>): string {
  const method = typeof entry['method'] === 'string' ? entry['method'] : '?';
  const url = typeof entry['url'] === 'string' ? entry['url'] : '';
  return `${method} ${URL.canParse(url) ? new URL(url).pathname : url}`;
}

/** What is left of `from` once each of `take` is removed once (a multiset difference). */
function without(from: readonly string[], take: readonly string[]): string[] {
  const left = [...from];
  for (const item of take) {
    const at = left.indexOf(item);
    if (at >= 0) left.splice(at, 1);
  }
  return left;
}

/**
 * Runs one provider operation and checks that every request it sent to the backend (as the fault
 * proxy counted them) has its transcript entry. The rule: core's HTTP client logs one entry per
 * `request()` call, after its retries, so an entry covers one attempt plus the retried ones before it.
 * Every attempt that got a final answer (not 408/429/5xx, not a dropped connection) is the last of its
 * call and needs its own entry; no entry may exist without an attempt the backend saw (a request past
 * `env.baseUrl`). No fault is armed here, so in practice the two counts are equal.
 */
async function measured<B extends ConformanceBackend, T>(
  h: Harness<B>,
  phase: string,
  work: () => Promise<T>,
): Promise<T> {
  const requestsFrom = h.proxy.requests.length;
  const entriesFrom = h.capture.transcript.length;
  const result = await work();
  // After-steps (a void after success) run in the background: they are the provider's requests too.
  await h.service.settled();
  const requests = h.proxy.requests.slice(requestsFrom);
  const entries = h.capture.transcript.slice(entriesFrom).filter(isRecord);
  const final = requests.filter((request) => !mayBeRetried(request)).length;
  const sent = requests.map((request) => `${request.method} ${request.path}`);
  const logged = entries.map(entryKey);
  conform('transcript', entries.length >= final && (requests.length === 0 || entries.length > 0), () => {
    const missing = without(sent, logged);
    return (
      `${phase}: the provider sent ${requests.length} HTTP request(s) to its backend but its transcript has ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` +
      (missing.length > 0 ? `; not in the transcript: ${missing.join(', ')}` : '') +
      '. Send every request through the HttpClient from createHttpClient({ logger }) (ProviderDependencies.http), never a raw fetch or http.request'
    );
  });
  conform('transcript', entries.length <= requests.length, () => {
    const unseen = without(logged, sent);
    return `${phase}: the transcript has ${entries.length} entries but the backend saw ${requests.length} request(s)${unseen.length > 0 ? `; the backend never saw ${unseen.join(', ')}` : ''}: configure every gateway URL from env.baseUrl`;
  });
  return result;
}

/**
 * A success, a decline and the calls around them (start, callbacks, completion, a poll, removing the
 * card), each checked on its own: every HTTP request the provider made appears in its transcript. A
 * request outside the transcripted client escapes redaction and the secrets case alike.
 */
export async function transcriptCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'transcript', async (h) => {
    const flow = async (scenario: 'succeed' | 'decline'): Promise<void> => {
      const started = await measured(h, `start (${scenario})`, () => h.start());
      const bindingId = started.id;
      // Held, so that the customer's own requests (through the same proxy) are not counted as the provider's.
      h.callbacks.hold(true);
      await h.scenario(scenario, started);
      await measured(h, `the callbacks (${scenario})`, () => h.callbacks.releaseHeld());
      await measured(h, `${options.complete} (${scenario})`, () => h.complete(bindingId));
      await measured(h, `checkOrder (${scenario})`, () => h.service.checkOrder(bindingId));
    };
    await flow('succeed');
    if (options.scenarios.decline && options.skip?.decline === undefined) await flow('decline');
    const [card] = await h.service.listCards(h.customer.id);
    if (card && h.provider().removeCard) {
      // Whatever the gateway answers: only the requests are counted here.
      await measured(h, 'removeCard', () =>
        h.service.removeCard(h.customer.id, card.id).catch(() => undefined),
      );
    }
  });
}
