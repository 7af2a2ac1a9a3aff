import { ratio } from './format.js';
import type { ScenarioResult } from './scenario.js';

const HEADERS = ['#', 'case', 'candidate (p50 [min–max])', 'baseline', 'ratio', 'goal', ''] as const;

/** Plain rows for the terminal and a Markdown table for docs/performance.md, from the same cells. */
export function tableCells(results: readonly ScenarioResult[]): string[][] {
  const rows: string[][] = [];
  for (const result of results) {
    if (result.skipped !== undefined || result.error !== undefined) {
      const why = result.skipped ?? `error: ${result.error ?? ''}`;
      rows.push([result.id, result.title, why, '', '', '', result.error === undefined ? 'skipped' : 'ERROR']);
      continue;
    }
    for (const row of result.rows) {
      rows.push([
        result.id,
        row.case,
        row.candidate,
        row.baseline,
        row.ratio ? ratio(row.ratio) : '',
        row.goal ?? '',
        row.verdict === 'info' ? '' : row.verdict,
      ]);
    }
  }
  return rows;
}

export function textTable(results: readonly ScenarioResult[]): string {
  const rows = [[...HEADERS], ...tableCells(results)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(results: readonly ScenarioResult[]): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const line = (row: readonly string[]): string => `| ${row.map(escape).join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...tableCells(results).map(line)].join('\n');
}
