import { CardBindingError } from '../errors.js';

/** Time, injectable so that tests and benchmarks can run a 5-minute deadline in milliseconds. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or rejects with an ABORTED CardBindingError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function abortError(signal: AbortSignal): CardBindingError {
  return new CardBindingError('ABORTED', 'The operation was aborted', { cause: signal.reason });
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal ? abortError(signal) : new Error('aborted'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      // A poll loop's wait (up to waitForCompletion's 5 minutes) must not keep a host process alive
      // after it closed its server: whatever still needs the process holds a handle of its own.
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
