import { erfc, normalQuantile } from '../../stats/distributions.ts';

/**
 * Distributions of counts of hires, truncated at a cap: index `cap` holds P(count ≥ cap),
 * since hires beyond the vacancies still needed are worth nothing more.
 */

/** Above this, a Poisson count is read through its normal approximation. */
export const NORMAL_FROM = 60;

function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

function bigPhi(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Poisson(mu) truncated at `cap`, written into `out` (of length cap + 1) when given. */
export function poissonPmf(mu: number, cap: number, out: Float64Array = new Float64Array(cap + 1)): Float64Array {
  if (mu <= 0) {
    out.fill(0);
    out[0] = 1;
    return out;
  }
  if (mu > 600) {
    // e^{-mu} underflows: a discretised normal, enough where only the mass near the cap matters.
    const sd = Math.sqrt(mu);
    let prev = bigPhi((-0.5 - mu) / sd);
    for (let i = 0; i < cap; i++) {
      const next = bigPhi((i + 0.5 - mu) / sd);
      out[i] = next - prev;
      prev = next;
    }
    out[cap] = 1 - prev;
    return out;
  }
  let p = Math.exp(-mu);
  let sum = 0;
  for (let i = 0; i < cap; i++) {
    out[i] = p;
    sum += p;
    p *= mu / (i + 1);
  }
  out[cap] = Math.max(0, 1 - sum);
  return out;
}

/** Adds `count` independent Bernoulli(p) trials to a truncated distribution, in place. */
export function addBernoullis(pmf: Float64Array, count: number, p: number): void {
  if (p <= 0 || count <= 0) return;
  const cap = pmf.length - 1;
  for (let c = 0; c < count; c++) {
    pmf[cap] = (pmf[cap] as number) + (pmf[cap - 1] ?? 0) * p;
    for (let i = cap - 1; i > 0; i--) pmf[i] = (pmf[i] as number) * (1 - p) + (pmf[i - 1] as number) * p;
    if (cap > 0) pmf[0] = (pmf[0] as number) * (1 - p);
  }
}

/** A sum of independent Bernoulli trials, `[count, p]` per group: exact while cheap, Poisson beyond. */
export function countPmf(groups: readonly (readonly [number, number])[], cap: number, budget: number): Float64Array {
  let trials = 0;
  let mu = 0;
  for (const [count, p] of groups) {
    if (p > 0) trials += count;
    mu += count * p;
  }
  if (trials * (cap + 1) > budget) return poissonPmf(mu, cap);
  const pmf = new Float64Array(cap + 1);
  pmf[0] = 1;
  for (const [count, p] of groups) addBernoullis(pmf, count, p);
  return pmf;
}

/** E[min(m, N)] for N ~ Poisson(lambda). */
export function expectedMin(m: number, lambda: number): number {
  if (m <= 0 || lambda <= 0) return 0;
  if (m > NORMAL_FROM || lambda > 600) {
    const sd = Math.sqrt(lambda);
    const d = (lambda - m) / sd;
    return lambda - (sd * phi(d) + (lambda - m) * bigPhi(d));
  }
  let p = Math.exp(-lambda);
  let cdf = 0;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    sum += i * p;
    cdf += p;
    p *= lambda / (i + 1);
  }
  return sum + m * Math.max(0, 1 - cdf);
}

/** P(N ≤ m − 1) for N ~ Poisson(lambda): the marginal worth of more expected hires when m are missing. */
function shortfall(m: number, lambda: number): number {
  let p = Math.exp(-lambda);
  let cdf = 0;
  for (let i = 0; i < m; i++) {
    cdf += p;
    p *= lambda / (i + 1);
  }
  return Math.min(1, cdf);
}

/**
 * The expected hires λ at which one more is worth what it costs: P(Poisson(λ) ≤ m − 1) = rho
 * (the derivative of E[min(m, N)] in λ). 0 when not even the first is worth it.
 */
export function lambdaStar(m: number, rho: number): number {
  if (rho >= 1 || m <= 0) return 0;
  if (rho <= 0) return Infinity;
  if (m > NORMAL_FROM) {
    const z = normalQuantile(rho);
    const root = (-z + Math.sqrt(z * z + 4 * (m - 0.5))) / 2;
    return Math.max(0, root * root);
  }
  let lo = 0;
  let hi = m + 10 * Math.sqrt(m) + 10;
  for (let i = 0; i < 32; i++) {
    const mid = (lo + hi) / 2;
    if (shortfall(m, mid) > rho) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * `countPmf(groups ++ [[b, p]], cap, budget)` for fixed `groups` and a growing `b`: the fixed
 * groups convolved once, then the fresh trials added one by one as `b` grows. The same operations
 * in the same order as `countPmf`, so the same bits; the work per call is the step in `b`.
 */
export class GrowingCount {
  private readonly base: Float64Array;
  private readonly trials: number;
  private readonly mu: number;
  private readonly pmf: Float64Array;
  private b = 0;

  /** The fixed groups as `counts[g]` trials of probability `ps[g]` (arrays, not pairs: the planner builds hundreds per call). */
  constructor(counts: ArrayLike<number>, ps: ArrayLike<number>, private readonly p: number, private readonly cap: number, private readonly budget: number) {
    let trials = 0;
    let mu = 0;
    for (let g = 0; g < counts.length; g++) {
      const count = counts[g] as number;
      const q = ps[g] as number;
      if (q > 0) trials += count;
      mu += count * q;
    }
    this.trials = trials;
    this.mu = mu;
    this.base = new Float64Array(cap + 1);
    this.base[0] = 1;
    if (trials * (cap + 1) <= budget) for (let g = 0; g < counts.length; g++) addBernoullis(this.base, counts[g] as number, ps[g] as number);
    this.pmf = Float64Array.from(this.base);
  }

  /** Trials in all, fresh ones included (as `countPmf` counts them). */
  trialsWith(b: number): number {
    return this.trials + (b > 0 && this.p > 0 ? b : 0);
  }

  /** Expected count, fresh ones included, summed in `countPmf`'s order. */
  meanWith(b: number): number {
    return b > 0 ? this.mu + b * this.p : this.mu;
  }

  /** The distribution with `b` fresh trials: shared, valid until the next call. */
  at(b: number): Float64Array {
    if (this.trialsWith(b) * (this.cap + 1) > this.budget) return poissonPmf(this.meanWith(b), this.cap);
    if (b < this.b) {
      this.pmf.set(this.base);
      this.b = 0;
    }
    addBernoullis(this.pmf, b - this.b, this.p);
    this.b = b;
    return this.pmf;
  }
}
