/**
 * The response model fitted by `pacebench fit` and its likelihood (docs/fit.md, "The
 * likelihood"). An invited candidate answers with probability q (accepting with probability
 * s among those who answer) after a delay D with survival S; with probability 1 − q never
 * (the cure fraction). The log says, per candidate, one of:
 *
 *   answered, accepted, D in (L, U]:   q · s · (S(L) − S(U))
 *   answered, rejected, D in (L, U]:   q · (1 − s) · (S(L) − S(U))
 *   pending, invitation out c minutes: 1 − q + q · S(c)      (right-censored, may never answer)
 *
 * s has a closed form (accepted / answered); q and the delay's parameters are found by
 * Nelder–Mead on an unconstrained scale. Identical (L, U) and c are pooled with weights,
 * so one evaluation costs the number of distinct values, not of candidates.
 */
import type { DelayDistribution } from '../scenario/types.ts';
import { erfc, normalQuantile } from '../stats/distributions.ts';
import { minimize, nelderMead } from '../stats/nelder-mead.ts';
import { ACCEPTED, REJECTED, type ObservedCase } from './cases.ts';

export const FAMILIES = ['weibull', 'lognormal', 'exponential'] as const;
export type Family = (typeof FAMILIES)[number];

/** The sufficient statistics of a set of cases, each counted with a weight (bootstrap multiplicities). */
export interface FitData {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly answeredWeight: Float64Array;
  readonly age: Float64Array;
  readonly pendingWeight: Float64Array;
  readonly accepted: number;
  readonly rejected: number;
  readonly pending: number;
  readonly offerAccepted: number;
  /** Accepted candidates whose offer outcome the log shows. */
  readonly offerKnown: number;
  /** Every distinct time above, ascending, and where each value sits in it: S is computed once per time. */
  readonly points: Float64Array;
  /** ln of each point (−∞ for 0), so that an evaluation needs no logarithm. */
  readonly logPoints: Float64Array;
  readonly lowerAt: Int32Array;
  readonly upperAt: Int32Array;
  readonly ageAt: Int32Array;
}

/**
 * Distinct observed values over all cases, and per case how many of each: any weighting of
 * the cases (the bootstrap's) becomes `FitData` in time proportional to the case's entries.
 */
export class FitIndex {
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly age: number[] = [];
  private readonly perCase: { answered: Map<number, number>; pending: Map<number, number>; counts: Float64Array }[] = [];

  constructor(readonly cases: readonly ObservedCase[]) {
    const intervals = new Map<string, number>();
    const ages = new Map<number, number>();
    for (const c of cases) {
      const answered = new Map<number, number>();
      const pending = new Map<number, number>();
      // accepted, rejected, pending, offer accepted, offer known
      const counts = new Float64Array(5);
      for (const o of c.candidates) {
        if (o.answer === 0) {
          let k = ages.get(o.age);
          if (k === undefined) {
            k = this.age.length;
            this.age.push(o.age);
            ages.set(o.age, k);
          }
          pending.set(k, (pending.get(k) ?? 0) + 1);
          counts[2]! += 1;
          continue;
        }
        const key = `${o.lower}|${o.upper}`;
        let k = intervals.get(key);
        if (k === undefined) {
          k = this.lower.length;
          this.lower.push(o.lower);
          this.upper.push(o.upper);
          intervals.set(key, k);
        }
        answered.set(k, (answered.get(k) ?? 0) + 1);
        if (o.answer === ACCEPTED) {
          counts[0]! += 1;
          if (o.offerAccepted !== null) {
            counts[4]! += 1;
            if (o.offerAccepted) counts[3]! += 1;
          }
        } else if (o.answer === REJECTED) {
          counts[1]! += 1;
        }
      }
      this.perCase.push({ answered, pending, counts });
    }
  }

