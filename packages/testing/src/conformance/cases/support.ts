import { type Binding, CardBindingError } from '@cardbind/core';

export function describeBinding(binding: Binding): string {
  if (!binding.failure) return binding.status;
  const raw =
    binding.failure.providerCode === undefined ? '' : `, provider code ${binding.failure.providerCode}`;
  return `${binding.status} (${binding.failure.code}${raw})`;
}

export function describeError(error: unknown): string {
  if (CardBindingError.is(error)) {
    const raw = error.providerCode === undefined ? '' : ` ${error.providerCode}`;
    return `CardBindingError ${error.code}${raw} retryable=${String(error.retryable)}: ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'stuck' };

/**
 * Waits for `work`, but no longer than `ms` of real time. Not a timing assertion: a guard so that a
 * provider that never gives up on a hung connection fails with a message instead of a test timeout.
 */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'stuck' }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Settled<T> => ({ kind: 'value', value }),
        (error: unknown): Settled<T> => ({ kind: 'error', error }),
      ),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every key anywhere in a JSON-like value. */
export function keysOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      keysOf(item, into);
    }
  }
  return into;
}
