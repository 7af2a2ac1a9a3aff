import { DEFAULT_POLL_POLICY, type PollPolicyInput } from '@cardbind/core';
import { ManualClock } from '@cardbind/testing';
import { ClosingOrderProvider } from './fixtures/closing-order-provider.js';
import { serviceWith } from './fixtures/service-with.js';
import { detect, plannedPollTimes, type Detection } from './measure/poll-count.js';
import { judge } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import { seconds } from './report/format.js';
import type { ResultRow, Scenario } from './report/scenario.js';

const FIVE_MINUTES = 300_000;

/** LitRes's mobile app polls r_check_order every 3 s: the naive schedule the default is compared with. */
const FIXED_3S: PollPolicyInput = { initialDelayMs: 3_000, intervalMs: 3_000, fastPhaseMs: FIVE_MINUTES };

/** Keeps polling every 2.5 s for one interval past LitRes's 30 s, where the default starts backing off. */
const PROPOSED_POLICY: PollPolicyInput = { fastPhaseMs: 32_500 };

interface WaitRun extends Detection {
  status: string;
  pollTimesMs: number[];
}

/**
 * Drives the real CardBindingService.waitForCompletion with a simulated clock that jumps over every
 * sleep, against an order closing `closeAfterMs` after waiting began. Deterministic: one run is exact.
 */
async function waitFor(closeAfterMs: number, pollPolicy?: PollPolicyInput): Promise<WaitRun> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
  const provider = new ClosingOrderProvider(clock, closeAfterMs);
  // LitRes's 5-minute rule as the binding's own deadline: the wait ends there.
  const service = serviceWith([provider], { clock, service: { defaultTtlMs: FIVE_MINUTES } });
  const started = await service.start({ provider: provider.id, customer: { id: 'customer-1' } });
  provider.waitStartedAt = clock.now().getTime();
  const ended = await service.waitForCompletion(started.id, pollPolicy ? { pollPolicy } : {});
  return {
    status: ended.status,
    pollTimesMs: provider.pollTimesMs,
    ...detect(provider.pollTimesMs, closeAfterMs),
  };
}

function describe(run: WaitRun): string {
  const delay =
    run.delayMs === undefined
      ? `${run.status} at ${seconds(lastPoll(run))}`
      : `delay ${seconds(run.delayMs)}`;
  return `${run.requests} req, ${delay}`;
}

function lastPoll(run: WaitRun): number {
  return run.pollTimesMs[run.pollTimesMs.length - 1] ?? 0;
}

export const pollingCost: Scenario = {
  id: '3',
  title: 'polling cost (simulated clock)',
  async run() {
    const rows: ResultRow[] = [];
    const policy = `default policy (${DEFAULT_POLL_POLICY.initialDelayMs}/${DEFAULT_POLL_POLICY.intervalMs} ms, fast ${DEFAULT_POLL_POLICY.fastPhaseMs / 1000} s, ×${DEFAULT_POLL_POLICY.backoffFactor} to ${DEFAULT_POLL_POLICY.maxIntervalMs / 1000} s)`;

    for (const closeAfterMs of [5_000, 30_000]) {
      const candidate = await waitFor(closeAfterMs);
      const baseline = await waitFor(closeAfterMs, FIXED_3S);
      const delayMs = candidate.delayMs ?? Infinity;
      const goalMet =
        closeAfterMs === 30_000
          ? judge(candidate.requests, { metric: 'req', max: 12 }) === 'met' && delayMs <= 2_000
          : undefined;
      rows.push({
        scenario: '3',
        case: `close at ${closeAfterMs / 1000} s`,
        candidate: describe(candidate),
        baseline: `fixed 3 s: ${describe(baseline)}`,
        ratio: summarise([candidate.requests / baseline.requests]),
        ...(closeAfterMs === 30_000 ? { goal: '≤ 12 req, delay ≤ 2 s' } : {}),
        verdict: goalMet === undefined ? 'info' : goalMet ? 'met' : 'missed',
        data: { policy, closeAfterMs, candidate, baseline },
      });
    }

    // The phase of a close against the schedule is luck: sweep closes over 27.5–32.5 s.
    const windowCloses = Array.from({ length: 20 }, (_, step) => 27_500 + (5_000 * (step + 1)) / 20);
    const sweep: WaitRun[] = [];
    const sweepBaseline: WaitRun[] = [];
    for (const closeAfterMs of windowCloses) {
      sweep.push(await waitFor(closeAfterMs));
      sweepBaseline.push(await waitFor(closeAfterMs, FIXED_3S));
    }
    const worst = (runs: WaitRun[]): string => {
      const delays = summarise(runs.map((run) => run.delayMs ?? Infinity));
      const requests = summarise(runs.map((run) => run.requests));
      return `${requests.min}–${requests.max} req, delay p50 ${seconds(delays.p50)} max ${seconds(delays.max)}`;
    };
    // The change proposed in docs/performance.md, run through the same service, next to the default.
    const proposal: WaitRun[] = [];
    for (const closeAfterMs of windowCloses) proposal.push(await waitFor(closeAfterMs, PROPOSED_POLICY));
    const proposalAbandoned = await waitFor(Infinity, PROPOSED_POLICY);
    const proposalAt30 = await waitFor(30_000, PROPOSED_POLICY);
    rows.push({
      scenario: '3',
      case: 'close in 27.5–32.5 s (20 phases)',
      candidate: worst(sweep),
      baseline: `fixed 3 s: ${worst(sweepBaseline)}`,
      ratio: summarise(sweep.map((run, index) => run.requests / (sweepBaseline[index]?.requests ?? 1))),
      verdict: 'info',
      data: {
        closesMs: windowCloses,
        candidate: sweep.map(({ requests, delayMs }) => ({ requests, delayMs })),
        baseline: sweepBaseline.map(({ requests, delayMs }) => ({ requests, delayMs })),
      },
    });

    rows.push({
      scenario: '3',
      case: 'proposed fastPhaseMs 32 500: 27.5–32.5 s / 30 s / never',
      candidate: `${worst(proposal)}; at 30 s ${describe(proposalAt30)}; never ${proposalAbandoned.requests} req`,
      baseline: `default: ${worst(sweep)}`,
      ratio: summarise(proposal.map((run, index) => run.requests / (sweep[index]?.requests ?? 1))),
      verdict: 'info',
      data: {
        policy: PROPOSED_POLICY,
        window: proposal.map(({ requests, delayMs }) => ({ requests, delayMs })),
        at30: proposalAt30.requests,
        abandoned: proposalAbandoned.requests,
      },
    });

    const abandoned = await waitFor(Infinity);
    const abandonedBaseline = await waitFor(Infinity, FIXED_3S);
    const planned = plannedPollTimes(DEFAULT_POLL_POLICY, FIVE_MINUTES);
    if (planned.join() !== abandoned.pollTimesMs.join()) {
      // The model in measure/poll-count.ts is what the docs reason with: it must match the service.
      throw new Error(
        `poll model disagrees with the service: ${planned.join()} vs ${abandoned.pollTimesMs.join()}`,
      );
    }
    rows.push({
      scenario: '3',
      case: 'never closes (5 min deadline)',
      candidate: describe(abandoned),
      baseline: `fixed 3 s: ${describe(abandonedBaseline)}`,
      ratio: summarise([abandoned.requests / abandonedBaseline.requests]),
      goal: '≤ 40 req',
      verdict:
        abandoned.status === 'expired' ? judge(abandoned.requests, { metric: 'req', max: 40 }) : 'missed',
      data: { candidate: abandoned, baseline: abandonedBaseline },
    });
    return rows;
  },
};
