/**
 * Copies the engine table of the committed cold_start baseline into the README, between
 * its markers. `npm run baseline` regenerates the baseline; `npm run readme:table` then
 * brings the README up to date (a test fails while they disagree).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const START = '<!-- cold_start-table:start -->';
export const END = '<!-- cold_start-table:end -->';

/** The first markdown table of a summary.md: the one row per engine. */
export function engineTable(summaryMd: string): string {
  const lines = summaryMd.split('\n');
  const first = lines.findIndex((l) => l.startsWith('| engine |'));
  if (first < 0) throw new Error('no engine table in the summary');
  let last = first;
  while (lines[last + 1]?.startsWith('|')) last++;
  return lines.slice(first, last + 1).join('\n');
}

export function withTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const table = engineTable(readFileSync(`${ROOT}reports/baseline/cold_start/summary.md`, 'utf8'));
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  writeFileSync(`${ROOT}README.md`, withTable(readme, table));
  process.stderr.write('README.md: cold_start table updated from reports/baseline/cold_start/summary.md\n');
}
