/**
 * The one place `pacebench tune` gets its confidence intervals. The project's bootstrap
 * (src/score/summary.ts) resamples cases; when it learns to resample a case's replicates
 * together, this function is what to adapt: it is given each case's identity for that.
 */
import { bootstrapIntervals, type Interval } from '../score/summary.ts';

/** A case of a tuning run: which scenario, which case, which replicate. */
export interface CaseKey {
  readonly scenario: string;
  readonly caseId: string;
  readonly replicate: number;
}

/**
 * Percentile-bootstrap 95 % intervals of each series' mean; every series holds one number
 * per case of `cases`, in that order, and all are resampled together, so differences of
 * paired series stay paired.
 */
export function caseIntervals(series: readonly Float64Array[], cases: readonly CaseKey[], resamples: number, seed: number): Interval[] {
  for (const s of series) if (s.length !== cases.length) throw new Error(`a series of ${s.length} numbers for ${cases.length} cases`);
  return bootstrapIntervals(series, resamples, seed);
}
