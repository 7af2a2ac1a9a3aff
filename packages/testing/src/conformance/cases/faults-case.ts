import { type Binding, type CallbackRequest, CardBindingError } from '@cardbind/core';
import type { FaultInput } from '../../faults/fault.js';
import { conform, ConformanceViolation } from '../conformance-violation.js';
import { type Harness, withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeBinding, describeError, settleWithin } from './support.js';

/** The transport faults every provider must survive, cheapest first (the hang waits for a timeout). */
export const CONFORMANCE_FAULTS: readonly { label: string; fault: FaultInput }[] = [
  { label: 'HTTP 500', fault: { kind: 'status', status: 500 } },
  {
    label: 'HTTP 503 with an HTML page',
    fault: {
      kind: 'status',
      status: 503,
      body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
    },
  },
  { label: 'HTTP 200 with an HTML page', fault: { kind: 'html' } },
  { label: 'HTTP 200 with garbage', fault: { kind: 'garbage', body: 'This is not XML' } },
  { label: 'a connection reset', fault: { kind: 'reset' } },
  { label: 'a timeout (the backend never answers)', fault: { kind: 'hang' } },
];

export const DEFAULT_GUARD_MS = 15_000;
/** More calls than any binding operation should need; the per-call pass stops there. */
const MAX_CALLS_PER_OPERATION = 12;

interface FaultedCall<T> {
  what: string;
  call: () => Promise<T>;
  /** Checks after a typed retryable error (e.g. the binding is unchanged). */
  afterError?: () => Promise<void>;
}

/**
 * Runs `call` with `fault` armed on the configured routes (from the `after`-th request on). A call
 * that sent a faulted request must fail with a retryable CardBindingError in time; one that sent
 * none (the operation needs fewer requests) may return. Returns the value when it returned.
 */
async function underFault<B extends ConformanceBackend, T>(
  h: Harness<B>,
  fault: FaultInput,
  after: number,
  { what, call, afterError }: FaultedCall<T>,
): Promise<{ returned: true; value: T } | { returned: false }> {
  const guardMs = h.options.guardMs ?? DEFAULT_GUARD_MS;
  const seenBefore = h.proxy.requests.length;
  h.armFault(fault, after);
  let settled;
  try {
    settled = await settleWithin(call(), guardMs);
  } finally {
    h.proxy.clear();
  }
  const faulted = h.proxy.requests.slice(seenBefore).some((request) => request.fault !== undefined);
  conform(
    'faults',
    settled.kind !== 'stuck',
    `${what} did not give up within ${guardMs} ms: give the provider's HTTP client env.httpTimeouts`,
  );
  if (settled.kind === 'value') {
    conform('faults', !faulted, () => {
      const value: unknown = settled.value;
      const shown =
        typeof value === 'object' && value !== null && 'status' in value ? ` (${String(value.status)})` : '';
      return `${what} returned a result${shown} instead of a retryable CardBindingError`;
    });
    return { returned: true, value: settled.value };
  }
  const error = settled.error;
  conform(
    'faults',
    CardBindingError.is(error),
    () => `${what} threw ${describeError(error)}, not a CardBindingError`,
  );
  conform('faults', error.retryable, () => `${what} threw a non-retryable ${describeError(error)}`);
  await afterError?.();
  return { returned: false };
}

/**
 * Every transport fault the proxy can inject (5xx, HTML, garbage, reset, timeout), on init and on
 * completion, yields a retryable CardBindingError and leaves the binding readable and unchanged;
 * so does HTTP 500 from the 2nd, 3rd... request of each operation on, and a callback that needs the
 * backend while it fails; once the faults clear, the binding completes.
 */
export async function faultsCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'faults', async (h) => {
    const fiveHundred: FaultInput = { kind: 'status', status: 500 };

    // init, each fault from the first request on; then 500 from each later request of a clean init.
    for (const { label, fault } of CONFORMANCE_FAULTS) {
      await underFault(h, fault, 0, { what: `start under ${label}`, call: () => h.start() });
    }
    const initFrom = h.proxy.requests.length;
    await h.start();
    const initRequests = h.proxy.requests.length - initFrom;
    for (let after = 1; after < initRequests; after++) {
      await underFault(h, fiveHundred, after, {
        what: `start with HTTP 500 from request ${after + 1} of ${initRequests}`,
        call: () => h.start(),
      });
    }

    // completion, after the customer succeeded; callbacks held so that the result is still to learn.
    const binding = await h.start();
    h.callbacks.hold(true);
    await h.scenario('succeed', binding);
    const before = await h.service.get(binding.id);
    const unchanged = (what: string) => async () => {
      const read = await h.service.get(binding.id).catch((error: unknown) => {
        throw new ConformanceViolation('faults', `after ${what}, get() failed: ${describeError(error)}`);
      });
      conform(
        'faults',
        read.status === before.status,
        `after ${what}, the binding moved from ${before.status} to ${describeBinding(read)}`,
      );
    };
    let completed: Binding | undefined;
    for (const { label, fault } of CONFORMANCE_FAULTS) {
      const what = `${options.complete} under ${label}`;
      const result = await underFault(h, fault, 0, {
        what,
        call: () => h.complete(binding.id),
        afterError: unchanged(what),
      });
      if (result.returned) completed = result.value;
      if (completed) break;
    }

    // Callbacks that arrived while the host was down, delivered while the backend fails: one that
    // needs the backend must fail retryably (so the sender tries again), never swallow the failure.
    const held = h.callbacks.received.filter((entry) => entry.held && entry.outcome === undefined);
    const refused: CallbackRequest[] = [];
    if (!completed && held.length > 0) {
      const seenBefore = h.proxy.requests.length;
      h.armFault(fiveHundred);
      const outcomes = await h.callbacks.releaseHeld().finally(() => h.proxy.clear());
      const faulted = h.proxy.requests.slice(seenBefore).some((request) => request.fault !== undefined);
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome.error === undefined) continue;
        conform(
          'faults',
          outcome.error.retryable,
          () => `a callback under HTTP 500 failed with a non-retryable ${describeError(outcome.error)}`,
        );
        const request = held[index]?.request;
        if (request) refused.push(request);
      }
      conform(
        'faults',
        !faulted || refused.length > 0,
        'a callback met HTTP 500 at the backend and was acknowledged anyway: the backend will not send it again',
      );
      if (refused.length === outcomes.length) await unchanged('callbacks under HTTP 500')();
      const now = await h.service.get(binding.id);
      if (now.status === 'succeeded') completed = now;
    }

    for (let after = 1; !completed && after < MAX_CALLS_PER_OPERATION; after++) {
      const what = `${options.complete} with HTTP 500 from request ${after + 1}`;
      const result = await underFault(h, fiveHundred, after, {
        what,
        call: () => h.complete(binding.id),
        afterError: unchanged(what),
      });
      if (result.returned) completed = result.value;
    }

    // The backend sends refused callbacks again later: here, once the faults are gone.
    for (const request of refused) await h.service.handleCallback(options.providerId, request);
    const recovered = await h.complete(binding.id);
    conform(
      'faults',
      recovered.status === 'succeeded',
      () => `after the faults cleared, ${options.complete} gave ${describeBinding(recovered)}, not succeeded`,
    );
    conform(
      'faults',
      (await h.service.listCards(h.customer.id)).length === 1,
      'the faults left other than one saved card',
    );
  });
}
