import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startRenderer } from '../../src/report/charts-loader.ts';
import { reportCharts } from '../../src/report/charts.ts';
import { parseCasesCsv } from '../../src/report/csv.ts';
import { parseSummary } from '../../src/report/json.ts';
import type { RenderReply, RenderRequest } from '../../src/report/render-worker.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const BASELINE = path.join(ROOT, 'reports', 'baseline', 'scarce_pool');

describe('the chart renderer', () => {
  it('draws the same bytes in the built thread (dist/render-worker.cjs) as in this one', async () => {
    const summary = parseSummary(readFileSync(path.join(BASELINE, 'summary.json'), 'utf8'), 'summary.json');
    const rows = parseCasesCsv(readFileSync(path.join(BASELINE, 'cases.csv'), 'utf8'), 'cases.csv');
    const chart = reportCharts({ summary, rows, timings: null }).find((c) => c.name === 'value');
    expect(chart).toBeDefined();

    const here = startRenderer(1);
    const inThisThread = await here.render(chart!.spec, chart!.name);
    await here.close();

    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
    const worker = new Worker(path.join(ROOT, 'dist', 'render-worker.cjs'));
    try {
      const reply = await new Promise<RenderReply>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage({ id: 7, name: chart!.name, spec: chart!.spec } satisfies RenderRequest);
      });
      expect(reply).toEqual({ id: 7, svg: inThisThread });
    } finally {
      await worker.terminate();
    }
    expect(inThisThread).toMatch(/^<svg /);
  }, 60_000);
});
