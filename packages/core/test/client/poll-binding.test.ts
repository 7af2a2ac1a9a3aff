import { describe, it, expect } from 'vitest';
import { CardBindingError, pollBinding, type PollClock } from '../../src/client/index.js';
import { expectCardRejection } from './fixtures.js';

/** A clock whose sleep returns at once and moves time forward, recording every delay. */
function fakeClock(): PollClock & { sleeps: number[]; time(): number } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    time: () => time,
    now: () => time,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted while sleeping');
      sleeps.push(ms);
      time += ms;
    },
  };
}

type Answer = { status: string; bindingId: string };

/** fetchStatus that plays back `script`; an Error entry is thrown, the last entry repeats. */
function scripted(script: Array<string | Error>): (() => Promise<Answer>) & { calls: number } {
  const fetchStatus = Object.assign(
    async (): Promise<Answer> => {
      const step = script[Math.min(fetchStatus.calls, script.length - 1)];
      fetchStatus.calls++;
      if (step instanceof Error) throw step;
      return { status: step ?? 'processing', bindingId: 'b1' };
    },
    { calls: 0 },
  );
  return fetchStatus;
}

describe('pollBinding', () => {
  it('stops at the first terminal status and returns it with its data', async () => {
    for (const terminal of ['succeeded', 'failed', 'expired']) {
      const clock = fakeClock();
      const fetchStatus = scripted(['processing', 'requires_action', terminal]);
      const result = await pollBinding(fetchStatus, { clock });
      expect(result).toEqual({ timedOut: false, last: { status: terminal, bindingId: 'b1' } });
      expect(fetchStatus.calls).toBe(3);
      expect(clock.sleeps).toEqual([2_500, 2_500, 2_500]);
    }
  });

  it('uses a fixed interval when intervalMs is given', async () => {
    const clock = fakeClock();
    await pollBinding(scripted(['processing', 'processing', 'succeeded']), { clock, intervalMs: 3_000 });
    expect(clock.sleeps).toEqual([3_000, 3_000, 3_000]);
  });

  it('backs off after the fast phase, as the policy says', async () => {
    const clock = fakeClock();
    await pollBinding(scripted(['processing']), { clock, timeoutMs: 120_000 });
    expect(clock.sleeps.slice(0, 12)).toEqual([
      2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500,
    ]);
    expect(clock.sleeps.slice(12, 14)).toEqual([3_750, 5_625]);
    // Each later delay grows by the factor (give or take rounding) until the 20 s cap.
    const backoff = clock.sleeps.slice(13, -1);
    backoff.slice(1).forEach((delay, i) => {
      const previous = backoff[i] ?? 0;
      expect(Math.abs(delay - Math.min(20_000, previous * 1.5))).toBeLessThanOrEqual(1);
    });
    expect(Math.max(...clock.sleeps)).toBe(20_000);
  });

  it('times out after 5 minutes by default, polling once more at the deadline, and returns the last status', async () => {
    const clock = fakeClock();
    const fetchStatus = scripted(['processing']);
    const result = await pollBinding(fetchStatus, { clock, intervalMs: 3_000 });
    expect(result).toEqual({ timedOut: true, last: { status: 'processing', bindingId: 'b1' } });
    expect(clock.time()).toBe(300_000);
    expect(fetchStatus.calls).toBe(100);
  });

  it('honours a custom timeout and clips the last sleep to the deadline', async () => {
    const clock = fakeClock();
    const result = await pollBinding(scripted(['processing']), {
      clock,
      intervalMs: 4_000,
      timeoutMs: 10_000,
    });
    expect(result.timedOut).toBe(true);
    expect(clock.sleeps).toEqual([4_000, 4_000, 2_000]);
  });

  it('retries transient fetch errors until the deadline', async () => {
    const clock = fakeClock();
    const fetchStatus = scripted([
      new TypeError('Network request failed'),
      new TypeError('timeout'),
      'succeeded',
    ]);
    const result = await pollBinding(fetchStatus, { clock });
    expect(result).toEqual({ timedOut: false, last: { status: 'succeeded', bindingId: 'b1' } });
    expect(fetchStatus.calls).toBe(3);
  });

  it('treats an answer without a status as a transient failure', async () => {
    const clock = fakeClock();
    let calls = 0;
    const fetchStatus = async (): Promise<{ status: string }> => {
      const answer = { status: 'failed' };
      // What a misbehaving proxy might hand back: an object without `status`.
      if (calls++ === 0) Reflect.deleteProperty(answer, 'status');
      return answer;
    };
    const result = await pollBinding(fetchStatus, { clock });
    expect(result).toEqual({ timedOut: false, last: { status: 'failed' } });
  });

  it('reports the last error when every poll failed until the deadline', async () => {
    const clock = fakeClock();
    const network = new TypeError('Network request failed');
    const result = await pollBinding(scripted([network]), { clock, timeoutMs: 10_000, intervalMs: 5_000 });
    expect(result).toEqual({ timedOut: true, last: undefined, lastError: network });
  });

  it('rethrows a non-retryable CardBindingError at once', async () => {
    const clock = fakeClock();
    const notFound = new CardBindingError('BINDING_NOT_FOUND', 'No such binding');
    const fetchStatus = scripted(['processing', notFound]);
    await expectCardRejection(pollBinding(fetchStatus, { clock }), 'BINDING_NOT_FOUND');
    expect(fetchStatus.calls).toBe(2);
  });

  it('lets the app decide what is transient and what is terminal', async () => {
    const clock = fakeClock();
    await expect(
      pollBinding(scripted([new TypeError('boom')]), { clock, isTransientError: () => false }),
    ).rejects.toThrow('boom');
    const result = await pollBinding(scripted(['processing', 'requires_action']), {
      clock: fakeClock(),
      isTerminal: (answer) => answer.status !== 'processing',
    });
    expect(result.last?.status).toBe('requires_action');
  });

  it('throws ABORTED when aborted before start, while sleeping or while fetching', async () => {
    const before = new AbortController();
    before.abort();
    await expectCardRejection(
      pollBinding(scripted(['processing']), { clock: fakeClock(), signal: before.signal }),
      'ABORTED',
    );

    const during = new AbortController();
    const fetchStatus = scripted(['processing']);
    const clock = fakeClock();
    const sleepThenAbort: PollClock = {
      now: clock.now,
      sleep: async (ms, signal) => {
        if (clock.sleeps.length === 2) during.abort();
        await clock.sleep(ms, signal);
      },
    };
    await expectCardRejection(
      pollBinding(fetchStatus, { clock: sleepThenAbort, signal: during.signal }),
      'ABORTED',
    );
    expect(fetchStatus.calls).toBe(2);

    const inFetch = new AbortController();
    let receivedSignal: AbortSignal | undefined;
    const hanging = (signal?: AbortSignal): Promise<{ status: string }> => {
      receivedSignal = signal;
      inFetch.abort();
      return new Promise(() => undefined);
    };
    await expectCardRejection(
      pollBinding(hanging, { clock: fakeClock(), signal: inFetch.signal }),
      'ABORTED',
    );
    expect(receivedSignal).toBe(inFetch.signal);
  });

  it('refuses a nonsensical configuration', async () => {
    await expectCardRejection(pollBinding(scripted(['succeeded']), { timeoutMs: 0 }), 'CONFIG_INVALID');
    await expectCardRejection(
      pollBinding(scripted(['succeeded']), { intervalMs: Number.NaN }),
      'CONFIG_INVALID',
    );
    await expectCardRejection(
      pollBinding(scripted(['succeeded']), { policy: { backoffFactor: 0.5 } }),
      'CONFIG_INVALID',
    );
  });

  it('works on the real clock with setTimeout, and aborts a real sleep promptly', async () => {
    const result = await pollBinding(scripted(['processing', 'succeeded']), {
      intervalMs: 5,
      timeoutMs: 1_000,
    });
    expect(result.last?.status).toBe('succeeded');

    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expectCardRejection(
      pollBinding(scripted(['processing']), { intervalMs: 60_000, signal: controller.signal }),
      'ABORTED',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
