import { FINISHED, type CandidateRecord, type Decision, type Request } from '../contract/types.ts';
import { RequestClock, caseIdOf, isOver, minutesBetween } from './common.ts';
import { defineEngine } from './types.ts';
import type { Money } from '../scenario/money.ts';

/**
 * `pace`: censoring-aware Bayesian pacing that weighs the money (docs/pace.md).
 *
 * An invitee ends one of three ways: a hire (offer accepted), an answer that is not a hire,
 * or no answer ever. Answers arrive after a Weibull or log-normal delay, whichever fits the
 * answers and the pending ages best. A pending invitation is censored:
 * it may still answer (the later, the less likely), so it counts for both the answer rate and
 * the delay distribution with the weight the model gives it — a cure-rate model fitted by a
 * few EM steps over pending invitations grouped by age. The batch is the largest whose last
 * invitation is worth more sent now than kept for the next call, in expected money, over a
 * negative-binomial predictive distribution of the hires already on their way.
 */

/** Weibull shapes the delay model chooses from, by penalised likelihood. */
export const SHAPES: readonly number[] = [0.5, 0.75, 1.1, 1.6, 2.4, 3.4];
const EM_STEPS = 4;

// ---------------------------------------------------------------------------------------
// Powers of whole and half minutes, memoised: delays and ages are whole minutes, and the
// same few hundred values recur on every call. Pure functions of their argument, so a
// module-wide memo changes no result.

const MEMO_LIMIT = 1 << 17;
const powMemo: Float64Array<ArrayBuffer>[] = SHAPES.map(() => new Float64Array(0));
let logMemo = new Float64Array(0);

function grow(table: Float64Array<ArrayBuffer>, index: number): Float64Array<ArrayBuffer> {
  let size = Math.max(256, table.length);
  while (size <= index) size *= 2;
  const next = new Float64Array(Math.min(size, MEMO_LIMIT)).fill(Number.NaN);
  next.set(table);
  return next;
}

/** `(h / 2)^SHAPES[j]` for a count of half minutes `h ≥ 0`. */
export function halfPow(j: number, h: number): number {
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return Math.pow(h / 2, SHAPES[j] as number);
  let table = powMemo[j] as Float64Array<ArrayBuffer>;
  if (h >= table.length) table = powMemo[j] = grow(table, h);
  let v = table[h] as number;
  if (Number.isNaN(v)) v = table[h] = Math.pow(h / 2, SHAPES[j] as number);
  return v;
}

/** `ln(h / 2)` for `h ≥ 1` half minutes. */
function halfLog(h: number): number {
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return Math.log(h / 2);
  if (h >= logMemo.length) logMemo = grow(logMemo, h);
  let v = logMemo[h] as number;
  if (Number.isNaN(v)) v = logMemo[h] = Math.log(h / 2);
  return v;
}

// ---------------------------------------------------------------------------------------
// The list, summarised in one pass.

/**
 * What the model reads from the list. Pending invitations are grouped by age: a batch goes
 * out at one call, so its pending records share their age and sit together in the list.
 */
export class ListSummary {
  hires = 0;
  nonHires = 0;
  /** Σ ln(delay) and Σ delay^k per shape, delays taken at the middle of their whole minute. */
  sumLog = 0;
  sumLog2 = 0;
  readonly sumPow = new Float64Array(SHAPES.length);
  groups = 0;
  groupAge = new Float64Array(64);
  groupCount = new Float64Array(64);
  /** ln age of each group, for the log-normal. */
  groupLogAge = new Float64Array(64);
  pending = 0;

  get answered(): number {
    return this.hires + this.nonHires;
  }

  /** Answers per whole minute of delay, so that powers are taken once per distinct delay. */
  private perMinute = new Float64Array(1024);
  /** The distinct minutes in order of first appearance (the order of the sums), no array growing per call. */
  private minutes = new Int32Array(1024);

  read(list: readonly CandidateRecord[]): this {
    this.sumLog = 0;
    this.sumLog2 = 0;
    this.sumPow.fill(0);
    this.groups = 0;
    // Counters in locals, and the open group's count kept as a run until the group closes:
    // the loop body then stores nothing but the per-minute tally (this is the pass that
    // grows with the list).
    let hires = 0;
    let nonHires = 0;
    let pending = 0;
    let run = 0;
    let lastAge = -1;
    let distinct = 0;
    const perMinute = this.perMinute;
    const minutesSeen = this.minutes;
    const tallied = perMinute.length;
    for (let i = 0; i < list.length; i++) {
      const record = list[i] as CandidateRecord;
      const minutes = record.time_to_respond_ir_minutes;
      if (record.notification_status === 'ir_pending') {
        pending++;
        if (minutes === lastAge) run++;
        else {
          if (this.groups > 0) this.groupCount[this.groups - 1] = run;
          this.addGroup(minutes, 1);
          run = 1;
        }
        lastAge = minutes;
        continue;
      }
      if (record.candidate_status === 'offer_accepted') hires++;
      else nonHires++;
      const m = Math.max(0, minutes);
      if (Number.isInteger(m) && m < tallied) {
        if (perMinute[m] === 0) minutesSeen[distinct++] = m;
        perMinute[m] = (perMinute[m] as number) + 1;
      } else {
        this.addAnswers(m, 1);
      }
    }
    if (this.groups > 0) this.groupCount[this.groups - 1] = run;
    this.hires = hires;
    this.nonHires = nonHires;
    this.pending = pending;
    for (let i = 0; i < distinct; i++) {
      const m = minutesSeen[i] as number;
      this.addAnswers(m, perMinute[m] as number);
      perMinute[m] = 0;
    }
    return this;
  }


