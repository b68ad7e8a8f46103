/** pace's fits: the cure-rate model with Weibull delays (one per shape), log-normal delays or two log-normals, and the best of them. */
import { normalCdf, normalPdf } from './normal.ts';
import { SHAPES, halfPow } from './powers.ts';
import { BINS, type ListSummary } from './summary.ts';
import { FitBuffer, ageSurvivalOf, expOf, type FitOptions, type Prior } from './model.ts';

const EM_STEPS = 4;

/** Each pending group's age to the power k, for the shape being fitted. */
let ageToK = new Float64Array(64);

/** `ln SHAPES[j]`: a constant of a fit's likelihood. */
const logShape = Float64Array.from(SHAPES, (k) => Math.log(k));

/**
 * Fits the cure-rate Weibull model for one shape: EM over the pending groups, the E-step
 * giving each group's chance of still answering, the M-step the conjugate updates
 * (Dirichlet counts for the outcome, Gamma events / exposure for the Weibull rate).
 */
export function fitShape(j: number, s: ListSummary, prior: Prior, options: FitOptions, weights: Float64Array, out = new FitBuffer()): FitBuffer {
  const k = SHAPES[j] as number;
  const a0 = prior.delayStrength;
  const b0 = (a0 * Math.pow(prior.medianDelay, k)) / Math.LN2;
  const aH = prior.strength * prior.hireRate;
  const aN = prior.strength * Math.max(0, prior.answerRate - prior.hireRate);
  const aZ = prior.strength * (1 - prior.answerRate);
  const answered = s.answered;
  const events = a0 + answered;
  const baseExposure = b0 + (s.sumPow[j] as number);
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
  // Log-likelihood of this shape at the fit (answers, censored groups),
  // and the lean to the preferred shape. The Gamma prior on θ is left out of the comparison:
  // its density is not on the same scale from one shape to the next.
  const answers = answered;
  let ll = answers * (Math.log(q) + (logShape[j] as number) + Math.log(theta)) + (k - 1) * s.sumLog;
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
  const lean = Math.log(k / prior.shape);
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

/**
 * The same cure-rate model with log-normal delays, the family of e-mail answers with a long
 * tail. EM again: a pending group that still answers contributes the moments of ln delay
 * beyond its age (truncated normal), the closed-form M-step pools them with the answers and
 * the prior (μ₀ = ln median, σ₀, with the delay prior's pseudo-answers).
 */
export function fitCureRateLogNormal(s: ListSummary, prior: Prior, options: FitOptions, weights: Float64Array, out = new FitBuffer()): FitBuffer {
  const a0 = prior.delayStrength;
  const mu0 = Math.log(prior.medianDelay);
  const s0 = prior.sigma;
  const aH = prior.strength * prior.hireRate;
  const aN = prior.strength * Math.max(0, prior.answerRate - prior.hireRate);
  const aZ = prior.strength * (1 - prior.answerRate);
  const answered = s.answered;
  const total = aH + aN + aZ + answered + s.pending;
  const hireShare = (aH + s.hires) / (aH + aN + answered);
  const n0 = a0 + answered;
  const sum0 = a0 * mu0 + s.sumLog;
  const sum20 = a0 * (s0 * s0 + mu0 * mu0) + s.sumLog2;
  let q = (aH + aN + answered) / (aH + aN + aZ + answered);
  let mu = sum0 / n0;
  let sigma = Math.sqrt(Math.max(0.01, sum20 / n0 - mu * mu));
  let n = n0;
  let sum = sum0;
  let sum2 = sum20;
  const G = s.groups;
  if (!options.censoring) {
    // The ablation: pending invitations are refusals, as in the Weibull fits.
    q = (aH + aN + answered) / total;
    weights.fill(0, 0, G);
  }
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
  // Log-likelihood at the fit: answers as log-normal densities, pending groups censored.
  const answers = answered;
  const ssq = s.sumLog2 - 2 * mu * s.sumLog + answers * mu * mu;
  let ll = answers * (Math.log(q) - Math.log(sigma) - LN_2PI_HALF) - s.sumLog - ssq / (2 * sigma * sigma);
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
  ll -= prior.shapeWeight * prior.lognormalLean;
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

/** The truncated-normal moments of x ~ N(μ, σ²) beyond `l` into `out`: E[x | x > l], E[x² | x > l], P(x > l). */
function beyond(l: number, mu: number, sigma: number, out: Float64Array): void {
  const z = (l - mu) / sigma;
  const S = 1 - normalCdf(z);
  const lambda = S > 1e-12 ? normalPdf(z) / S : z + 1 / z;
  out[0] = mu + sigma * lambda;
  out[1] = sigma * sigma * (1 + z * lambda) + 2 * mu * sigma * lambda + mu * mu;
  out[2] = S;
}

const moments1 = new Float64Array(3);
const moments2 = new Float64Array(3);

/** Where the two-scale EM starts, and where it ended: share, μ₁, σ₁, μ₂, σ₂ of the mixture and the answer rate. */
export type TwoScaleState = Float64Array;

/** A start split from one log-normal (μ, σ) with answer rate q: the two components at μ ∓ 0.75σ. */
export function splitStart(state: TwoScaleState, mu: number, sigma: number, q: number): void {
  state[0] = 0.5;
  state[1] = mu - 0.75 * sigma;
  state[2] = Math.max(0.1, 0.66 * sigma);
  state[3] = mu + 0.75 * sigma;
  state[4] = state[2] as number;
  state[5] = q;
}

/**
 * Delays on two time scales: the cure-rate model with a mixture of two log-normals (minutes
 * and days, say), fitted by `steps` EM steps from `state`; the fit is where they end, and the
 * next step from there is left in `state` (so `steps` = 0 costs one pass). Answers are
 * read in bins of ln delay (the summary's), each bin's answers shared between the components
 * by their densities at the bin's mean; the prior's pseudo-answers are split between them.
 * Each pass over the bins and pending groups is an E-step and gives the likelihood at the
 * parameters it read, so the last pass, after the last M-step, gives the fit's. The
 * likelihood is penalised by Schwarz's criterion for the three extra parameters, so the
 * mixture is chosen only where the answers show two scales.
 */
export function fitTwoScales(
  s: ListSummary,
  prior: Prior,
  options: FitOptions,
  weights: Float64Array,
  out: FitBuffer,
  state: TwoScaleState,
  steps: number,
  singleMu: number,
  singleSigma: number,
): FitBuffer {
  const half = prior.delayStrength / 2;
  const mu0 = Math.log(prior.medianDelay);
  const m20 = prior.sigma * prior.sigma + mu0 * mu0;
  const aH = prior.strength * prior.hireRate;
  const aN = prior.strength * Math.max(0, prior.answerRate - prior.hireRate);
  const aZ = prior.strength * (1 - prior.answerRate);
  const answered = s.answered;
  const total = aH + aN + aZ + answered + s.pending;
  const hireShare = (aH + s.hires) / (aH + aN + answered);
  let mix = state[0] as number;
  let mu1 = state[1] as number;
  let s1 = state[2] as number;
  let mu2 = state[3] as number;
  let s2 = state[4] as number;
  let q = state[5] as number;
  const G = s.groups;
  const survived = ageSurvivalOf(out, G);
  if (!options.censoring) weights.fill(0, 0, G);
  let ll = 0;
  let still = 0;
  for (let step = 0; ; step++) {
    let n1 = half;
    let x1 = half * mu0;
    let xx1 = half * m20;
    let n2 = half;
    let x2 = half * mu0;
    let xx2 = half * m20;
    // Answers: each bin at its mean, less its spread within the bin under each component's share.
    ll = answered * (Math.log(q) - LN_2PI_HALF) - s.sumLog;
    for (let b = 0; b < BINS; b++) {
      const n = s.binCount[b] as number;
      if (n === 0) continue;
      const x = (s.binSum[b] as number) / n;
      const spread = Math.max(0, (s.binSum2[b] as number) / n - x * x);
      const z1 = (x - mu1) / s1;
      const z2 = (x - mu2) / s2;
      const d1 = (mix / s1) * Math.exp(-0.5 * z1 * z1);
      const d2 = ((1 - mix) / s2) * Math.exp(-0.5 * z2 * z2);
      const r = d1 + d2 > 0 ? d1 / (d1 + d2) : z1 * z1 < z2 * z2 ? 1 : 0;
      ll += n * (Math.log(Math.max(1e-300, d1 + d2)) - spread * (r / (2 * s1 * s1) + (1 - r) / (2 * s2 * s2)));
      n1 += r * n;
      x1 += r * (s.binSum[b] as number);
      xx1 += r * (s.binSum2[b] as number);
      n2 += (1 - r) * n;
      x2 += (1 - r) * (s.binSum[b] as number);
      xx2 += (1 - r) * (s.binSum2[b] as number);
    }
    // Pending groups: censored, each still-answerer shared by the components' survivals.
    still = 0;
    for (let g = 0; g < G; g++) {
      const count = s.groupCount[g] as number;
      if ((s.groupAge[g] as number) > 0) {
        const l = s.groupLogAge[g] as number;
        beyond(l, mu1, s1, moments1);
        beyond(l, mu2, s2, moments2);
      } else {
        moments1[0] = mu1;
        moments1[1] = s1 * s1 + mu1 * mu1;
        moments1[2] = 1;
        moments2[0] = mu2;
        moments2[1] = s2 * s2 + mu2 * mu2;
        moments2[2] = 1;
      }
      const S1 = mix * (moments1[2] as number);
      const S2 = (1 - mix) * (moments2[2] as number);
      const S = S1 + S2;
      survived[g] = S;
      if (!options.censoring) continue;
      ll += count * Math.log(1 - q + q * S);
      const w = (q * S) / (1 - q + q * S);
      weights[g] = w;
      still += count * w;
      if (S > 0) {
        const c1 = (count * w * S1) / S;
        const c2 = (count * w * S2) / S;
        n1 += c1;
        x1 += c1 * (moments1[0] as number);
        xx1 += c1 * (moments1[1] as number);
        n2 += c2;
        x2 += c2 * (moments2[0] as number);
        xx2 += c2 * (moments2[1] as number);
      }
    }
    // The M-step. After the last pass it is not taken for this fit (whose likelihood,
    // survivals and weights the pass computed) but left in `state`, where the next call starts.
    const nextMu1 = x1 / n1;
    const nextMu2 = x2 / n2;
    state[0] = n1 / (n1 + n2);
    state[1] = nextMu1;
    state[2] = Math.sqrt(Math.max(0.01, xx1 / n1 - nextMu1 * nextMu1));
    state[3] = nextMu2;
    state[4] = Math.sqrt(Math.max(0.01, xx2 / n2 - nextMu2 * nextMu2));
    state[5] = options.censoring ? (aH + aN + answered + still) / total : (aH + aN + answered) / total;
    if (step === steps) break;
    mix = state[0] as number;
    mu1 = nextMu1;
    s1 = state[2] as number;
    mu2 = nextMu2;
    s2 = state[4] as number;
    q = state[5] as number;
  }
  out.hasAgeSurvival = true;
  // Scored as the one log-normal plus what the mixture gains in log posterior: the delay
  // prior's pseudo-answers (half per component) weigh on both, so the mixture does not win by
  // giving the prior a component of its own while the one log-normal's σ bears it.
  const logPrior = -half * (pseudoAnswerLoss(mu1, s1, mu0, prior.sigma) + pseudoAnswerLoss(mu2, s2, mu0, prior.sigma));
  const singleLogPrior = -2 * half * pseudoAnswerLoss(singleMu, singleSigma, mu0, prior.sigma);
  ll += logPrior - singleLogPrior - prior.shapeWeight * prior.lognormalLean - mixturePenalty(answered);
  out.j = -2;
  out.k = Number.NaN;
  out.theta = Number.NaN;
  out.mu = mu1;
  out.sigma = s1;
  out.mu2 = mu2;
  out.sigma2 = s2;
  out.mix = mix;
  out.answerRate = q;
  out.hireRate = q * hireShare;
  out.evidence = aH + aN + aZ + answered + s.pending - still;
  out.stillAnswers = weights;
  out.exposure = 0;
  out.logLikelihood = ll;
  return out;
}

/** −ln N(x; μ, σ²) of a pseudo-answer x ~ N(μ₀, σ₀²), in expectation, less its constant. */
function pseudoAnswerLoss(mu: number, sigma: number, mu0: number, sigma0: number): number {
  return Math.log(sigma) + (sigma0 * sigma0 + (mu0 - mu) * (mu0 - mu)) / (2 * sigma * sigma);
}

/** Schwarz's penalty of the two-scale mixture: its three extra parameters, ½ ln n each. */
function mixturePenalty(answers: number): number {
  return 1.5 * Math.log(Math.max(1, answers));
}

/**
 * The two-scale mixture's EM across calls: `state` holds where the last call's EM ended, and
 * `warm` says it belongs to this opening and won the last call's choice, so a call goes on
 * from there with one pass (the list changes little between calls) instead of `EM_STEPS`
 * steps from the one log-normal's fit split in two: the EM converges over the calls of an
 * opening, as the list does. A mixture that lost is fitted again only once the answers have
 * grown by half: until then the evidence that rejected it has barely changed, and a mixture
 * left to run on without answers to hold it drifts to a slow component fed by the pending
 * invitations alone (the cure-rate model's ridge), and the decision costs 60 % more
 * (docs/performance.md).
 */
export interface TwoScales {
  readonly state: TwoScaleState;
  warm: boolean;
  /** The answers the list must hold before the mixture is fitted again, after it lost. */
  retryAt: number;
}

export function coldTwoScales(): TwoScales {
  return { state: new Float64Array(6), warm: false, retryAt: 0 };
}

/**
 * The best fit over the Weibull shapes, the log-normal and, unless `twoScales` is false, the
 * two-scale mixture. `scratch` holds two weight buffers of at least `s.groups`; `fits`, two
 * fits to overwrite, each paired with the weight buffer of the same index (the best keeps its
 * pair, the other is the next candidate's). `lnStats` receives the log-normal's expected
 * sufficient statistics.
 */
export function fitModel(
  s: ListSummary,
  prior: Prior,
  options: FitOptions,
  scratch: [Float64Array, Float64Array],
  lnStats?: Float64Array,
  fits: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()],
  twoScales: TwoScales | false = coldTwoScales(),
): FitBuffer {
  let best: FitBuffer | null = null;
  let spare = 0;
  let mu = 0;
  let sigma = 1;
  for (let j = -1; j <= SHAPES.length; j++) {
    const buffer = scratch[spare] as Float64Array;
    const into = fits[spare] as FitBuffer;
    let fit: FitBuffer;
    if (j < 0) {
      fit = fitCureRateLogNormal(s, prior, options, buffer, into);
      if (lnStats !== undefined) {
        lnStats[0] = into.lnStats[0];
        lnStats[1] = into.lnStats[1];
        lnStats[2] = into.lnStats[2];
      }
      mu = into.mu;
      sigma = into.sigma;
      if (twoScales !== false && !twoScales.warm) splitStart(twoScales.state, mu, sigma, into.answerRate);
    } else if (j < SHAPES.length) {
      fit = fitShape(j, s, prior, options, buffer, into);
    } else {
      // Two answers at least, one per scale; after a loss, half as many again.
      if (twoScales === false || s.answered < Math.max(2, twoScales.retryAt)) break;
      fit = fitTwoScales(s, prior, options, buffer, into, twoScales.state, twoScales.warm ? 0 : EM_STEPS, mu, sigma);
      const chosen = best === null || fit.logLikelihood > best.logLikelihood;
      twoScales.warm = chosen;
      twoScales.retryAt = chosen ? 0 : Math.ceil(1.5 * s.answered);
    }
    if (best === null || fit.logLikelihood > best.logLikelihood) {
      best = fit;
      spare = 1 - spare;
    }
  }
  return best as FitBuffer;
}
