import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { judge } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import { bytes, spread } from './report/format.js';
import type { ResultRow, Scenario } from './report/scenario.js';
import { ratioSummary } from './measure/ratio.js';

const run = promisify(execFile);

const ProbeOutput = z.object({
  count: z.number(),
  samples: z.object({ store: z.array(z.number()), json: z.array(z.number()) }),
  recordJsonBytes: z.number(),
});

const GOAL_BYTES = 2 * 1024;

export const memory: Scenario = {
  id: '4',
  title: 'memory of pending bindings',
  async run({ quick }) {
    const count = 10_000;
    const rounds = quick ? 2 : 4;
    const probe = fileURLToPath(new URL('./memory-probe.js', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', probe, String(count), String(rounds), '1'],
      {
        maxBuffer: 1024 * 1024,
      },
    );
    const output = ProbeOutput.parse(JSON.parse(stdout));
    const store = summarise(output.samples.store);
    const json = summarise(output.samples.json);
    const row: ResultRow = {
      scenario: '4',
      case: `${count.toLocaleString('en')} pending Payture-like bindings, InMemoryBindingStore`,
      candidate: `${spread(store, bytes)} /binding`,
      baseline: `same records as JSON text: ${bytes(json.p50)} (JSON ${output.recordJsonBytes} B)`,
      ratio: ratioSummary(output.samples.store, output.samples.json),
      goal: `≤ ${bytes(GOAL_BYTES)} /binding`,
      verdict: judge(store.p50, { metric: 'bytes/binding', max: GOAL_BYTES }),
      data: { ...output, store, json },
    };
    return [row];
  },
};