  /** The data with case i counted `weights[i]` times (all once when absent). */
  private shared: Pick<FitData, 'lower' | 'upper' | 'age' | 'points' | 'logPoints' | 'lowerAt' | 'upperAt' | 'ageAt'> | null = null;

  private sharedArrays() {
    if (this.shared === null) {
      const points = Float64Array.from(new Set([...this.lower, ...this.upper, ...this.age])).sort();
      const at = new Map<number, number>();
      points.forEach((t, i) => at.set(t, i));
      const indexOf = (values: number[]) => Int32Array.from(values, (t) => at.get(t) as number);
      this.shared = {
        lower: Float64Array.from(this.lower),
        upper: Float64Array.from(this.upper),
        age: Float64Array.from(this.age),
        points,
        logPoints: points.map(Math.log),
        lowerAt: indexOf(this.lower),
        upperAt: indexOf(this.upper),
        ageAt: indexOf(this.age),
      };
    }
    return this.shared;
  }

  data(weights?: ArrayLike<number>): FitData {
    const answeredWeight = new Float64Array(this.lower.length);
    const pendingWeight = new Float64Array(this.age.length);
    const totals = new Float64Array(5);
    this.perCase.forEach((c, i) => {
      const w = weights === undefined ? 1 : (weights[i] as number);
      if (w === 0) return;
      for (const [k, n] of c.answered) answeredWeight[k]! += w * n;
      for (const [k, n] of c.pending) pendingWeight[k]! += w * n;
      for (let j = 0; j < 5; j++) totals[j]! += w * (c.counts[j] as number);
    });
    return {
      ...this.sharedArrays(),
      answeredWeight,
      pendingWeight,
      accepted: totals[0] as number,
      rejected: totals[1] as number,
      pending: totals[2] as number,
      offerAccepted: totals[3] as number,
      offerKnown: totals[4] as number,
    };
  }
}

/** The delay survival S(t) of a family at unconstrained parameters θ. */
export function survival(family: Family, theta: readonly number[], t: number): number {
  return survivalAtTheta(family, theta)(t);
}

/** The scenario's parameterisation (spec/scenarios.md, behaviours.csv) of θ. */
export function delayOf(family: Family, theta: readonly number[]): DelayDistribution {
  switch (family) {
    case 'weibull':
      return { kind: 'weibull', shape: Math.exp(theta[0] as number), scale: Math.exp(theta[1] as number) };
    case 'lognormal':
      return { kind: 'lognormal', mu: theta[0] as number, sigma: Math.exp(theta[1] as number) };
    case 'exponential':
      return { kind: 'exponential', mean: Math.exp(theta[0] as number) };
  }
}

/** P(D > t) of a delay in the scenario's parameterisation. */
export function delaySurvival(delay: DelayDistribution, t: number): number {
  switch (delay.kind) {
    case 'weibull':
      return survival('weibull', [Math.log(delay.shape), Math.log(delay.scale)], t);
    case 'lognormal':
      return survival('lognormal', [delay.mu, Math.log(delay.sigma)], t);
    case 'exponential':
      return survival('exponential', [Math.log(delay.mean)], t);
    case 'fixed':
      return t < delay.minutes ? 1 : 0;
  }
}

/** The delay's p-quantile in minutes. */
export function delayQuantile(delay: DelayDistribution, p: number): number {
  switch (delay.kind) {
    case 'weibull':
      return delay.scale * Math.pow(-Math.log1p(-p), 1 / delay.shape);
    case 'lognormal':
      return Math.exp(delay.mu + delay.sigma * normalQuantile(p));
    case 'exponential':
      return -delay.mean * Math.log1p(-p);
    case 'fixed':
      return delay.minutes;
  }
}

export const DELAY_PARAMETERS: Readonly<Record<Family, number>> = { weibull: 2, lognormal: 2, exponential: 1 };

