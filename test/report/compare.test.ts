import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/commands/backtest.ts';
import { compareRuns, comparisonMarkdown, regressionsOf, type RunSide } from '../../src/report/compare.ts';
import { factsOf, parseRunRecord } from '../../src/report/run.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import type { CaseRow } from '../../src/score/rows.ts';
import { summarize } from '../../src/score/summary.ts';
import { memoryIo } from '../helpers.ts';

/** A real run of cold_start, the reference side of every comparison below. */
const out = mkdtempSync(path.join(tmpdir(), 'pacebench-compare-'));
const base = await backtest(
  {
    scenario: 'cold_start',
    engines: ['exp', 'nbinomial', 'all-at-once'],
    seed: 5,
    replicates: 1,
    workers: 1,
    out,
    format: 'md',
    carryState: false,
    maxCalls: 100_000,
    money: DEFAULT_MONEY,
    bootstrap: 1000,
    print: false,
  },
  memoryIo(),
);
const run = parseRunRecord(readFileSync(path.join(out, 'run.json'), 'utf8'), 'run.json');

function sideOf(label: string, rows: readonly CaseRow[]): RunSide {
  return { label, rows, summary: summarize(rows, run.engines, factsOf(run)) };
}

/** The same run with one engine's rows changed case by case. */
function edited(engine: string, edit: (r: CaseRow, i: number) => Partial<CaseRow>): CaseRow[] {
  let i = 0;
  return base.rows.map((r) => (r.engine === engine ? { ...r, ...edit(r, i++) } : r));
}

const old = sideOf('old', base.rows);

describe('pacebench compare', () => {
  it('passes identical runs, paired', () => {
    const c = compareRuns(old, sideOf('new', base.rows));
    expect(c.test).toBe('paired');
    expect(c.engines.map((e) => e.verdict)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(regressionsOf(c)).toEqual([]);
    expect(comparisonMarkdown(c)).toMatch(/\*\*Verdict: no regression\.\*\* 3 of 3 engines unchanged\./);
  });

  it('flags a made-up regression and names the engine and the figure', () => {
    // nbinomial loses three invitations' worth (60) on every case, and 5000 on every tenth.
    const worse = edited('nbinomial', (r, i) => ({ value: r.value - 60 - (i % 10 === 0 ? 5000 : 0) }));
    const c = compareRuns(old, sideOf('new', worse), 0.01);
    const nb = c.engines.find((e) => e.engine === 'nbinomial');
    expect(nb?.value.significant).toBe(true);
    expect(nb?.verdict).toBe('regression');
    expect(nb?.regressions).toEqual(['value']);
    expect(regressionsOf(c)).toEqual([expect.stringMatching(/^cold_start: nbinomial value .* significantly worse by more than the 1\.0 % tolerance$/)]);
    expect(c.engines.filter((e) => e.engine !== 'nbinomial').every((e) => e.verdict === 'unchanged')).toBe(true);
  });

  it('reports a real but small worsening without failing, within the tolerance', () => {
    const worse = edited('exp', (r) => ({ value: r.value - 20 }));
    const c = compareRuns(old, sideOf('new', worse), 0.05);
    const exp = c.engines.find((e) => e.engine === 'exp');
    expect(exp?.value.significant).toBe(true);
    expect(exp?.verdict).toBe('worse');
    expect(regressionsOf(c)).toEqual([]);
  });

  it('ignores a change inside the noise', () => {
    // Zero-mean jitter of ±300 per case: the mean moves, but not beyond its interval.
    const noisy = edited('exp', (r, i) => ({ value: r.value + (i % 2 === 0 ? 300 : -300) + (i === 0 ? -150 : 0) }));
    const c = compareRuns(old, sideOf('new', noisy), 0);
    const exp = c.engines.find((e) => e.engine === 'exp');
    expect(exp?.value.diff).toBeLessThan(0);
    expect(exp?.value.significant).toBe(false);
    expect(exp?.verdict).toBe('unchanged');
  });

  it('falls back to intervals when the runs do not share their cases', () => {
    const c = compareRuns(old, { ...sideOf('new', base.rows), rows: null });
    expect(c.test).toBe('intervals');
    expect(c.unpairedBecause).toBe('cases.csv is missing on one side');
    expect(c.engines.every((e) => e.verdict === 'unchanged')).toBe(true);
    const otherCandidates = base.rows.map((r) => (r.engine === 'oracle' && r.case_id === 'C0003' ? { ...r, value: r.value + 1 } : r));
    expect(compareRuns(old, sideOf('new', otherCandidates)).unpairedBecause).toMatch(/C0003 has other candidates/);
  });

  it('lists engines present on one side only, without failing', () => {
    const renamed = base.rows.map((r) => (r.engine === 'exp' ? { ...r, engine: 'exp:spread=12' } : r));
    const summary = summarize(renamed, ['exp:spread=12', 'nbinomial', 'all-at-once'], factsOf(run));
    const c = compareRuns(old, { label: 'new', rows: renamed, summary });
    expect(c.onlyOld).toEqual(['exp']);
    expect(c.onlyNew).toEqual(['exp:spread=12']);
    expect(regressionsOf(c)).toEqual([]);
  });

  it('gives no verdict between runs with points for intervals (an old report made with --bootstrap 0)', () => {
    const pointy = (summary: ReturnType<typeof summarize>) => ({
      ...summary,
      params: { ...summary.params, bootstrap: 0 },
      engines: summary.engines.map((e) => ({ ...e, value: { mean: e.value.mean, ci95: [e.value.mean, e.value.mean] as const }, fill_rate: { mean: e.fill_rate.mean, ci95: [e.fill_rate.mean, e.fill_rate.mean] as const } })),
    });
    // Another seed: the values move a little everywhere, which points would call significant.
    const moved = edited('exp', (r) => ({ value: r.value - 37 }));
    const c = compareRuns({ ...old, rows: null, summary: pointy(old.summary) }, { label: 'new', rows: null, summary: pointy(sideOf('new', moved).summary) });
    expect(c.test).toBe('intervals');
    expect(c.engines.every((e) => !e.value.significant && !e.fill_rate.significant)).toBe(true);
    expect(regressionsOf(c)).toEqual([]);
  });

  it('resamples cases with all their replicates in the paired test', () => {
    // The same run seen as five replicates of each case: no more openings than before, so no tighter interval.
    const replicated = (rows: readonly CaseRow[]) => [1, 2, 3, 4, 5].flatMap((replicate) => rows.map((r) => ({ ...r, replicate })));
    const shifted = edited('nbinomial', (r, i) => ({ value: r.value - (i % 3 === 0 ? 300 : 0) }));
    const once = compareRuns(old, sideOf('new', shifted));
    const five = compareRuns(
      { label: 'old', rows: replicated(base.rows), summary: { ...old.summary, replicates: 5 } },
      { label: 'new', rows: replicated(shifted), summary: { ...sideOf('new', shifted).summary, replicates: 5 } },
    );
    const ci = (c: typeof once) => c.engines.find((e) => e.engine === 'nbinomial')?.value.ci95;
    expect(ci(five)?.[0]).toBeCloseTo(ci(once)?.[0] as number, 6);
    expect(ci(five)?.[1]).toBeCloseTo(ci(once)?.[1] as number, 6);
  });
});