  private addAnswers(minutes: number, count: number): void {
    const h = 2 * minutes + 1;
    const l = halfLog(h);
    this.sumLog += count * l;
    this.sumLog2 += count * l * l;
    for (let j = 0; j < SHAPES.length; j++) this.sumPow[j] = (this.sumPow[j] as number) + count * halfPow(j, h);
  }

  private addGroup(age: number, count: number): void {
    if (this.groups === this.groupAge.length) {
      const ages = new Float64Array(this.groups * 2);
      ages.set(this.groupAge);
      const counts = new Float64Array(this.groups * 2);
      counts.set(this.groupCount);
      const logs = new Float64Array(this.groups * 2);
      logs.set(this.groupLogAge);
      this.groupLogAge = logs;
      this.groupAge = ages;
      this.groupCount = counts;
    }
    this.groupAge[this.groups] = Math.max(0, age);
    this.groupLogAge[this.groups] = age > 0 ? halfLog(2 * age) : Number.NEGATIVE_INFINITY;
    this.groupCount[this.groups] = count;
    this.groups++;
  }
}

// ---------------------------------------------------------------------------------------
// The model.

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

export interface Prior {
  /** Prior share of invitees who become hires, and who answer at all. */
  readonly hireRate: number;
  readonly answerRate: number;
  /** Pseudo-invitations behind those shares. */
  readonly strength: number;
  /** Prior median delay in minutes, and the pseudo-answers behind it. */
  readonly medianDelay: number;
  readonly delayStrength: number;
  /** Preferred Weibull shape, and how much the choice leans to it (0: not at all). */
  readonly shape: number;
  readonly shapeWeight: number;
  /** Prior σ of ln delay, for the log-normal. */
  readonly sigma: number;
}

export interface Fit {
  /** Weibull: shape index in SHAPES (−1 for the log-normal), shape k and rate θ, S(t) = exp(−θ t^k). */
  readonly j: number;
  readonly k: number;
  readonly theta: number;
  /** Log-normal (when `j = −1`): ln delay ~ N(μ, σ²). */
  readonly mu?: number;
  readonly sigma?: number;
  /** The log-normal's expected sufficient statistics, pending included, for carrying. */
  readonly lnStats?: readonly [number, number, number];
  /** P(answer), P(hire): per invitee. */
  readonly answerRate: number;
  readonly hireRate: number;
  /** Effective number of resolved invitations behind the hire rate (prior included). */
  readonly evidence: number;
  /** Per pending group: the posterior chance that it still answers. */
  readonly stillAnswers: Float64Array;
  /** Exposure Σ t^k with this fit's weights, for carrying. */
  readonly exposure: number;
  readonly logLikelihood: number;
}

/**
 * A fit the engine overwrites call after call: a decision allocates no fit objects. The
 * fields a family does not use hold NaN (`mu`, `sigma` for a Weibull; `k`, `theta` for the
 * log-normal); `lnStats` is meaningful for the log-normal only.
 */
export class FitBuffer implements Fit {
  j = 0;
  k = 0;
  theta = 0;
  mu = Number.NaN;
  sigma = Number.NaN;
  readonly lnStats: [number, number, number] = [0, 0, 0];
  answerRate = 0;
  hireRate = 0;
  evidence = 0;
  stillAnswers: Float64Array = new Float64Array(0);
  exposure = 0;
  logLikelihood = 0;
  /**
   * Each pending group's survival at its age under this fit, when `hasAgeSurvival`: the
   * likelihood computes them, and they are `survivalAtAges(this, s, …)` to the last bit.
   */
  ageSurvival = new Float64Array(0);
  hasAgeSurvival = false;
}

function ageSurvivalOf(fit: FitBuffer, groups: number): Float64Array {
  if (fit.ageSurvival.length < groups) fit.ageSurvival = new Float64Array(Math.max(64, 2 * groups));
  return fit.ageSurvival;
}

export interface FitOptions {
  /** false: a pending invitation counts as a refusal (the ablation). */
  readonly censoring: boolean;
}

/**
 * `Math.exp(x)`, without the call where it is +0: below −745.13 `Math.exp` underflows to +0
 * (IEEE 754 double; V8's fdlibm port returns it from its first test). Old pending groups
 * sit there for every shape that is not heavy-tailed, a few calls per fit.
 */
export function expOf(x: number): number {
  return x < -746 ? 0 : Math.exp(x);
}

/** Each pending group's age to the power k, for the shape being fitted. */
let ageToK = new Float64Array(64);

/** `ln SHAPES[j]`, and `ln(SHAPES[j] / shape)` for the last preferred shape seen: constants of a fit's likelihood. */
const logShape = Float64Array.from(SHAPES, (k) => Math.log(k));
let leanFor = Number.NaN;
const leanLog = new Float64Array(SHAPES.length);

