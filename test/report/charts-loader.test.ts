import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_CACHE, startRenderer } from '../../src/report/charts-loader.ts';
import { reportCharts } from '../../src/report/charts.ts';
import { parseCasesCsv } from '../../src/report/csv.ts';
import { parseSummary } from '../../src/report/json.ts';

const BASELINE = path.join(import.meta.dirname, '..', '..', 'reports', 'baseline', 'scarce_pool');

describe('the chart renderer\'s threads', () => {
  it('save V8\'s compiled code after drawing, and draw the same bytes from it', async () => {
    const summary = parseSummary(readFileSync(path.join(BASELINE, 'summary.json'), 'utf8'), 'summary.json');
    const rows = parseCasesCsv(readFileSync(path.join(BASELINE, 'cases.csv'), 'utf8'), 'cases.csv');
    const chart = reportCharts({ summary, rows, timings: null }).find((c) => c.name === 'value');
    expect(chart).toBeDefined();

    rmSync(CODE_CACHE, { force: true });
    const first = startRenderer(1);
    const compiled = await first.render(chart!.spec, chart!.name);
    await first.close();
    expect(existsSync(CODE_CACHE)).toBe(true);

    const second = startRenderer(1);
    second.warmUp(reportCharts({ summary, rows, timings: null }));
    const fromCache = await second.render(chart!.spec, chart!.name);
    await second.close();
    expect(fromCache).toBe(compiled);
    expect(fromCache).toMatch(/^<svg /);
  }, 60_000);
});
