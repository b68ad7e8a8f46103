import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCharts } from '../../src/report/charts.ts';
import { warmUpCharts } from '../../src/report/charts-warm-up.ts';
import { parseCasesCsv } from '../../src/report/csv.ts';
import { parseSummary } from '../../src/report/json.ts';
import { renderSvg } from '../../src/report/render.ts';
import type { Timings } from '../../src/report/timings.ts';

const BASELINE = path.join(import.meta.dirname, '..', '..', 'reports', 'baseline', 'cold_start');
const summary = parseSummary(readFileSync(path.join(BASELINE, 'summary.json'), 'utf8'), 'summary.json');
const rows = parseCasesCsv(readFileSync(path.join(BASELINE, 'cases.csv'), 'utf8'), 'cases.csv');
const engines = summary.engines.map((e) => e.engine);
// The baselines keep no timings (they vary run to run); the latency chart needs some.
const timings: Timings = {
  ...{ scenario: 'cold_start', node: '', date: '', workers: 1, helper_threads: 0, helper_units: 0, simulation_s: 1, summary_s: 0, wall_s: 1 },
  ...{ cases: 200, calls: 2000, cases_per_s: 200, calls_per_s: 2000, note: '' },
  engines: engines.filter((e) => e !== 'oracle').map((engine, i) => ({ engine, decisions: 2000, mean_us: 3 + i, p50_us: 2 + i, p99_us: 30 + i, max_us: 90 + i })),
};

/** Mark types and encodings of a spec, with the data and the words left out. */
function shape(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(shape);
  if (typeof spec !== 'object' || spec === null) return typeof spec;
  return Object.fromEntries(
    Object.entries(spec)
      .filter(([k]) => !['values', 'title', 'subtitle', 'domain', 'text', 'height', 'width', 'sort', 'datum', 'range', 'tickCount'].includes(k))
      .map(([k, v]) => [k, shape(v)]),
  );
}

describe('the warm-up charts', () => {
  it('are the report\'s charts, the same kinds of marks and encodings, for the same engines', () => {
    const real = reportCharts({ summary, rows, timings });
    const warm = warmUpCharts(engines.filter((e) => e !== 'oracle'), summary.baseline);
    expect(warm.map((c) => c.name)).toEqual(real.map((c) => c.name));
    for (const [i, c] of warm.entries()) expect(shape(c.spec), c.name).toEqual(shape(real[i]?.spec));
  });

  it('leave no trace in a chart drawn after them', async () => {
    const real = reportCharts({ summary, rows, timings }).find((c) => c.name === 'paired');
    expect(real).toBeDefined();
    const before = await renderSvg(real!.spec, real!.name);
    for (const c of warmUpCharts(engines.filter((e) => e !== 'oracle'), summary.baseline)) await renderSvg(c.spec, c.name);
    expect(await renderSvg(real!.spec, real!.name)).toBe(before);
  }, 60_000);
});