/** A start for the delay's θ from the answered intervals' midpoints, as if they were exact. */
function startDelay(family: Family, data: FitData): number[] {
  let w = 0;
  let sum = 0;
  let sumLog = 0;
  let sumLog2 = 0;
  for (let i = 0; i < data.lower.length; i++) {
    const wi = data.answeredWeight[i] as number;
    if (wi === 0) continue;
    const mid = Math.max(0.5, ((data.lower[i] as number) + (data.upper[i] as number)) / 2);
    w += wi;
    sum += wi * mid;
    sumLog += wi * Math.log(mid);
    sumLog2 += wi * Math.log(mid) ** 2;
  }
  const mu = sumLog / w;
  const sigma = Math.max(0.05, Math.sqrt(Math.max(0, sumLog2 / w - mu * mu)));
  switch (family) {
    case 'weibull': {
      // The log of a Weibull variable has standard deviation π / (k √6) and mean ln λ − γ / k.
      const k = Math.PI / (sigma * Math.sqrt(6));
      return [Math.log(k), mu + 0.5772156649 / k];
    }
    case 'lognormal':
      return [mu, Math.log(sigma)];
    case 'exponential':
      return [Math.log(sum / w)];
  }
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** S(·) at fixed θ, with the parameters' transforms done once: the likelihood calls it for every distinct value. */
// Log-normal survival goes through erfc, not 1 − Φ(z): no cancellation in the upper tail.
function survivalAtTheta(family: Family, theta: readonly number[]): (t: number) => number {
  switch (family) {
    case 'weibull': {
      const k = Math.exp(theta[0] as number);
      const rate = 1 / Math.exp(theta[1] as number);
      return (t) => (t <= 0 ? 1 : Math.exp(-Math.pow(t * rate, k)));
    }
    case 'lognormal': {
      const mu = theta[0] as number;
      const scale = 1 / (Math.exp(theta[1] as number) * Math.SQRT2);
      return (t) => (t <= 0 ? 1 : 0.5 * erfc((Math.log(t) - mu) * scale));
    }
    case 'exponential': {
      const rate = 1 / Math.exp(theta[0] as number);
      return (t) => (t <= 0 ? 1 : Math.exp(-t * rate));
    }
  }
}

/** S at every distinct time of the data, from the times' logarithms: the likelihood's inner loop. */
function survivalAtPoints(family: Family, theta: readonly number[], data: FitData): Float64Array {
  const logT = data.logPoints;
  const at = new Float64Array(logT.length);
  switch (family) {
    case 'weibull': {
      // exp(−(t/λ)^k) = exp(−exp(k (ln t − ln λ)))
      const k = Math.exp(theta[0] as number);
      const logScale = theta[1] as number;
      for (let i = 0; i < at.length; i++) at[i] = Math.exp(-Math.exp(k * ((logT[i] as number) - logScale)));
      break;
    }
    case 'lognormal': {
      const mu = theta[0] as number;
      const scale = 1 / (Math.exp(theta[1] as number) * Math.SQRT2);
      for (let i = 0; i < at.length; i++) at[i] = 0.5 * erfc(((logT[i] as number) - mu) * scale);
      break;
    }
    case 'exponential': {
      const rate = 1 / Math.exp(theta[0] as number);
      for (let i = 0; i < at.length; i++) at[i] = Math.exp(-(data.points[i] as number) * rate);
      break;
    }
  }
  return at;
}

/** The log-likelihood of q (on the logit scale, x[0]) and the delay (x[1...]), without the closed-form accept/reject split. */
export function logLikelihood(family: Family, data: FitData, x: readonly number[]): number {
  const q = expit(x[0] as number);
  const at = survivalAtPoints(family, x.slice(1), data);
  let ll = 0;
  let answered = 0;
  for (let i = 0; i < data.lowerAt.length; i++) {
    const w = data.answeredWeight[i] as number;
    if (w === 0) continue;
    const p = (at[data.lowerAt[i] as number] as number) - (at[data.upperAt[i] as number] as number);
    if (!(p > 0)) return -Infinity;
    ll += w * Math.log(p);
    answered += w;
  }
  ll += answered * Math.log(q);
  for (let i = 0; i < data.ageAt.length; i++) {
    const w = data.pendingWeight[i] as number;
    if (w === 0) continue;
    ll += w * Math.log(1 - q + q * (at[data.ageAt[i] as number] as number));
  }
  return ll;
}

function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

export interface Estimate {
  readonly family: Family;
  readonly pAccept: number;
  readonly pReject: number;
  readonly pNone: number;
  /** Among accepted candidates whose offer outcome is known; `NaN` when none is. */
  readonly pOffer: number;
  readonly delay: DelayDistribution;
  /** Unconstrained point: logit q, then the delay's θ (a warm start for refits). */
  readonly x: readonly number[];
  /** Log-likelihood of the response model (answer, accept/reject, delay); the offer part is left out. */
  readonly logLik: number;
  /** 2 · parameters − 2 · logLik, parameters = q, s and the delay's. */
  readonly aic: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/** Maximum-likelihood estimate of one family; `start` warms it (bootstrap refits). */
export function fitFamily(family: Family, data: FitData, start?: readonly number[]): Estimate {
  const answered = data.accepted + data.rejected;
  if (!(answered > 0)) throw new RangeError('no candidate answered: the response model cannot be fitted');
  const invited = answered + data.pending;
  const q0 = Math.min(0.95, Math.max(0.02, answered / invited));
  const x0 = start ?? [logit(q0), ...startDelay(family, data)];
  const objective = (x: readonly number[]) => -logLikelihood(family, data, x);
  // A refit starts next to its answer: one run with a small simplex is enough.
  const best = start === undefined ? minimize(objective, x0) : nelderMead(objective, x0, { step: 0.05 });
  const s = data.accepted / answered;
  const q = expit(best.x[0] as number);
  const logLik = -best.fx + xlogy(data.accepted, s) + xlogy(data.rejected, 1 - s);
  const k = 2 + DELAY_PARAMETERS[family];
  return {
    family,
    pAccept: q * s,
    pReject: q * (1 - s),
    pNone: 1 - q,
    pOffer: data.offerKnown > 0 ? data.offerAccepted / data.offerKnown : NaN,
    delay: delayOf(family, best.x.slice(1)),
    x: best.x,
    logLik,
    aic: 2 * k - 2 * logLik,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

/** The delay's parameters by name, in the scenario's parameterisation. */
export function delayParameters(delay: DelayDistribution): Record<string, number> {
  switch (delay.kind) {
    case 'weibull':
      return { shape: delay.shape, scale: delay.scale };
    case 'lognormal':
      return { mu: delay.mu, sigma: delay.sigma };
    case 'exponential':
      return { mean: delay.mean };
    case 'fixed':
      return { minutes: delay.minutes };
  }
}

/**
 * The fit this module exists to avoid, kept to show what it gets wrong: pending candidates
 * counted as never answering (so p_accept = accepted / invited), and the delay fitted to the
 * answered alone, as if every delay had been seen. Both are biased low whenever the log
 * stops before the answers are in.
 */
export function naiveFit(family: Family, data: FitData): Estimate {
  const answered = data.accepted + data.rejected;
  if (!(answered > 0)) throw new RangeError('no candidate answered: the response model cannot be fitted');
  const invited = answered + data.pending;
  const delayOnly: FitData = { ...data, pendingWeight: new Float64Array(data.age.length), pending: 0 };
  const best = minimize((theta) => -logLikelihood(family, delayOnly, [Infinity, ...theta]), startDelay(family, data));
  return {
    family,
    pAccept: data.accepted / invited,
    pReject: data.rejected / invited,
    pNone: data.pending / invited,
    pOffer: data.offerKnown > 0 ? data.offerAccepted / data.offerKnown : NaN,
    delay: delayOf(family, best.x),
    x: [logit(answered / invited), ...best.x],
    logLik: NaN,
    aic: NaN,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}
