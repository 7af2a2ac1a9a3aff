import { pollDelay, type PollPolicy } from '@cardbind/core';

/** When an order that closes at `closeAtMs` was seen closed, given the times at which it was polled. */
export interface Detection {
  /** Provider requests made up to and including the one that saw the order closed (or all of them). */
  requests: number;
  detected: boolean;
  /** From the close to the poll that saw it; undefined when no poll saw it. */
  delayMs: number | undefined;
}

/**
 * Polls at `pollTimesMs` (from the start of waiting, ascending) against an order closing at `closeAtMs`
 * (`Infinity` for one that never closes). A poll at the very instant of the close sees it closed.
 */
export function detect(pollTimesMs: readonly number[], closeAtMs: number): Detection {
  const index = pollTimesMs.findIndex((time) => time >= closeAtMs);
  if (index < 0) return { requests: pollTimesMs.length, detected: false, delayMs: undefined };
  const detectedAt = pollTimesMs[index] ?? closeAtMs;
  return { requests: index + 1, detected: true, delayMs: detectedAt - closeAtMs };
}

/**
 * The poll times `CardBindingService.waitForCompletion` would choose for an order that never closes:
 * the same loop (delay from `pollDelay`, cut at the deadline, a last poll at the deadline itself), with
 * the provider answering instantly. The benchmark measures the real service; this is the model it is
 * checked against and the tool for comparing candidate policies without running one.
 */
export function plannedPollTimes(policy: PollPolicy, timeoutMs: number): number[] {
  const times: number[] = [];
  let now = 0;
  let previousDelay = 0;
  for (let attempt = 0; now < timeoutMs; attempt++) {
    const delay = Math.min(pollDelay(policy, attempt, now, previousDelay), timeoutMs - now);
    previousDelay = delay;
    now += Math.ceil(Math.max(0, delay));
    times.push(now);
  }
  return times;
}
