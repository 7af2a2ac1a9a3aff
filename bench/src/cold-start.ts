import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { interleave } from './measure/interleave.js';
import { judge, ratioSummary } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import { ms, spread } from './report/format.js';
import type { ResultRow, Scenario } from './report/scenario.js';

const run = promisify(execFile);

/** Where bare specifiers resolve from: bench/, whose node_modules links the workspace packages. */
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

const GOAL_MS = 150;

/** The modules a host imports, from the built dist (the `import` export condition), as it would. */
export const COLD_START_MODULES = [
  '@cardbind/core',
  '@cardbind/core/client',
  '@cardbind/provider-payture',
  '@cardbind/provider-payonline',
] as const;

const Timing = z.object({ importMs: z.number(), readyMs: z.number() });
type Timing = z.infer<typeof Timing> & { wallMs: number };

/**
 * A fresh Node process that imports `specifier` (or nothing) and reports the import's own duration and
 * the time from process start to the import's end; the parent also times spawn-to-exit.
 */
async function coldImport(specifier: string | undefined): Promise<Timing> {
  const target = specifier === undefined ? 'data:text/javascript,' : specifier;
  const script = [
    'const started = performance.now();',
    `await import(${JSON.stringify(target)});`,
    'const ended = performance.now();',
    'process.stdout.write(JSON.stringify({ importMs: ended - started, readyMs: ended }));',
  ].join('\n');
  const spawned = performance.now();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: BENCH_DIR });
  const wallMs = performance.now() - spawned;
  return { ...Timing.parse(JSON.parse(stdout)), wallMs };
}

async function canResolve(specifier: string): Promise<boolean> {
  try {
    await coldImport(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Core's own heavy dependencies, alone: what no change inside cardbind can make cheaper. */
export const DEPENDENCY_MODULES = ['inversify', 'zod', 'got'] as const;

export const coldStart: Scenario = {
  id: '5',
  title: 'cold start (fresh node process)',
  async run({ quick, log }) {
    const rounds = quick ? 5 : 11;
    const specifiers: string[] = [];
    const unresolved: string[] = [];
    for (const specifier of [...COLD_START_MODULES, ...DEPENDENCY_MODULES]) {
      if (await canResolve(specifier)) specifiers.push(specifier);
      else unresolved.push(specifier);
    }
    // One baseline process per round, interleaved with every candidate: each ratio pairs with it.
    const timings = new Map<string, Timing[]>([
      ['', []],
      ...specifiers.map((s): [string, Timing[]] => [s, []]),
    ]);
    await interleave(
      [undefined, ...specifiers].map((specifier) => ({
        name: specifier ?? '',
        run: async () => {
          const timing = await coldImport(specifier);
          timings.get(specifier ?? '')?.push(timing);
          return timing.wallMs;
        },
      })),
      { warmup: 0, rounds },
    );
    const baseline = timings.get('') ?? [];
    const baselineWall = summarise(baseline.map((timing) => timing.wallMs));
    const rows: ResultRow[] = [];
    for (const specifier of [...COLD_START_MODULES, ...DEPENDENCY_MODULES]) {
      const isDependency = DEPENDENCY_MODULES.some((dependency) => dependency === specifier);
      const name = isDependency ? `import('${specifier}') alone (dependency)` : `import('${specifier}')`;
      const candidate = timings.get(specifier);
      if (!candidate) {
        log(`${specifier}: not importable (not built, or nothing exported yet): skipped`);
        rows.push({
          scenario: '5',
          case: name,
          candidate: 'not importable (not built, or nothing exported yet)',
          baseline: '',
          verdict: 'info',
          data: { specifier, skipped: true },
        });
        continue;
      }
      const importMs = summarise(candidate.map((timing) => timing.importMs));
      const wall = summarise(candidate.map((timing) => timing.wallMs));
      rows.push({
        scenario: '5',
        case: name,
        candidate: `import ${spread(importMs, ms)}; process ${ms(wall.p50)}`,
        baseline: `empty module: process ${ms(baselineWall.p50)}`,
        ratio: ratioSummary(
          candidate.map((timing) => timing.wallMs),
          baseline.map((timing) => timing.wallMs),
        ),
        ...(isDependency ? {} : { goal: `import ≤ ${GOAL_MS} ms` }),
        verdict: isDependency ? 'info' : judge(importMs.p50, { metric: 'import ms', max: GOAL_MS }),
        data: { specifier, importMs, wallMs: wall, baselineWallMs: baselineWall, rounds },
      });
    }
    if (unresolved.length > 0) log(`not importable: ${unresolved.join(', ')}`);
    return rows;
  },
};
