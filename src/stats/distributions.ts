/**
 * The statistics the engines and the simulator share: Beta priors by the method of
 * moments, Beta and Gamma sampling from a *given* generator, the log-normal fit and
 * quantile, and the interpolated quantile. Closed-form CDFs and inverses come from jStat;
 * sampling never does, because jStat's samplers read a global random function.
 */
import jstatPkg from 'jstat';
import type { Random } from './rng.ts';

const { jStat } = jstatPkg;

export interface BetaParams {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * `α = ((1 − μ)/σ² − 1/μ) · μ²`, `β = α · (1/μ − 1)`. Needs `0 < μ < 1` and
 * `0 < σ² < μ(1 − μ)`, or the "Beta" would have a non-positive parameter.
 */
export function betaFromMoments(mean: number, variance: number): BetaParams {
  if (!(mean > 0 && mean < 1)) throw new RangeError(`Beta mean must be in (0, 1), got ${mean}`);
  if (!(variance > 0 && variance < mean * (1 - mean))) {
    throw new RangeError(`Beta variance must be in (0, mean·(1−mean) = ${mean * (1 - mean)}), got ${variance}`);
  }
  const alpha = ((1 - mean) / variance - 1 / mean) * mean * mean;
  return { alpha, beta: alpha * (1 / mean - 1) };
}

/** A standard normal draw (Marsaglia's polar method; the spare is dropped to stay stateless). */
export function sampleStandardNormal(random: Random): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the usual boost for shape < 1. */
export function sampleGamma(shape: number, random: Random): number {
  if (!(shape > 0)) throw new RangeError(`Gamma shape must be > 0, got ${shape}`);
  if (shape < 1) {
    const u = random();
    return sampleGamma(shape + 1, random) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStandardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β). */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x / (x + y);
}

/**
 * The q-quantile of ascending `sorted` values, interpolating linearly between order
 * statistics at position `(n − 1) · q` (R's type 7, NumPy's default).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= n) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((x, y) => x - y), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export interface LogNormalParams {
  readonly mu: number;
  readonly sigma: number;
}

/**
 * Maximum-likelihood log-normal: the mean and the (biased, 1/n) standard deviation of
 * the logs. Values must be positive.
 */
export function fitLogNormal(values: ArrayLike<number>): LogNormalParams {
  const n = values.length;
  if (n === 0) throw new RangeError('log-normal fit of no values');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (!(x > 0)) throw new RangeError(`log-normal fit needs positive values, got ${x}`);
    sum += Math.log(x);
  }
  const mu = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.log(values[i] as number) - mu;
    squares += d * d;
  }
  return { mu, sigma: Math.sqrt(squares / n) };
}

export function logNormalQuantile(q: number, { mu, sigma }: LogNormalParams): number {
  if (sigma === 0) return Math.exp(mu);
  return jStat.lognormal.inv(q, mu, sigma);
}

export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

export function binomialPmf(k: number, n: number, p: number): number {
  return jStat.binomial.pdf(k, n, p);
}

/** Chebyshev coefficients of erfc (Numerical Recipes, 3rd ed., §6.2.2, `Erf::erfccheb`). */
const ERFC_COF = [
  -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8,
  -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
  -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

/**
 * The complementary error function, accurate to about 1e-16 relative in the upper tail.
 * jStat's `erfc` is `1 − erf`, which is 0 from x ≈ 6 on: a log-normal survival far out
 * in the tail (a delay many σ above the median) would become 0 and its log −∞.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COF.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + (ERFC_COF[j] as number);
    dd = tmp;
  }
  const r = t * Math.exp(-z * z + 0.5 * ((ERFC_COF[0] as number) + ty * d) - dd);
  return x >= 0 ? r : 2 - r;
}
