/**
 * Evaluating configurations on cases: every configuration on every case (grid and random
 * search), or a race (F-Race, Birattari et al. 2002; irace) that stops spending cases on
 * configurations a paired test shows worse than the current best. Pure: the simulation is
 * behind `Evaluate`, which the command implements with the worker threads.
 *
 * Common random numbers make every comparison paired: on a case, every configuration
 * meets the same candidates, and its row does not depend on which others run beside it.
 * That is what lets a race run later blocks with fewer configurations and still compare
 * them case by case with those dropped earlier.
 */
import jstatPkg from 'jstat';
import type { CaseRow } from '../score/rows.ts';
import type { Point } from './space.ts';

const { jStat } = jstatPkg;

export interface Racer {
  /** Position in the list of configurations: the tie-breaker everywhere, so results never depend on a sort's whims. */
  readonly id: number;
  readonly point: Point;
  /** The engine spec that runs it, `stoch-constraint:draws=15:quantile=0.25`. */
  readonly spec: string;
  /** The engine's defaults: the reference of every paired interval, never dropped from a race. */
  readonly isDefault: boolean;
}

/**
 * Plays `racers` on the cases at `positions` (indices into the run's case order) and
 * returns each racer's rows, in the order of `positions`: `rows[racer][k]`.
 */
export type Evaluate = (racers: readonly Racer[], positions: readonly number[]) => Promise<CaseRow[][]>;

export type Objective = 'value' | 'regret';

/** What the objective says about one row: higher is better. */
export function score(row: CaseRow, objective: Objective): number {
  return objective === 'value' ? row.value : -row.regret;
}

export interface RaceSettings {
  /** Cases per block. */
  readonly block: number;
  /** No configuration is dropped before this many cases have been seen. */
  readonly minCases: number;
  /** Family-wise level of each round of tests (Holm over the round's comparisons). */
  readonly alpha: number;
  /** Case-evaluations (a configuration on a case) the race may spend; `null`: no limit. */
  readonly budget: number | null;
}

export const DEFAULT_RACE: RaceSettings = { block: 10, minCases: 20, alpha: 0.05, budget: null };

export interface RacerResult {
  readonly racer: Racer;
  /** Its rows on the first `rows.length` cases of the run's order. */
  readonly rows: readonly CaseRow[];
  /** Cases seen when it was dropped; `null` if it survived. */
  readonly droppedAfter: number | null;
  /** The one-sided p-value of the test that dropped it (Holm-adjusted), `null` if it survived. */
  readonly pValue: number | null;
}

export interface RaceRound {
  /** Cases seen when the round was tested. */
  readonly cases: number;
  readonly best: number;
  readonly alive: number;
  readonly dropped: readonly number[];
}

export interface RaceResult {
  readonly racers: readonly RacerResult[];
  /** Case-evaluations spent. */
  readonly evaluations: number;
  readonly rounds: readonly RaceRound[];
  readonly stopped: 'one survivor' | 'cases exhausted' | 'budget spent';
}

export interface RaceProgress {
  readonly cases: number;
  readonly totalCases: number;
  readonly alive: number;
  readonly best: Racer | null;
  readonly bestScore: number | null;
}

function meanOf(xs: ArrayLike<number>, n = xs.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i] as number;
  return n === 0 ? 0 : s / n;
}

/**
 * One-sided paired t-test that `better` beats `worse` on the first n cases: the p-value of
 * the mean difference under "no difference". All differences equal: 0 if they favour
 * `better`, 1 if not (a t statistic is undefined, the verdict is not).
 */
