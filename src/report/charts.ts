/**
 * The registry of report.html's charts: the one list of their names, in the page's order.
 * The page, the charts/NAME.svg files, the names a report folder may hold (html-names.ts)
 * and the tests all derive from it. Each entry draws its chart, or `null` when the run has
 * nothing for it to show. No IO and no chart library at run time (only its types), so the
 * quick start does not pay for loading Vega when no report is written.
 */
import { deadlineChart, latencyChart, pairedChart, spendChart, splitChart, valueChart, winChart } from './charts/specs.ts';
import { themed, type Chart, type ChartSpec } from './charts/theme.ts';
import type { ChartInput } from './charts/data.ts';

export type { ChartInput } from './charts/data.ts';
export type { ChartSpec } from './charts/theme.ts';

export const REPORT_CHARTS = {
  deadline: deadlineChart,
  'fill-vs-spend': spendChart,
  value: valueChart,
  /** Only when informed ran. */
  'regret-split': splitChart,
  /** Only with a baseline and an engine paired with it. */
  paired: pairedChart,
  /** Only with two engines or more. */
  'win-rates': winChart,
  /** Only when the timings hold latencies (a merged run's and a baseline's do not). */
  latency: latencyChart,
} as const satisfies Record<string, (input: ChartInput, engines: readonly string[]) => Chart | null>;

export type ChartName = keyof typeof REPORT_CHARTS;

/** Every chart a report may draw, in the page's order. */
export const CHART_NAMES = Object.keys(REPORT_CHARTS) as readonly ChartName[];

/** Every chart of a run's report, in the page's order, leaving out those it has nothing for. */
export function reportCharts(input: ChartInput): ChartSpec[] {
  const engines = input.summary.engines.map((e) => e.engine);
  const charts = CHART_NAMES.flatMap((name) => {
    const chart = REPORT_CHARTS[name](input, engines);
    return chart === null ? [] : [{ name, ...chart }];
  });
  return themed(charts);
}
