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