function leanOf(j: number, shape: number): number {
  if (shape !== leanFor) {
    for (let i = 0; i < SHAPES.length; i++) leanLog[i] = Math.log((SHAPES[i] as number) / shape);
    leanFor = shape;
  }
  return leanLog[j] as number;
}

/** `medianDelay^SHAPES[j]` for the last prior median seen: the same prior on every call. */
let medianPowFor = Number.NaN;
const medianPow = new Float64Array(SHAPES.length);

function medianToK(j: number, medianDelay: number): number {
  if (medianDelay !== medianPowFor) {
    for (let i = 0; i < SHAPES.length; i++) medianPow[i] = Math.pow(medianDelay, SHAPES[i] as number);
    medianPowFor = medianDelay;
  }
  return medianPow[j] as number;
}

/**
 * Fits the cure-rate Weibull model for one shape: EM over the pending groups, the E-step
 * giving each group's chance of still answering, the M-step the conjugate updates
 * (Dirichlet counts for the outcome, Gamma events / exposure for the Weibull rate).
 */
export function fitShape(j: number, s: ListSummary, prior: Prior, carried: Carried, options: FitOptions, weights: Float64Array, out = new FitBuffer()): FitBuffer {
  const k = SHAPES[j] as number;
  const a0 = prior.delayStrength;
  const b0 = (a0 * medianToK(j, prior.medianDelay)) / Math.LN2;
  const aH = prior.strength * prior.hireRate + carried.hires;
  const aN = prior.strength * Math.max(0, prior.answerRate - prior.hireRate) + carried.nonHires;
  const aZ = prior.strength * (1 - prior.answerRate) + carried.never;
  const answered = s.answered;
  const events = a0 + carried.answers + answered;
  const baseExposure = b0 + (carried.exposure[j] as number) + (s.sumPow[j] as number);
  const total = aH + aN + aZ + answered + s.pending;
  const hireShare = (aH + s.hires) / (aH + aN + answered);
  // EM starts as if the pending answered at the rate of the answered: from the prior alone
  // on the first call, and at the fixed point at once when everyone answers.
  let q = (aH + aN + answered) / (aH + aN + aZ + answered);
  let theta = events / baseExposure;
  let stillExposure = 0;
  let still = 0;
  const G = s.groups;
  if (!options.censoring) {
    q = (aH + aN + answered) / total;
    weights.fill(0, 0, G);
  } else {
    if (ageToK.length < G) ageToK = new Float64Array(2 * G);
    for (let g = 0; g < G; g++) ageToK[g] = halfPow(j, 2 * (s.groupAge[g] as number));
    for (let step = 0; step < EM_STEPS; step++) {
      still = 0;
      stillExposure = 0;
      for (let g = 0; g < G; g++) {
        const tk = ageToK[g] as number;
        const S = expOf(-theta * tk);
        const w = (q * S) / (1 - q + q * S);
        weights[g] = w;
        const n = s.groupCount[g] as number;
        still += n * w;
        stillExposure += n * w * tk;
      }
      theta = events / (baseExposure + stillExposure);
      q = (aH + aN + answered + still) / total;
    }
  }
  // Log-likelihood of this shape at the fit (answers, censored groups, the carried answers),
  // and the lean to the preferred shape. The Gamma prior on θ is left out of the comparison:
  // its density is not on the same scale from one shape to the next.
  const answers = carried.answers + answered;
  let ll = answers * (Math.log(q) + (logShape[j] as number) + Math.log(theta)) + (k - 1) * (carried.sumLog + s.sumLog);
  ll -= theta * (baseExposure - b0 + stillExposure);
  const survived = ageSurvivalOf(out, G);
  if (options.censoring) {
    for (let g = 0; g < G; g++) {
      const S = expOf(-theta * (ageToK[g] as number));
      survived[g] = S;
      ll += (s.groupCount[g] as number) * Math.log(1 - q + q * S);
    }
  }
  out.hasAgeSurvival = options.censoring;
  const lean = leanOf(j, prior.shape);
  ll -= prior.shapeWeight * lean * lean;
  const resolved = s.pending - still;
  out.j = j;
  out.k = k;
  out.theta = theta;
  out.mu = Number.NaN;
  out.sigma = Number.NaN;
  out.answerRate = q;
  out.hireRate = q * hireShare;
  out.evidence = aH + aN + aZ + answered + resolved;
  out.stillAnswers = weights;
  out.exposure = (s.sumPow[j] as number) + stillExposure;
  out.logLikelihood = ll;
  return out;
}

