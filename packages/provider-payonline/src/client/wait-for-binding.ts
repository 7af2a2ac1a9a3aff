import { DEFAULT_POLL_TIMEOUT_MS, pollBinding, type PollBindingOptions } from '@cardbind/core/client';

export type WaitForBindingResult<S> =
  /** The binding reached succeeded, failed or expired. */
  | { readonly kind: 'finished'; readonly binding: S }
  /**
   * Still open after the deadline (5 minutes by default, LitRes's form-params spec's rule): tell the
   * customer the card could not be saved. `binding` is the last answer, if any poll succeeded.
   */
  | { readonly kind: 'timed_out'; readonly binding: S | undefined; readonly message: string };

export const TIMED_OUT_MESSAGE =
  'The card could not be confirmed in time. Please try again; if money was held, it will be returned.';

/**
 * After PayOnline accepted the card, ask the backend (`fetchStatus`, e.g. a GET of the binding) until
 * the binding finishes. PayOnline's "accepted" is not "saved": only this answer is.
 */
export async function waitForBinding<S extends { status: string }>(
  fetchStatus: (signal?: AbortSignal) => Promise<S>,
  options: PollBindingOptions<S> = {},
): Promise<WaitForBindingResult<S>> {
  const result = await pollBinding(fetchStatus, {
    ...options,
    timeoutMs: options.timeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
  });
  if (!result.timedOut) return { kind: 'finished', binding: result.last };
  return { kind: 'timed_out', binding: result.last, message: TIMED_OUT_MESSAGE };
}
