/** What pace carries from one opening to the next with `--carry-state`: the evidence, capped. */
import type { Fit } from './model.ts';
import { SHAPES, halfPow } from './powers.ts';
import type { ListSummary } from './summary.ts';

/** What earlier openings taught (with `--carry-state`), added to the prior. */
export interface Carried {
  /** Outcome pseudo-counts: hires, answered non-hires, never answered (expected). */
  hires: number;
  nonHires: number;
  never: number;
  /** Delay evidence: answers, Σ ln delay, exposure Σ t^k per shape (censored ages included). */
  answers: number;
  sumLog: number;
  readonly exposure: Float64Array;
  /** The log-normal's evidence: answers (censored ones by their expected share) and the sums of ln delay and its square. */
  lnCount: number;
  lnSum: number;
  lnSum2: number;
}

export function emptyCarried(): Carried {
  return { hires: 0, nonHires: 0, never: 0, answers: 0, sumLog: 0, exposure: new Float64Array(SHAPES.length), lnCount: 0, lnSum: 0, lnSum2: 0 };
}

/**
 * Every shape's exposure, pending ages weighted by the chosen fit's chance that they still
 * answer. Read at commit: the summary and the fit's buffers still hold the case's last call,
 * because a new case's call commits before it reads its list.
 */
function evidenceOf(s: ListSummary, fit: Fit, lnStats: Float64Array) {
  const exposure = Float64Array.from(s.sumPow);
  let still = 0;
  for (let g = 0; g < s.groups; g++) {
    const weight = (s.groupCount[g] as number) * (fit.stillAnswers[g] as number);
    still += weight;
    const h = 2 * (s.groupAge[g] as number);
    for (let j = 0; j < SHAPES.length; j++) exposure[j] = (exposure[j] as number) + weight * halfPow(j, h);
  }
  return {
    hires: s.hires,
    nonHires: s.nonHires,
    never: s.pending - still,
    answers: s.answered,
    sumLog: s.sumLog,
    exposure,
    ln: [lnStats[0] as number, lnStats[1] as number, lnStats[2] as number] as const,
  };
}

/**
 * Adds what an opening taught (its last call's summary `s` and fit, and the log-normal's
 * expected statistics `lnStats`) to `carried`, scaled down to at most `cap` pseudo-counts
 * of each kind: old openings fade as new ones come, so the prior stays a prior.
 */
export function carryOpening(carried: Carried, s: ListSummary, fit: Fit, lnStats: Float64Array, cap: number): void {
  const evidence = evidenceOf(s, fit, lnStats);
  carried.hires += evidence.hires;
  carried.nonHires += evidence.nonHires;
  carried.never += evidence.never;
  carried.answers += evidence.answers;
  carried.sumLog += evidence.sumLog;
  for (let j = 0; j < SHAPES.length; j++) carried.exposure[j] = (carried.exposure[j] as number) + (evidence.exposure[j] as number);
  carried.lnCount += evidence.ln[0];
  carried.lnSum += evidence.ln[1];
  carried.lnSum2 += evidence.ln[2];
  const outcomes = carried.hires + carried.nonHires + carried.never;
  if (outcomes > cap) {
    const f = cap / outcomes;
    carried.hires *= f;
    carried.nonHires *= f;
    carried.never *= f;
  }
  if (carried.answers > cap) {
    const f = cap / carried.answers;
    carried.answers *= f;
    carried.sumLog *= f;
    for (let j = 0; j < SHAPES.length; j++) carried.exposure[j] = (carried.exposure[j] as number) * f;
  }
  if (carried.lnCount > cap) {
    const f = cap / carried.lnCount;
    carried.lnCount *= f;
    carried.lnSum *= f;
    carried.lnSum2 *= f;
  }
}