const LN_2PI_HALF = 0.5 * Math.log(2 * Math.PI);
/** The log-normal is preferred to no Weibull shape without evidence: a small fixed lean. */
const LOGNORMAL_LEAN = 0.05;

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * The same cure-rate model with log-normal delays, the family of e-mail answers with a long
 * tail. EM again: a pending group that still answers contributes the moments of ln delay
 * beyond its age (truncated normal), the closed-form M-step pools them with the answers and
 * the prior (μ₀ = ln median, σ₀, with the delay prior's pseudo-answers).
 */
export function fitLogNormal(s: ListSummary, prior: Prior, carried: Carried, options: FitOptions, weights: Float64Array, out = new FitBuffer()): FitBuffer {
  const a0 = prior.delayStrength;
  const mu0 = Math.log(prior.medianDelay);
  const s0 = prior.sigma;
  const aH = prior.strength * prior.hireRate + carried.hires;
  const aN = prior.strength * Math.max(0, prior.answerRate - prior.hireRate) + carried.nonHires;
  const aZ = prior.strength * (1 - prior.answerRate) + carried.never;
  const answered = s.answered;
  const total = aH + aN + aZ + answered + s.pending;
  const hireShare = (aH + s.hires) / (aH + aN + answered);
  const n0 = a0 + carried.lnCount + answered;
  const sum0 = a0 * mu0 + carried.lnSum + s.sumLog;
  const sum20 = a0 * (s0 * s0 + mu0 * mu0) + carried.lnSum2 + s.sumLog2;
  let q = (aH + aN + answered) / (aH + aN + aZ + answered);
  let mu = sum0 / n0;
  let sigma = Math.sqrt(Math.max(0.01, sum20 / n0 - mu * mu));
  let n = n0;
  let sum = sum0;
  let sum2 = sum20;
  const G = s.groups;
  if (!options.censoring) weights.fill(0, 0, G);
  const steps = options.censoring ? EM_STEPS : 0;
  for (let step = 0; step < steps; step++) {
    let still = 0;
    n = n0;
    sum = sum0;
    sum2 = sum20;
    for (let g = 0; g < G; g++) {
      const a = s.groupAge[g] as number;
      const count = s.groupCount[g] as number;
      let S = 1;
      let m1 = mu;
      let m2 = sigma * sigma + mu * mu;
      if (a > 0) {
        const z = ((s.groupLogAge[g] as number) - mu) / sigma;
        S = 1 - normalCdf(z);
        // Inverse Mills ratio; its asymptote where S underflows.
        const lambda = S > 1e-12 ? normalPdf(z) / S : z + 1 / z;
        m1 = mu + sigma * lambda;
        m2 = sigma * sigma * (1 + z * lambda) + 2 * mu * sigma * lambda + mu * mu;
      }
      const w = (q * S) / (1 - q + q * S);
      weights[g] = w;
      const cw = count * w;
      still += cw;
      n += cw;
      sum += cw * m1;
      sum2 += cw * m2;
    }
    mu = sum / n;
    sigma = Math.sqrt(Math.max(0.01, sum2 / n - mu * mu));
    q = (aH + aN + answered + still) / total;
  }
  // Log-likelihood at the fit: answers and carried answers as log-normal densities, pending groups censored.
  const answers = carried.lnCount + answered;
  const ssq = carried.lnSum2 + s.sumLog2 - 2 * mu * (carried.lnSum + s.sumLog) + answers * mu * mu;
  let ll = answers * (Math.log(q) - Math.log(sigma) - LN_2PI_HALF) - (carried.lnSum + s.sumLog) - ssq / (2 * sigma * sigma);
  let still = 0;
  const survived = ageSurvivalOf(out, G);
  out.hasAgeSurvival = true;
  for (let g = 0; g < G; g++) {
    const a = s.groupAge[g] as number;
    const S = a > 0 ? 1 - normalCdf(((s.groupLogAge[g] as number) - mu) / sigma) : 1;
    survived[g] = S;
    if (options.censoring) ll += (s.groupCount[g] as number) * Math.log(1 - q + q * S);
    still += (s.groupCount[g] as number) * (weights[g] as number);
  }
  ll -= prior.shapeWeight * LOGNORMAL_LEAN;
  out.j = -1;
  out.k = Number.NaN;
  out.theta = Number.NaN;
  out.mu = mu;
  out.sigma = sigma;
  out.lnStats[0] = n - n0 + answered;
  out.lnStats[1] = sum - sum0 + s.sumLog;
  out.lnStats[2] = sum2 - sum20 + s.sumLog2;
  out.answerRate = q;
  out.hireRate = q * hireShare;
  out.evidence = aH + aN + aZ + answered + s.pending - still;
  out.stillAnswers = weights;
  out.exposure = 0;
  out.logLikelihood = ll;
  return out;
}

/**
 * The best fit over the Weibull shapes and the log-normal. `scratch` holds two weight buffers
 * of at least `s.groups`; `fits`, two fits to overwrite, each paired with the weight buffer
 * of the same index (the best keeps its pair, the other is the next candidate's). `lnStats`
 * receives the log-normal's expected sufficient statistics.
 */
export function fitModel(
  s: ListSummary,
  prior: Prior,
  carried: Carried,
  options: FitOptions,
  scratch: [Float64Array, Float64Array],
  lnStats?: Float64Array,
  fits: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()],
): FitBuffer {
  let best: FitBuffer | null = null;
  let spare = 0;
  for (let j = -1; j < SHAPES.length; j++) {
    const buffer = scratch[spare] as Float64Array;
    const into = fits[spare] as FitBuffer;
    const fit = j < 0 ? fitLogNormal(s, prior, carried, options, buffer, into) : fitShape(j, s, prior, carried, options, buffer, into);
    if (j < 0 && lnStats !== undefined) {
      lnStats[0] = into.lnStats[0];
      lnStats[1] = into.lnStats[1];
      lnStats[2] = into.lnStats[2];
    }
    if (best === null || fit.logLikelihood > best.logLikelihood) {
      best = fit;
      spare = 1 - spare;
    }
  }
  return best as FitBuffer;
}

