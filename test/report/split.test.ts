import { describe, expect, it } from 'vitest';
import { reportCharts } from '../../src/report/charts.ts';
import { splitSegments } from '../../src/report/charts/data.ts';
import { SPLIT_HINT } from '../../src/report/columns.ts';
import { compareRuns, comparisonMarkdown, type RunSide } from '../../src/report/compare.ts';
import { compareHtml, reportHtml } from '../../src/report/html.ts';
import { summaryMarkdown } from '../../src/report/markdown.ts';
import { INFORMED, roundTo, type CaseRow } from '../../src/score/rows.ts';
import { summarize } from '../../src/score/summary.ts';
import { FACTS, splitRows } from '../score/split-rows.ts';

const WITH = ['a', 'b', INFORMED];
const WITHOUT = ['a', 'b'];
const run = (engines: readonly string[], rows = splitRows(engines)) => ({ rows, summary: summarize(rows, engines, FACTS) });

describe('summary.md', () => {
  it('shows regret split in two, per engine, with informed', () => {
    const md = summaryMarkdown(run(WITH).summary);
    expect(md).toContain('### Regret split in two: hindsight and learnable');
    expect(md).toContain('| engine | regret [95 % CI] | hindsight (oracle − informed) | learnable (informed − engine) [95 % CI] | learnable share of regret |');
    for (const e of WITH) expect(md).toMatch(new RegExp(`^\\| ${e} \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| [^|]+ \\|$`, 'm'));
    expect(md).not.toContain(SPLIT_HINT);
  });

  it('without informed shows no split, and one line saying how to get it', () => {
    const md = summaryMarkdown(run(WITHOUT).summary);
    expect(md).not.toContain('Regret split');
    expect(md).not.toContain('learnable (');
    expect(md.split('\n').filter((l) => l === SPLIT_HINT)).toHaveLength(1);
    expect(SPLIT_HINT).toContain('--engines …,informed');
  });
});

describe('report.html', () => {
  it('has the split table, its figures tagged with their fields, and the stacked chart', () => {
    const { summary, rows } = run(WITH);
    const html = reportHtml(summary, []);
    expect(html).toContain('<table id="split">');
    const a = summary.engines.find((e) => e.engine === 'a');
    expect(html).toContain(`data-key="gap_to_informed.mean" data-value="${a?.gap_to_informed?.mean}"`);
    expect(reportCharts({ summary, rows, timings: null }).map((c) => c.name)).toContain('regret-split');
  });

  it('without informed: no split table, no chart, the hint', () => {
    const { summary, rows } = run(WITHOUT);
    const html = reportHtml(summary, []);
    expect(html).not.toContain('id="split"');
    expect(html).not.toContain('gap_to_informed.mean');
    expect(html).toContain('<code>informed</code> did not run');
    expect(reportCharts({ summary, rows, timings: null }).map((c) => c.name)).not.toContain('regret-split');
  });

  it('stacks each engine\'s two parts end to end, the learnable part ending at its regret', () => {
    const { summary } = run(WITH);
    const { segments, totals } = splitSegments(summary);
    const h = summary.engines.find((e) => e.engine === INFORMED)?.hindsight?.mean as number;
    for (const e of summary.engines.filter((x) => x.gap_to_informed !== undefined)) {
      const parts = segments.filter((s) => s.engine === e.engine);
      expect(parts.map((p) => [p.part, p.from])).toEqual([['hindsight', 0], ['learnable', h]]);
      expect(Math.abs((parts[1]?.to as number) - e.regret.mean)).toBeLessThan(1e-5);
      expect(totals.find((t) => t.engine === e.engine)?.regret).toBe(e.regret.mean);
    }
    expect(splitSegments(run(WITHOUT).summary)).toEqual({ segments: [], totals: [] });
  });
});

describe('compare', () => {
  const side = (label: string, engines: readonly string[], rows: CaseRow[]): RunSide => ({ label, ...run(engines, rows) });
  // The new run: engine a earns 100 more on every case, so its gap to informed shrinks by 100.
  const better = (rows: CaseRow[]): CaseRow[] => rows.map((r) => (r.engine === 'a' ? { ...r, value: roundTo(r.value + 100, 6), regret: roundTo(r.regret - 100, 6) } : r));

  it('reports the change in gap_to_informed next to the change in value, paired', () => {
    const c = compareRuns(side('old', WITH, splitRows(WITH)), side('new', WITH, better(splitRows(WITH))));
    expect(c.engines.map((e) => e.engine)).toEqual(['a', 'b', INFORMED]);
    const a = c.engines.find((e) => e.engine === 'a');
    expect(a?.value.diff).toBeCloseTo(100, 6);
    expect(a?.gap_to_informed?.diff).toBeCloseTo(-100, 6);
    expect(a?.gap_to_informed?.ci95?.[0]).toBeCloseTo(-100, 6);
    expect(a?.gap_to_informed?.significant).toBe(true);
    expect(c.engines.find((e) => e.engine === 'b')?.gap_to_informed?.diff).toBe(0);
    expect(c.engines.find((e) => e.engine === INFORMED)?.gap_to_informed).toBeNull();
    const md = comparisonMarkdown(c);
    expect(md).toContain('| engine | fill rate | Δ fill rate | value | Δ value | Δ gap to informed | regret | verdict |');
    expect(md).toMatch(/^\| a \| .* \| \+100 \(\+[\d.]+ %\) \[\+100, \+100\] ✱ \| [\d,]+ → [\d,]+: −100 \[−100, −100\] ✱ \|/m);
    expect(compareHtml('t', [{ comparison: c, verdict: 'v', chart: null }], [])).toContain('<th>Δ gap to informed</th>');
  });

  it('shows no gap where either run lacks informed', () => {
    const c = compareRuns(side('old', WITHOUT, splitRows(WITHOUT)), side('new', WITH, splitRows(WITH)));
    expect(c.engines.every((e) => e.gap_to_informed === null)).toBe(true);
    expect(comparisonMarkdown(c)).not.toContain('gap to informed');
    expect(compareHtml('t', [{ comparison: c, verdict: 'v', chart: null }], [])).not.toContain('gap to informed');
  });
});
