import { reportCharts, type ChartInput, type ChartName, type ChartSpec } from './charts.ts';
import { renderThreads, startRenderer, type ChartRenderer } from './charts-loader.ts';
import { reportHtml, type DrawnChart } from './html.ts';
import type { TuneReport } from '../tune/report.ts';
import { tuneCharts } from './tune-charts.ts';
import { tuneHtml } from './tune-html.ts';

/**
 * Draws the charts with `renderer`, or with one started here and stopped after. All are
 * sent at once, so a renderer of two threads draws two at a time; each SVG is the same
 * whichever thread drew it.
 */
export async function drawCharts(specs: readonly ChartSpec[], renderer?: ChartRenderer): Promise<DrawnChart[]> {
  const own = renderer ?? startRenderer(renderThreads());
  try {
    return await Promise.all(specs.map(async (c) => ({ name: c.name, title: c.title, question: c.question, svg: await own.render(c.spec, c.name) })));
  } finally {
    if (renderer === undefined) await own.close();
  }
}

/** report.html and charts/NAME.svg of a run, keyed by their path in the report folder. */
export async function htmlReportFiles(input: ChartInput, renderer?: ChartRenderer, title?: string): Promise<Record<string, string>> {
  const drawn = await drawCharts(reportCharts(input), renderer);
  const notes: string[] = [];
  const latency: ChartName = 'latency';
  if (!drawn.some((c) => c.name === latency)) {
    notes.push('No decision-latency chart: this folder\'s timings.json holds no latencies (a merged run keeps them in each shard\'s, a baseline has none).');
  }
  const files: Record<string, string> = { 'report.html': reportHtml(input.summary, drawn, notes, title) };
  for (const c of drawn) files[`charts/${c.name}.svg`] = `${c.svg}\n`;
  return files;
}

/** report.html and charts/NAME.svg of a tuning run (`pacebench tune`). */
export async function tuneHtmlReportFiles(report: TuneReport, renderer?: ChartRenderer): Promise<Record<string, string>> {
  const drawn = await drawCharts(tuneCharts(report), renderer);
  const files: Record<string, string> = { 'report.html': tuneHtml(report, drawn) };
  for (const c of drawn) files[`charts/${c.name}.svg`] = `${c.svg}\n`;
  return files;
}
