import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICY, PollPolicy, type PollPolicyInput } from '@cardbind/core';
import { ManualClock } from '@cardbind/testing';
import { ClosingOrderProvider } from '../src/fixtures/closing-order-provider.js';
import { serviceWith } from '../src/fixtures/service-with.js';
import { detect, plannedPollTimes } from '../src/measure/poll-count.js';

describe('detect', () => {
  const polls = [2_500, 5_000, 7_500, 10_000];

  it('counts the requests up to and including the poll that saw the close', () => {
    expect(detect(polls, 6_000)).toEqual({ requests: 3, detected: true, delayMs: 1_500 });
  });

  it('sees a close at the very instant of a poll on that poll', () => {
    expect(detect(polls, 5_000)).toEqual({ requests: 2, detected: true, delayMs: 0 });
  });

  it('counts every request for an order that never closes (or closes after the last poll)', () => {
    expect(detect(polls, Number.POSITIVE_INFINITY)).toEqual({
      requests: 4,
      detected: false,
      delayMs: undefined,
    });
    expect(detect(polls, 10_001).detected).toBe(false);
    expect(detect([], 1).requests).toBe(0);
  });
});

/** The service's real poll times for an order that never closes, on a simulated clock. */
async function servicePollTimes(timeoutMs: number, pollPolicy?: PollPolicyInput): Promise<number[]> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
  const provider = new ClosingOrderProvider(clock, Number.POSITIVE_INFINITY);
  // The binding's own deadline ends the wait (a caller's timeoutMs would only stop waiting).
  const service = serviceWith([provider], { clock, service: { defaultTtlMs: timeoutMs } });
  const started = await service.start({ provider: provider.id, customer: { id: 'c1' } });
  provider.waitStartedAt = clock.now().getTime();
  const ended = await service.waitForCompletion(started.id, pollPolicy ? { pollPolicy } : {});
  expect(ended.status).toBe('expired');
  return provider.pollTimesMs;
}

describe('plannedPollTimes', () => {
  const policies: Record<string, PollPolicyInput | undefined> = {
    default: undefined,
    'fixed 3 s': { initialDelayMs: 3_000, intervalMs: 3_000, fastPhaseMs: 300_000 },
    'fast back-off': { initialDelayMs: 1_000, intervalMs: 1_000, fastPhaseMs: 5_000, backoffFactor: 2 },
    'odd numbers': { initialDelayMs: 777, intervalMs: 1_333, fastPhaseMs: 10_001, maxIntervalMs: 9_999 },
  };

  for (const [name, input] of Object.entries(policies)) {
    it(`matches CardBindingService.waitForCompletion poll for poll (${name})`, async () => {
      const policy = input ? PollPolicy.parse(input) : DEFAULT_POLL_POLICY;
      for (const timeoutMs of [60_000, 300_000]) {
        expect(plannedPollTimes(policy, timeoutMs)).toEqual(await servicePollTimes(timeoutMs, input));
      }
    });
  }

  it('polls once more at the deadline itself and never after it', () => {
    const times = plannedPollTimes(PollPolicy.parse({ intervalMs: 7_000, initialDelayMs: 7_000 }), 60_000);
    expect(times.at(-1)).toBe(60_000);
    expect(times.filter((time) => time > 60_000)).toEqual([]);
    expect(times.at(-2)).toBeLessThan(60_000);
  });

  it('never polls twice at the same time', () => {
    const times = plannedPollTimes(DEFAULT_POLL_POLICY, 300_000);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
