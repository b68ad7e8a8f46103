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
  const steps = 48;
  // Poisson(λ) truncated at m, per (m, λ step): the same for every round.
  const pmfs: Float64Array[][] = [];
  const lambdas: number[][] = [];
  for (let m = 0; m <= n; m++) {
    const top = Math.min(2.5 * m + 6, lambdaCap);
    lambdas.push(Array.from({ length: steps }, (_, s) => (top * (s + 1)) / steps));
    pmfs.push((lambdas[m] as number[]).map((lambda) => poissonPmf(lambda, m)));
  }
  for (let j = 1; j <= MAX_ROUNDS; j++) {
    const prev = W[j - 1] as Float64Array;
    const row = new Float64Array(n + 1);
    for (let m = 1; m <= n; m++) {
      let best = prev[m] as number;
      for (let s = 0; s < steps; s++) {
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
  const table = roundValues(n, p1, perFresh, A, lambdaCap);
  tables.set(key, table);
  return table;
}
