import type { Summary } from '../score/summary.ts';

/**
 * `summary.json`: keys in the order they were built, two-space indent, intervals kept on
 * one line (`"ci95": [0.96, 0.98]`) so that a diff of two reports stays readable.
 */
export function summaryJson(summary: Summary): string {
  const text = JSON.stringify(summary, null, 2).replace(
    /\[\n\s+(-?[\d.eE+-]+),\n\s+(-?[\d.eE+-]+)\n\s+\]/g,
    '[$1, $2]',
  );
  return `${text}\n`;
}
