import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ScenarioResult } from './scenario.js';

export interface ResultsFile {
  createdAt: string;
  quick: boolean;
  commit: string | undefined;
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string | undefined;
    memoryBytes: number;
  };
  scenarios: ScenarioResult[];
}

function currentCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function resultsFile(scenarios: ScenarioResult[], quick: boolean): ResultsFile {
  const cores = cpus();
  return {
    createdAt: new Date().toISOString(),
    quick,
    commit: currentCommit(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cores.length,
      cpuModel: cores[0]?.model,
      memoryBytes: totalmem(),
    },
    scenarios,
  };
}

export function writeResults(path: string, file: ResultsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}
