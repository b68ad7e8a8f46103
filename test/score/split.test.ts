import { describe, expect, it } from 'vitest';
import { INFORMED, ORACLE, type CaseRow } from '../../src/score/rows.ts';
import { bootstrapIntervals, clustersOf, summarize } from '../../src/score/summary.ts';
import { FACTS, splitRows } from './split-rows.ts';

describe('regret split in two', () => {
  const engines = ['a', INFORMED, 'b'];
  const summary = summarize(splitRows(engines), engines, FACTS);
  const by = new Map(summary.engines.map((e) => [e.engine, e]));

  it('lists informed beside the oracle, whatever the order given', () => {
    expect(summary.engines.map((e) => e.engine)).toEqual(['a', 'b', INFORMED, ORACLE]);
  });

  it('regret = hindsight + gap_to_informed for every engine, to rounding', () => {
    const hindsight = by.get(INFORMED)?.hindsight;
    expect(hindsight).toBeDefined();
    for (const e of summary.engines.filter((x) => x.engine !== ORACLE)) {
      expect(e.gap_to_informed).toBeDefined();
      expect(Math.abs(e.regret.mean - ((hindsight?.mean as number) + (e.gap_to_informed?.mean as number)))).toBeLessThan(1e-5);
    }
    // Informed's own gap is nothing, and its regret is the hindsight part.
    expect(by.get(INFORMED)?.gap_to_informed).toEqual({ mean: 0, ci95: [0, 0] });
    expect(by.get(INFORMED)?.hindsight).toEqual(by.get(INFORMED)?.regret);
    // The oracle's regret is 0 by definition: nothing to split, and only informed carries hindsight.
    expect(by.get(ORACLE)).not.toHaveProperty('gap_to_informed');
    expect(summary.engines.filter((e) => e.hindsight !== undefined).map((e) => e.engine)).toEqual([INFORMED]);
  });

  it('bootstraps the gap over cases, each case with all its replicates, paired', () => {
    const rows = splitRows(engines);
    const of = (engine: string) => rows.filter((r) => r.engine === engine);
    const informed = of(INFORMED);
    const a = of('a');
    const diff = Float64Array.from(a, (r, i) => (informed[i] as CaseRow).value - r.value);
    const [expected] = bootstrapIntervals([diff], FACTS.bootstrap, FACTS.seed, clustersOf(a.map((r) => r.case_id)));
    expect(by.get('a')?.gap_to_informed).toEqual(expected);
    const [rowwise] = bootstrapIntervals([diff], FACTS.bootstrap, FACTS.seed);
    expect(by.get('a')?.gap_to_informed).not.toEqual(rowwise);
    // Paired: far tighter than the difference of the two values' intervals would say.
    const width = (i: readonly [number, number] | null | undefined) => (i?.[1] as number) - (i?.[0] as number);
    expect(width(by.get('a')?.gap_to_informed?.ci95)).toBeLessThan(width(by.get('a')?.value.ci95));
  });

  it('leaves every figure of a run without informed as it was, and adds no field', () => {
    const without = summarize(splitRows(['a', 'b']), ['a', 'b'], FACTS);
    for (const e of without.engines) {
      expect(e).not.toHaveProperty('gap_to_informed');
      expect(e).not.toHaveProperty('hindsight');
      const { gap_to_informed: _gap, ...rest } = by.get(e.engine) as (typeof summary.engines)[number];
      expect(rest).toEqual(e);
    }
  });
});
