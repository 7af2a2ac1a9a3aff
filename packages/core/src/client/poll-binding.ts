import { z } from 'zod';
import { CardBindingError } from '../errors.js';
import { PollPolicy, pollDelay, type PollPolicyInput } from './poll-policy.js';

/** Binding statuses after which nothing changes any more (core's binding state machine). */
export const TERMINAL_BINDING_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'expired']);

/** LitRes's form-params spec: an order still pending after 5 minutes is reported as failed. */
export const DEFAULT_POLL_TIMEOUT_MS = 300_000;

/** Time as the poller sees it; injectable so tests run without waiting. */
export interface PollClock {
  now(): number;
  /** Resolves after `ms`; rejects promptly when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface PollBindingOptions<S> {
  /** Give up after this long and report `timedOut`. Default 5 minutes, LitRes's form-params spec's rule. */
  timeoutMs?: number;
  /** A fixed delay before every poll, instead of the policy's brisk-then-backing-off schedule. */
  intervalMs?: number;
  signal?: AbortSignal;
  policy?: PollPolicyInput;
  clock?: PollClock;
  /** When to stop. Default: the status is succeeded, failed or expired. */
  isTerminal?: (result: S) => boolean;
  /**
   * Which fetch failures to retry (until the deadline). Default: every error except a non-retryable
   * CardBindingError, because a dropped connection on a phone is routine while, say, an unknown binding
   * will not fix itself.
   */
  isTransientError?: (error: unknown) => boolean;
}

/**
 * `last` is the last answer received. On a timeout it may still be non-terminal (or undefined if every
 * poll failed, with `lastError` saying why): the app must then tell the customer it did not work.
 */
export type PollBindingResult<S> =
  | { readonly timedOut: false; readonly last: S }
  | { readonly timedOut: true; readonly last: S | undefined; readonly lastError?: unknown };

// What the poller needs from every answer; it crosses from app code (and the network), so it is checked.
const StatusAnswer = z.object({ status: z.string() });

function abortedError(): CardBindingError {
  return new CardBindingError('ABORTED', 'Polling was aborted');
}

/** setTimeout-based, so it runs in browsers and React Native as well as Node. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemPollClock: PollClock = { now: () => Date.now(), sleep };

/** Settles with `promise`, or rejects with ABORTED as soon as `signal` aborts, whichever is first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError());
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function isTransientByDefault(error: unknown): boolean {
  return CardBindingError.is(error) ? error.retryable : true;
}

function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new CardBindingError('CONFIG_INVALID', `${name} must be a positive number of milliseconds`);
  }
  return value;
}

/**
 * Ask `fetchStatus` (the app's call to its backend's binding/order check) until the binding reaches a
 * terminal status or `timeoutMs` passes. The processor's "accepted" is not "saved": only this answer
 * is. A poll is always made at the deadline itself, so a binding that closes late is still seen.
 * Throws CardBindingError('ABORTED') when `signal` aborts, and rethrows non-transient fetch errors.
 */
export async function pollBinding<S extends { status: string }>(
  fetchStatus: (signal?: AbortSignal) => Promise<S>,
  options: PollBindingOptions<S> = {},
): Promise<PollBindingResult<S>> {
  const clock = options.clock ?? systemPollClock;
  const { signal } = options;
  const timeoutMs = positiveMs('timeoutMs', options.timeoutMs ?? DEFAULT_POLL_TIMEOUT_MS);
  const intervalMs =
    options.intervalMs === undefined ? undefined : positiveMs('intervalMs', options.intervalMs);
  const policy = PollPolicy.safeParse(options.policy ?? {});
  if (!policy.success) throw new CardBindingError('CONFIG_INVALID', 'The poll policy is not valid');
  const isTerminal = options.isTerminal ?? ((result: S) => TERMINAL_BINDING_STATUSES.has(result.status));
  const isTransient = options.isTransientError ?? isTransientByDefault;

  const start = clock.now();
  const deadline = start + timeoutMs;
  let last: S | undefined;
  let lastError: unknown;
  let previousDelay = 0;

  for (let attempt = 0; ; attempt++) {
    const now = clock.now();
    const remaining = deadline - now;
    if (remaining <= 0) return { timedOut: true, last, ...(lastError === undefined ? {} : { lastError }) };
    const delay = Math.min(
      remaining,
      intervalMs ?? pollDelay(policy.data, attempt, now - start, previousDelay),
    );
    previousDelay = delay;

    try {
      await clock.sleep(delay, signal);
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      throw error;
    }
    if (signal?.aborted) throw abortedError();

    try {
      const answer = await untilAborted(fetchStatus(signal), signal);
      if (!StatusAnswer.safeParse(answer).success) {
        throw new CardBindingError('PROVIDER_UNAVAILABLE', 'The status answer has no status');
      }
      last = answer;
      lastError = undefined;
      if (isTerminal(answer)) return { timedOut: false, last: answer };
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      if (!isTransient(error)) throw error;
      lastError = error;
    }
  }
}