export function pairedTTest(better: ArrayLike<number>, worse: ArrayLike<number>, n: number): number {
  if (n < 2) return 1;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (better[i] as number) - (worse[i] as number);
  const mean = meanOf(d);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((d[i] as number) - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  // Differences equal to rounding: the case's value is a sum of money to the cent.
  if (sd < 1e-9 * Math.max(1, Math.abs(mean))) return mean > 1e-9 ? 0 : 1;
  const t = mean / (sd / Math.sqrt(n));
  return 1 - jStat.studentt.cdf(t, n - 1);
}

/** Holm's step-down procedure: which of the p-values are rejected at family-wise level alpha; adjusted p-values beside. */
export function holm(pValues: readonly number[], alpha: number): { rejected: boolean[]; adjusted: number[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const rejected = new Array<boolean>(m).fill(false);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  let stillRejecting = true;
  order.forEach(([p, i], j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    adjusted[i] = running;
    if (stillRejecting && p <= alpha / (m - j)) rejected[i] = true;
    else stillRejecting = false;
  });
  return { rejected, adjusted };
}

/**
 * Runs the race. Cases are met in blocks of `settings.block` (the first `minCases` in one
 * go, as none is tested before); from `minCases` on, after each block, every living configuration is compared with the current best (highest mean
 * score on the cases seen so far; ties to the lower id) by a one-sided paired t-test on
 * the per-case differences over all those cases, Holm-corrected over the round's
 * comparisons at `alpha`; the rejected are dropped. The defaults are tested and reported
 * like the others but never dropped, so every configuration has a paired comparison with
 * them. The race ends when at most one configuration besides the defaults is alive, when
 * the cases run out, or when the next block would overspend the budget (a last, smaller
 * block spends what is left).
 *
 * With `block` = every case and no budget, this is exhaustive evaluation: grid and random
 * search use it that way.
 */
export async function race(
  racers: readonly Racer[],
  totalCases: number,
  objective: Objective,
  settings: RaceSettings,
  evaluate: Evaluate,
  onRound?: (progress: RaceProgress) => void,
): Promise<RaceResult> {
  racers.forEach((r, i) => {
    if (r.id !== i) throw new Error(`racer ${r.spec} has id ${r.id} at position ${i}`);
  });
  const rows = racers.map((): CaseRow[] => []);
  const scores = racers.map((): number[] => []);
  const dropped = new Map<number, { after: number; p: number }>();
  const rounds: RaceRound[] = [];
  let seen = 0;
  let evaluations = 0;
  let stopped: RaceResult['stopped'] = 'cases exhausted';
  const alive = (): Racer[] => racers.filter((r) => !dropped.has(r.id));
  const contenders = (): number => alive().filter((r) => !r.isDefault).length;
  const bestOf = (living: readonly Racer[]): Racer | null => {
    let best: Racer | null = null;
    let bestMean = Number.NEGATIVE_INFINITY;
    for (const r of living) {
      const m = meanOf(scores[r.id] as number[]);
      if (m > bestMean) {
        best = r;
        bestMean = m;
      }
    }
    return best;
  };

  while (seen < totalCases) {
    // Only a race that has dropped someone can be won; a lone challenger of the defaults plays every case.
    if (dropped.size > 0 && contenders() <= 1) {
      stopped = 'one survivor';
      break;
    }
    const living = alive();
    // Nothing is tested before minCases, so the cases up to it go in one evaluation: fewer,
    // larger calls let the worker threads pay for their start-up.
    let size = Math.min(seen < settings.minCases ? Math.max(settings.block, settings.minCases - seen) : settings.block, totalCases - seen);
    if (settings.budget !== null) size = Math.min(size, Math.floor((settings.budget - evaluations) / living.length));
    if (size <= 0) {
      stopped = 'budget spent';
      break;
    }
    const positions = Array.from({ length: size }, (_, k) => seen + k);
    const got = await evaluate(living, positions);
    living.forEach((r, i) => {
      const mine = got[i] ?? [];
      if (mine.length !== size) throw new Error(`evaluation returned ${mine.length} rows for ${r.spec}, expected ${size}`);
      for (const row of mine) {
        (rows[r.id] as CaseRow[]).push(row);
        (scores[r.id] as number[]).push(score(row, objective));
      }
    });
    seen += size;
    evaluations += size * living.length;

    const best = bestOf(living);
    if (best !== null && seen >= settings.minCases && seen < totalCases) {
      const tested = living.filter((r) => r.id !== best.id);
      const pValues = tested.map((r) => pairedTTest(scores[best.id] as number[], scores[r.id] as number[], seen));
      const { rejected, adjusted } = holm(pValues, settings.alpha);
      const out: number[] = [];
      tested.forEach((r, i) => {
        if (rejected[i] === true && !r.isDefault) {
          dropped.set(r.id, { after: seen, p: adjusted[i] as number });
          out.push(r.id);
        }
      });
      rounds.push({ cases: seen, best: best.id, alive: living.length - out.length, dropped: out });
    }
    const now = bestOf(alive());
    onRound?.({
      cases: seen,
      totalCases,
      alive: alive().length,
      best: now,
      bestScore: now === null ? null : meanOf(scores[now.id] as number[]),
    });
  }
  if (seen >= totalCases) stopped = 'cases exhausted';
  return {
    racers: racers.map((racer) => {
      const d = dropped.get(racer.id);
      return { racer, rows: rows[racer.id] as CaseRow[], droppedAfter: d?.after ?? null, pValue: d?.p ?? null };
    }),
    evaluations,
    rounds,
    stopped,
  };
}