export function survival(fit: Fit, minutes: number): number {
  if (minutes <= 0) return 1;
  if (fit.j < 0) return 1 - normalCdf((Math.log(minutes) - (fit.mu as number)) / (fit.sigma as number));
  return Math.exp(-fit.theta * Math.pow(minutes, fit.k));
}

/**
 * `survival(fit, minutes)` for an age of whole minutes, the same number: the powers and
 * logarithms come from the memo (`halfPow(j, 2m)` is `Math.pow(m, k)`, `halfLog(2m)` is
 * `Math.log(m)`), which pending ages hit on every call.
 */
export function survivalAtAge(fit: Fit, minutes: number): number {
  if (minutes <= 0) return 1;
  const h = 2 * minutes;
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return survival(fit, minutes);
  if (fit.j < 0) return 1 - normalCdf((halfLog(h) - (fit.mu as number)) / (fit.sigma as number));
  if (fit.k !== SHAPES[fit.j]) return survival(fit, minutes);
  return Math.exp(-fit.theta * halfPow(fit.j, h));
}

/** Minutes by which a share `c` of a fresh invitation's answers are in. */
export function delayQuantile(fit: Fit, c: number): number {
  if (fit.j < 0) return Math.exp((fit.mu as number) + (fit.sigma as number) * normalInverse(c));
  return Math.pow(-Math.log(1 - c) / fit.theta, 1 / fit.k);
}

// ---------------------------------------------------------------------------------------
// The predictive distribution of hires, and the batch.

/** Φ, by the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - y / 2 : y / 2;
}

// Acklam's coefficients, once per module rather than four arrays per call.
const [IA0, IA1, IA2, IA3, IA4, IA5] = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239] as const;
const [IB0, IB1, IB2, IB3, IB4] = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572] as const;
const [IC0, IC1, IC2, IC3, IC4, IC5] = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const [ID0, ID1, ID2, ID3] = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;

/**
 * Φ⁻¹ by Acklam's rational approximation (relative error < 1.2e-9): jStat's inverse costs
 * microseconds, and the callback needs one per call.
 */
export function normalInverse(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((IC0 * q + IC1) * q + IC2) * q + IC3) * q + IC4) * q + IC5) / ((((ID0 * q + ID1) * q + ID2) * q + ID3) * q + 1);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((IC0 * q + IC1) * q + IC2) * q + IC3) * q + IC4) * q + IC5) / ((((ID0 * q + ID1) * q + ID2) * q + ID3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((IA0 * r + IA1) * r + IA2) * r + IA3) * r + IA4) * r + IA5) * q) / (((((IB0 * r + IB1) * r + IB2) * r + IB3) * r + IB4) * r + 1);
}

const NORMAL_FROM = 150;

/**
 * P(H < s) for hires H with mean `mean` whose rate is uncertain with squared coefficient of
 * variation `cv2`: a Poisson–Gamma (negative binomial) mixture, exact up to 150 hires, its
 * normal approximation beyond.
 */
export function probBelow(s: number, mean: number, cv2: number): number {
  if (s <= 0) return 0;
  if (!(mean > 0)) return 1;
  if (s > NORMAL_FROM) return normalCdf((s - 0.5 - mean) / Math.sqrt(mean + cv2 * mean * mean));
  let pmf: number;
  let ratio: number;
  let r = 0;
  const poisson = cv2 < 1e-9;
  if (poisson) {
    pmf = Math.exp(-mean);
    ratio = mean;
  } else {
    r = 1 / cv2;
    pmf = Math.exp(r * Math.log(r / (r + mean)));
    ratio = mean / (r + mean);
  }
  let sum = 0;
  for (let h = 0; h < s; h++) {
    sum += pmf;
    pmf *= poisson ? ratio / (h + 1) : (ratio * (h + r)) / (h + 1);
  }
  return Math.min(1, sum);
}

export interface BatchInputs {
  /** Vacancies still open, and candidates left in the pool. */
  readonly need: number;
  readonly pool: number;
  /** Expected on-time hires from invitations already out, and the squared CV of the hire rate. */
  readonly pendingHires: number;
  readonly cv2: number;
  /** Per invitee: P(hire), P(answer by the deadline) if invited now, and if invited at the next call. */
  readonly hireRate: number;
  readonly onTimeNow: number;
  readonly onTimeNext: number;
  /** Money a needed invitation loses by waiting one call (pushes towards filling sooner). */
  readonly urgency: number;
}

/**
 * The expected money of sending the k-th invitation now rather than keeping it for the next
 * call. It is a hire if it answers in time while fewer than `need` of the others are hires;
 * an acceptance that answers late or finds the vacancies full costs an overbooking. Kept for
 * the next call it is sent only if needed (as if we then knew), with less time to answer.
 */
export function marginalGain(k: number, b: BatchInputs, m: Money): number {
  const below = probBelow(b.need, b.pendingHires + (k - 1) * b.hireRate * b.onTimeNow, b.cv2);
  const above = 1 - below;
  const p = b.hireRate;
  const now = -m.costPerInvite + p * (b.onTimeNow * (m.valuePerHire * below - m.costPerOverbooking * above) - m.costPerOverbooking * (1 - b.onTimeNow));
  const later = -m.costPerInvite + p * (m.valuePerHire * b.onTimeNext - m.costPerOverbooking * (1 - b.onTimeNext));
  return now - below * Math.max(0, later - b.urgency);
}

