import type { Summary } from '../measure/stats.js';
import type { Verdict } from '../measure/ratio.js';

/** One line of the results table: a candidate figure, its same-run baseline, and their ratio. */
export interface ResultRow {
  scenario: string;
  case: string;
  candidate: string;
  baseline: string;
  /** Candidate ÷ baseline over paired rounds (or of the medians where rounds cannot pair). */
  ratio?: Summary;
  goal?: string;
  verdict: Verdict;
  /** The raw numbers behind the row, for the JSON file. */
  data: Record<string, unknown>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: ResultRow[];
  /** Why the scenario did not run (e.g. a provider package that does not export what it needs yet). */
  skipped?: string;
  error?: string;
  durationMs: number;
}

export interface ScenarioOptions {
  quick: boolean;
  log(message: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  run(options: ScenarioOptions): Promise<ResultRow[]>;
}

/** A row that could not be measured on this machine, with the reason in its candidate cell. */
export function skippedRow(scenario: string, label: string, reason: string): ResultRow {
  return {
    scenario,
    case: label,
    candidate: `skipped: ${reason}`,
    baseline: '',
    verdict: 'skipped',
    data: { reason },
  };
}

/** Runs one part of a scenario and logs how long it took, so a slow part shows where the run's time went. */
export async function timedPart<T>(
  options: ScenarioOptions,
  name: string,
  part: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await part();
  } finally {
    options.log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
