/**
 * Evidence the fits may take besides the prior and the list. Earlier openings now reach a
 * fit through its prior (population.ts), so the engine passes this empty.
 */
import { SHAPES } from './powers.ts';

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