/**
 * `marginalGain(k, b, m) > 0`, the same arithmetic: the search needs only the sign, and a
 * boolean is returned without boxing a number on the heap at each of its dozen steps.
 */
function gains(k: number, b: BatchInputs, m: Money): boolean {
  const below = probBelow(b.need, b.pendingHires + (k - 1) * b.hireRate * b.onTimeNow, b.cv2);
  const above = 1 - below;
  const p = b.hireRate;
  const now = -m.costPerInvite + p * (b.onTimeNow * (m.valuePerHire * below - m.costPerOverbooking * above) - m.costPerOverbooking * (1 - b.onTimeNow));
  const later = -m.costPerInvite + p * (m.valuePerHire * b.onTimeNext - m.costPerOverbooking * (1 - b.onTimeNext));
  return now - below * Math.max(0, later - b.urgency) > 0;
}

/** The largest k whose marginal gain is positive (the gain falls with k), at most the pool. */
export function moneyBatch(b: BatchInputs, m: Money): number {
  if (b.need <= 0 || b.pool <= 0) return 0;
  if (!gains(1, b, m)) return 0;
  let lo = 1;
  let hi = b.pool;
  if (gains(hi, b, m)) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (gains(mid, b, m)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Without the money rule (the ablation): enough invitations that the expected hires cover the need. */
export function meanBatch(b: BatchInputs): number {
  const perInvite = b.hireRate * b.onTimeNow;
  const short = b.need - b.pendingHires;
  if (short <= 0 || !(perInvite > 0)) return 0;
  return Math.min(b.pool, Math.ceil(short / perInvite));
}

let stillBuffer = new Float64Array(64);
let survivalBuffer = new Float64Array(64);

/** Each pending group's survival at its present age, into `out` (at least `s.groups` long). */
export function survivalAtAges(fit: Fit, s: ListSummary, out: Float64Array): Float64Array {
  for (let g = 0; g < s.groups; g++) out[g] = survivalAtAge(fit, s.groupAge[g] as number);
  return out;
}

/**
 * Answers expected within `t` minutes from a new batch and from the pending groups, whose
 * chances of still answering and survivals at their ages are in `still` and `survived`.
 * A function of its arguments, not a closure: the callback's bisection calls it a dozen
 * times per decision, and a closure would be allocated (and named) per decision.
 */
function expectedBy(fit: Fit, s: ListSummary, batch: number, still: Float64Array, survived: Float64Array, t: number): number {
  let sum = batch * fit.answerRate * (1 - survival(fit, t));
  for (let g = 0; g < s.groups; g++) {
    const w = still[g] as number;
    if (w < 1e-9) continue;
    const a = s.groupAge[g] as number;
    sum += (s.groupCount[g] as number) * w * (1 - survival(fit, a + t) / (survived[g] as number));
  }
  return sum;
}

/**
 * The callback: minutes until a share `c` of the answers still expected from the pending
 * groups and the new batch are expected in, found by bisection; `fallback` when none are
 * expected. Never past the deadline: at most the minutes left minus one, at least 1.
 * `agesSurvival`, when given, holds `survivalAtAges(fit, s, …)`, already computed by the caller.
 */
export function callbackMinutes(
  fit: Fit,
  s: ListSummary,
  batch: number,
  c: number,
  minutesLeft: number,
  fallback: number,
  minCallback: number,
  agesSurvival?: Float64Array,
): number {
  const q = fit.answerRate;
  const G = s.groups;
  // Per group, the chance of an answer after its present age, as a share of its invitations.
  let eventually = batch * q;
  if (stillBuffer.length < G) {
    stillBuffer = new Float64Array(2 * G);
    survivalBuffer = new Float64Array(2 * G);
  }
  const still = stillBuffer;
  const survived = agesSurvival ?? survivalAtAges(fit, s, survivalBuffer);
  for (let g = 0; g < G; g++) {
    const Sa = survived[g] as number;
    still[g] = (q * Sa) / (1 - q + q * Sa);
    eventually += (s.groupCount[g] as number) * (still[g] as number);
  }
  let minutes: number;
  if (!(eventually > 1e-3)) {
    minutes = fallback;
  } else {
    const target = c * eventually;
    let lo = 0;
    let hi = Math.max(1, fallback);
    while (expectedBy(fit, s, batch, still, survived, hi) < target && hi < 1e7) {
      lo = hi;
      hi *= 2;
    }
    // To half a minute or 1 %, whichever is coarser: the callback is whole minutes anyway.
    while (hi - lo > Math.max(0.5, 0.01 * hi)) {
      const mid = (lo + hi) / 2;
      if (expectedBy(fit, s, batch, still, survived, mid) >= target) hi = mid;
      else lo = mid;
    }
    minutes = hi;
  }
  const latest = Math.max(1, Math.ceil(minutesLeft) - 1);
  return Math.min(latest, Math.max(1, minCallback, Math.round(minutes)));
}

// ---------------------------------------------------------------------------------------
// The engine.

/**
 * Whether `correlationId` is `{caseId}_{digits}`, in which case `caseIdOf` would give
 * `caseId` (the digits hold no `_`, so the last `_` is the one after `caseId`; the caller
 * makes sure `caseId` holds no line break, which `caseIdOf`'s `.` would not match). It
 * allocates nothing, unlike the regular expression; when it says no, `caseIdOf` decides.
 */
function ofCase(correlationId: string, caseId: string): boolean {
  const n = caseId.length;
  if (correlationId.length < n + 2 || correlationId.charCodeAt(n) !== 95 || !correlationId.startsWith(caseId)) return false;
  for (let i = n + 1; i < correlationId.length; i++) {
    const d = correlationId.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

export const pace = defineEngine({
  name: 'pace',
  description: 'censoring-aware Bayesian pacing: cure-rate model of answers (Weibull or log-normal delays), batches by expected money, callbacks when answers are due',
  params: {
    hireRate: { default: 0.06, description: 'prior share of invitees who become hires', min: 0.001, max: 0.99 },
    answerRate: { default: 0.2, description: 'prior share of invitees who answer at all', min: 0.001, max: 1 },
    strength: { default: 150, description: 'pseudo-invitations behind the prior shares', min: 0.01 },
    medianDelay: { default: 30, description: 'prior median response delay, minutes', min: 0.01 },
    delayStrength: { default: 1, description: 'pseudo-answers behind the prior delay', min: 0.01 },
    shape: { default: 1.5, description: 'preferred Weibull shape of the delays', min: 0.1, max: 10 },
    sigma: { default: 1, description: 'prior σ of ln delay (log-normal delays)', min: 0.05, max: 5 },
    shapeWeight: { default: 3, description: 'how much the shape choice leans to the preferred one', min: 0 },
    quantile: { default: 0.7, description: 'share of the expected answers that should be in at the callback', min: 0.05, max: 0.999 },
    roundsWeight: { default: 15, description: 'urgency grows by this factor times the callback step over the minutes left', min: 0 },
    maxStep: { default: 0.35, description: 'longest callback, as a share of the minutes left', min: 0.01, max: 1 },
    minCallback: { default: 1, description: 'shortest callback, minutes', min: 1, integer: true },
    urgency: { default: 4, description: 'money a needed invitation loses by waiting one call, with one vacancy left (÷√vacancies left)', min: 0 },
    valuePerHire: { default: 2500, description: 'value of a hire', min: 0 },
    costPerInvite: { default: 20, description: 'cost of an invitation', min: 0 },
    costPerOverbooking: { default: 250, description: 'cost of an acceptance that finds no vacancy', min: 0 },
    censoring: { default: 1, description: '1: pending invitations are censored; 0: counted as refusals (ablation)', min: 0, max: 1, integer: true },
    money: { default: 1, description: '1: batches by expected money; 0: expected hires cover the need (ablation)', min: 0, max: 1, integer: true },
    carry: { default: 1, description: '1: with --carry-state, later openings start from what earlier ones taught; 0: never (ablation)', min: 0, max: 1, integer: true },
    carryCap: { default: 400, description: 'most pseudo-invitations (and pseudo-answers) carried between openings', min: 0 },
  },
  create({ params }) {
    const num = (key: string, fallback: number): number => params[key] ?? fallback;
    const prior: Prior = {
      hireRate: num('hireRate', 0.06),
      answerRate: Math.max(num('answerRate', 0.2), num('hireRate', 0.06)),
      strength: num('strength', 150),
      medianDelay: num('medianDelay', 30),
      delayStrength: num('delayStrength', 1),
      shape: num('shape', 1.5),
      shapeWeight: num('shapeWeight', 3),
      sigma: num('sigma', 1),
    };
    const money: Money = {
      valuePerHire: num('valuePerHire', 2500),
      costPerInvite: num('costPerInvite', 20),
      costPerOverbooking: num('costPerOverbooking', 250),
    };
    const options: FitOptions = { censoring: num('censoring', 1) === 1 };
    const byMoney = num('money', 1) === 1;
    const carry = num('carry', 1) === 1;
    const carryCap = num('carryCap', 400);
    const c = num('quantile', 0.7);
    const minCallback = num('minCallback', 1);
    const urgency = num('urgency', 4);
    const maxShare = num('maxStep', 0.35);
    const roundsWeight = num('roundsWeight', 15);

    const clock = new RequestClock();
    const summary = new ListSummary();
    // Everything a decision works in is allocated here, once per engine, and overwritten call
    // after call: a decision allocates little beyond its answer, so the collector seldom runs
    // inside one (issue 13's p99 target).
    let scratch: [Float64Array, Float64Array] = [new Float64Array(64), new Float64Array(64)];
    const fitBuffers: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()];
    let agesSurvival = new Float64Array(64);
    // The log-normal fit's expected sufficient statistics at the last call, for carrying.
    const lnStats = new Float64Array(3);
    const inputs: { -readonly [K in keyof BatchInputs]: BatchInputs[K] } = {
      need: 0,
      pool: 0,
      pendingHires: 0,
      cv2: 0,
      hireRate: 0,
      onTimeNow: 0,
      onTimeNext: 0,
      urgency: 0,
    };
    const carried = emptyCarried();
    // This opening's last fit, committed to `carried` when it ends (the summary is `summary`).
    let caseId: string | null = null;
    // Whether `ofCase` may answer for `caseId` (no line break in it).
    let plainCaseId = false;
    let last: Fit | null = null;

    /**
     * Every shape's exposure, pending ages weighted by the chosen fit's chance that they still
     * answer. Read at commit: the summary and the fit's buffers still hold the case's last call,
     * because a new case's call commits before it reads its list.
     */
    const evidenceOf = (s: ListSummary, fit: Fit) => {
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
    };

    const commit = (): void => {
      if (last !== null && carry) {
        const evidence = evidenceOf(summary, last);
        carried.hires += evidence.hires;
        carried.nonHires += evidence.nonHires;
        carried.never += evidence.never;
        carried.answers += evidence.answers;
        carried.sumLog += evidence.sumLog;
        for (let j = 0; j < SHAPES.length; j++) carried.exposure[j] = (carried.exposure[j] as number) + (evidence.exposure[j] as number);
        carried.lnCount += evidence.ln[0];
        carried.lnSum += evidence.ln[1];
        carried.lnSum2 += evidence.ln[2];
        // Bounded: old openings fade as new ones come, so the prior stays a prior.
        const outcomes = carried.hires + carried.nonHires + carried.never;
        if (outcomes > carryCap) {
          const f = carryCap / outcomes;
          carried.hires *= f;
          carried.nonHires *= f;
          carried.never *= f;
        }
        if (carried.answers > carryCap) {
          const f = carryCap / carried.answers;
          carried.answers *= f;
          carried.sumLog *= f;
          for (let j = 0; j < SHAPES.length; j++) carried.exposure[j] = (carried.exposure[j] as number) * f;
        }
        if (carried.lnCount > carryCap) {
          const f = carryCap / carried.lnCount;
          carried.lnCount *= f;
          carried.lnSum *= f;
          carried.lnSum2 *= f;
        }
      }
      last = null;
      caseId = null;
    };

    return {
      decide(request: Request): Decision {
        // The case id is taken apart only when the call is not plainly the same case's.
        if (caseId === null || !plainCaseId || !ofCase(request.correlation_id, caseId)) {
          const id = caseIdOf(request.correlation_id);
          if (caseId !== null && id !== caseId) commit();
          caseId = id;
          plainCaseId = !/[\n\r\u2028\u2029]/.test(id);
        }
        const { now, deadline } = clock.read(request);
        const s = summary.read(request.impacted_candidates_data);
        if (s.groups > scratch[0].length) scratch = [new Float64Array(s.groups * 2), new Float64Array(s.groups * 2)];
        if (s.groups > agesSurvival.length) agesSurvival = new Float64Array(s.groups * 2);
        const fit = fitModel(s, prior, carried, options, scratch, lnStats, fitBuffers);
        // What the next opening's prior needs from this one is read from the last call's
        // summary and fit when the case ends, not built on every call.
        if (carry) last = fit;
        if (isOver(request, now, deadline, s.hires)) {
          commit();
          return FINISHED;
        }
        const left = minutesBetween(now, deadline);
        const q = fit.answerRate;
        const p = fit.hireRate;
        // Expected on-time hires from the invitations already out.
        let pendingHires = 0;
        // The fit's likelihood took the survivals at the groups' ages already (when censoring).
        const survived = fit.hasAgeSurvival ? fit.ageSurvival : survivalAtAges(fit, s, agesSurvival);
        if (options.censoring) {
          for (let g = 0; g < s.groups; g++) {
            const a = s.groupAge[g] as number;
            const Sa = survived[g] as number;
            // a + left is the group's age at the deadline: whole minutes, and the same from one
            // call to the next, so the memo serves it too.
            pendingHires += ((s.groupCount[g] as number) * p * (Sa - survivalAtAge(fit, a + left))) / (1 - q + q * Sa);
          }
        }
        // Calls cost nothing: with a heavy tail, call back well before the deadline rather
        // than wait for answers that may come after it.
        const step = Math.max(minCallback, Math.min(delayQuantile(fit, c), maxShare * left));
        const onTimeNow = 1 - survival(fit, left);
        const onTimeNext = left - step > 0 ? 1 - survival(fit, left - step) : 0;
        inputs.need = request.num_vacancies - s.hires;
        inputs.pool = request.num_remaining_in_pool;
        inputs.pendingHires = pendingHires;
        inputs.cv2 = (1 - p) / (p * (fit.evidence + 1));
        inputs.hireRate = p;
        inputs.onTimeNow = onTimeNow;
        inputs.onTimeNext = onTimeNext;
        // The risk of running out of calls is shared by the vacancies left: per invitation
        // it shrinks as the need grows (a batch for 200 hires is long, not late).
        // and grows as the calls left before the deadline become few.
        inputs.urgency = (urgency * (1 + roundsWeight * (step / left))) / Math.sqrt(Math.max(1, request.num_vacancies - s.hires));
        const batch = Math.min(request.num_remaining_in_pool, byMoney ? moneyBatch(inputs, money) : meanBatch(inputs));
        return {
          finished: false,
          num_candidates_needed: batch,
          callback_time_minutes: callbackMinutes(fit, s, batch, c, Math.min(left, Math.max(1, maxShare * left) + 1), step, minCallback, survived),
        };
      },
    };
  },
});
