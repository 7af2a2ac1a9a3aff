import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { interleave } from './measure/interleave.js';
import { judge, ratioSummary } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import { bytes, ms } from './report/format.js';
import type { ResultRow, Scenario } from './report/scenario.js';

const run = promisify(execFile);

/** The pool size of cardbind's HTTP client (core's default maxSockets); the got baseline uses the same. */
const MAX_SOCKETS = 64;
const COUNT = 1_000;

const Burst = z.object({
  latency: z.object({
    n: z.number(),
    min: z.number(),
    p50: z.number(),
    p99: z.number(),
    max: z.number(),
    mean: z.number(),
  }),
  errors: z.number(),
  apiSockets: z.number(),
  pageSockets: z.number(),
  peakRss: z.number(),
  rssGrowth: z.number(),
  wallMs: z.number(),
  cpuMs: z.number(),
  requests: z.number(),
});
type Burst = z.infer<typeof Burst>;

/** One burst in a fresh process (see concurrency-probe.ts), so peak RSS belongs to that burst alone. */
async function burst(flow: 'cardbind' | 'got'): Promise<Burst> {
  const probe = fileURLToPath(new URL('./concurrency-probe.js', import.meta.url));
  const { stdout } = await run(process.execPath, [probe, flow, String(COUNT)], { maxBuffer: 1024 * 1024 });
  return Burst.parse(JSON.parse(stdout));
}

export const concurrency: Scenario = {
  id: '2',
  title: 'concurrency (1,000 Payture bindings at once)',
  async run({ quick, log }) {
    const bursts: Record<'cardbind' | 'got', Burst[]> = { cardbind: [], got: [] };
    await interleave(
      (['cardbind', 'got'] as const).map((flow) => ({
        name: flow,
        run: async () => {
          const result = await burst(flow);
          bursts[flow].push(result);
          log(`${flow}: ${ms(result.wallMs)} wall, ${ms(result.cpuMs)} CPU, p99 ${ms(result.latency.p99)}`);
          return result.wallMs;
        },
      })),
      { warmup: 0, rounds: quick ? 1 : 2 },
    );
    const { cardbind, got } = bursts;
    const figure = (runs: Burst[], pick: (run: Burst) => number): number[] => runs.map(pick);
    const median = (values: number[]): number => summarise(values).p50;
    const total = (values: number[]): number => values.reduce((sum, value) => sum + value, 0);
    const errors = total(figure(cardbind, (run) => run.errors));
    const apiSockets = Math.max(...figure(cardbind, (run) => run.apiSockets));
    const perBindingCpu = (runs: Burst[]) => figure(runs, (run) => run.cpuMs / (COUNT + 100));
    return [
      {
        scenario: '2',
        case: `${COUNT} at once: errors`,
        candidate: `${errors} errors in ${cardbind.length * COUNT}`,
        baseline: `got ${total(figure(got, (run) => run.errors))} errors`,
        goal: '0 errors',
        verdict: errors === 0 ? 'met' : 'missed',
        data: { count: COUNT, rounds: cardbind.length, requests: figure(cardbind, (run) => run.requests) },
      },
      {
        scenario: '2',
        case: `${COUNT} at once: latency p50 / p99`,
        candidate: `${ms(median(figure(cardbind, (run) => run.latency.p50)))} / ${ms(median(figure(cardbind, (run) => run.latency.p99)))}`,
        baseline: `got ${ms(median(figure(got, (run) => run.latency.p50)))} / ${ms(median(figure(got, (run) => run.latency.p99)))}`,
        ratio: ratioSummary(
          figure(cardbind, (run) => run.latency.p99),
          figure(got, (run) => run.latency.p99),
        ),
        verdict: 'info',
        data: { cardbind: cardbind.map((run) => run.latency), got: got.map((run) => run.latency) },
      },
      {
        scenario: '2',
        case: `${COUNT} at once: CPU per binding (client + emulator)`,
        candidate: ms(median(perBindingCpu(cardbind))),
        baseline: `got ${ms(median(perBindingCpu(got)))}`,
        ratio: ratioSummary(perBindingCpu(cardbind), perBindingCpu(got)),
        verdict: 'info',
        data: { cardbind: perBindingCpu(cardbind), got: perBindingCpu(got) },
      },
      {
        scenario: '2',
        case: `${COUNT} at once: provider sockets opened`,
        candidate: `${apiSockets} for ${(COUNT + 100) * 4} vwapi requests`,
        baseline: `got ${Math.max(...figure(got, (run) => run.apiSockets))}`,
        goal: `≤ ${MAX_SOCKETS} (the pool)`,
        verdict: judge(apiSockets, { metric: 'sockets', max: MAX_SOCKETS }),
        data: {
          cardbind: figure(cardbind, (run) => run.apiSockets),
          got: figure(got, (run) => run.apiSockets),
          pageSockets: figure(cardbind, (run) => run.pageSockets),
        },
      },
      {
        scenario: '2',
        case: `${COUNT} at once: peak RSS (growth in the burst)`,
        candidate: `${bytes(median(figure(cardbind, (run) => run.peakRss)))} (+${bytes(median(figure(cardbind, (run) => run.rssGrowth)))})`,
        baseline: `got ${bytes(median(figure(got, (run) => run.peakRss)))} (+${bytes(median(figure(got, (run) => run.rssGrowth)))})`,
        ratio: ratioSummary(
          figure(cardbind, (run) => run.peakRss),
          figure(got, (run) => run.peakRss),
        ),
        verdict: 'info',
        data: { cardbind: figure(cardbind, (run) => run.peakRss), got: figure(got, (run) => run.peakRss) },
      },
    ] satisfies ResultRow[];
  },
};
