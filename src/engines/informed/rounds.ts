import { poissonPmf } from './counts.ts';

/** Rounds looked ahead at most; more rounds change the value by little once need is small. */
export const MAX_ROUNDS = 48;

/**
 * The value of filling `m` more vacancies in `j` rounds still to come, each round inviting a
 * batch and seeing its hires before the next (a hire that answers within the round counts;
 * one answering later is not counted, so the value errs low): W[j][m], by dynamic programming
 * over (rounds left, vacancies missing) with Poisson counts of hires per round. The pool is
 * taken as holding at least what one round may invite (`lambdaCap` expected hires); the
 * planner only uses this when the pool holds well more potential hires than are missing.
 */
export function roundValues(n: number, p1: number, perFresh: number, A: number, lambdaCap = Infinity): Float64Array[] {
  const W: Float64Array[] = [new Float64Array(n + 1)];
  if (p1 <= 0) {
    for (let j = 1; j <= MAX_ROUNDS; j++) W.push(new Float64Array(n + 1));
    return W;
  }
  // Poisson(λ) truncated at m, per (m, λ step): the same for every round. Many vacancies: the
  // best λ lies within a few standard deviations of m, so the steps cover that, finer.
  const pmfs: Float64Array[][] = [];
  const lambdas: number[][] = [];
  const stepsOf = (m: number): number => (m <= 40 ? 48 : 64);
  for (let m = 0; m <= n; m++) {
    const steps = stepsOf(m);
    const top = Math.min(roundTop(m), lambdaCap);
    // A round that asks for far fewer hires than are missing only postpones: not looked at.
    const low = m <= 40 ? 0 : Math.min(top, Math.max(0, m - 8 * Math.sqrt(m)));
    lambdas.push(Array.from({ length: steps }, (_, s) => low + ((top - low) * (s + 1)) / steps));
    pmfs.push((lambdas[m] as number[]).map((lambda) => poissonPmf(lambda, m)));
  }
  for (let j = 1; j <= MAX_ROUNDS; j++) {
    const prev = W[j - 1] as Float64Array;
    const row = new Float64Array(n + 1);
    for (let m = 1; m <= n; m++) {
      let best = prev[m] as number;
      for (let s = 0; s < stepsOf(m); s++) {
        const pmf = (pmfs[m] as Float64Array[])[s] as Float64Array;
        let v = -perFresh * (((lambdas[m] as number[])[s] as number) / p1);
        for (let y = 0; y < m; y++) v += (pmf[y] as number) * (A * y + (prev[m - y] as number));
        v += (pmf[m] as number) * A * m;
        if (v > best) best = v;
      }
      row[m] = best;
    }
    W.push(row);
  }
  return W;
}

/** The most expected hires a round with `m` missing is looked at asking for. */
export function roundTop(m: number): number {
  return m <= 40 ? 2.5 * m + 6 : m + 5 * Math.sqrt(m) + 8;
}

const tables = new Map<string, Float64Array[]>();

/**
 * `roundValues`, remembered across calls and cases: a pure function of its arguments, so a
 * module-wide memo changes no decision. A table for more vacancies serves fewer.
 */
export function roundValuesMemo(n: number, p1: number, perFresh: number, A: number, lambdaCap: number): Float64Array[] {
  const key = `${p1}:${perFresh}:${A}:${lambdaCap}`;
  const known = tables.get(key);
  if (known !== undefined && (known[0] as Float64Array).length > n) return known;
  if (tables.size > 256) tables.clear();
  // Room to grow (a value does not depend on the table's size), so larger cases rarely rebuild it.
  const table = roundValues(n <= 40 ? n : Math.ceil(n / 64) * 64, p1, perFresh, A, lambdaCap);
  tables.set(key, table);
  return table;
}
