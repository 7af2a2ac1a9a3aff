import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backgroundWork } from './background-work.js';
import { charges } from './charges.js';
import { coldStart } from './cold-start.js';
import { concurrency } from './concurrency.js';
import { durableState } from './durable-state.js';
import { frameworkOverhead } from './framework-overhead.js';
import { memory } from './memory.js';
import { payonlineInit } from './payonline-init.js';
import { pollingCost } from './polling-cost.js';
import type { Scenario, ScenarioResult } from './report/scenario.js';
import { markdownTable, textTable } from './report/table.js';
import { resultsFile, writeResults } from './report/write-results.js';

const SCENARIOS: readonly Scenario[] = [
  frameworkOverhead,
  concurrency,
  pollingCost,
  memory,
  coldStart,
  payonlineInit,
  durableState,
  backgroundWork,
  charges,
];

const USAGE = `Usage: pnpm bench [--quick] [--only 1,3] [--out FILE] [--markdown]
  --quick     fewer rounds (about half the time)
  --only      run only these scenarios (ids 1-9)
  --out       where to write the JSON results (default bench/results/latest.json for a full run,
              quick.tmp.json or partial.tmp.json otherwise)
  --markdown  also print the table as Markdown (for docs/performance.md)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.only?.split(',').map((id) => id.trim());
  const selected = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
  const quick = values.quick;
  // Only a full run replaces the committed latest.json; partial and quick runs go to git-ignored files.
  const name = quick ? 'quick.tmp' : only ? 'partial.tmp' : 'latest';
  const out = values.out ?? fileURLToPath(new URL(`../results/${name}.json`, import.meta.url));

  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    const started = performance.now();
    console.error(`▶ ${scenario.id} ${scenario.title}`);
    const log = (message: string): void => console.error(`  ${message}`);
    try {
      const rows = await scenario.run({ quick, log });
      results.push({ id: scenario.id, title: scenario.title, rows, durationMs: performance.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`  failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      results.push({
        id: scenario.id,
        title: scenario.title,
        rows: [],
        error: message,
        durationMs: performance.now() - started,
      });
    }
    console.error(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  console.log(textTable(results));
  if (values.markdown) console.log(`\n${markdownTable(results)}`);
  writeResults(out, resultsFile(results, quick));
  console.error(`results written to ${out}`);
  const failed = results.some((result) => result.error !== undefined);
  return failed ? 1 : 0;
}

process.exitCode = await main();
