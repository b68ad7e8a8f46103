/**
 * The one place `pacebench tune` gets its confidence intervals: the project's bootstrap
 * (src/score/summary.ts), resampling each case with all its replicates as one cluster.
 */
import { bootstrapIntervals, clustersOf, type Interval } from '../score/summary.ts';

/** A case of a tuning run: which scenario, which case, which replicate. */
export interface CaseKey {
  readonly scenario: string;
  readonly caseId: string;
  readonly replicate: number;
}

/**
 * Percentile-bootstrap 95 % intervals of each series' mean; every series holds one number
 * per entry of `cases`, in that order, and all are resampled together, so differences of
 * paired series stay paired. A case's replicates (same scenario, same case id) are drawn
 * together. No interval (`ci95` null) below two cases or too few resamples.
 */
export function caseIntervals(series: readonly Float64Array[], cases: readonly CaseKey[], resamples: number, seed: number): Interval[] {
  for (const s of series) if (s.length !== cases.length) throw new Error(`a series of ${s.length} numbers for ${cases.length} cases`);
  return bootstrapIntervals(series, resamples, seed, clustersOf(cases.map((c) => `${c.scenario}\u001f${c.caseId}`)));
}
