/** pace's fits: the cure-rate model with Weibull delays (one per shape) or log-normal delays, the two-time-scale mixture (two-scales.ts), and the best of them. */
import { LN_2PI_HALF, normalCdf, truncatedMoments } from './normal.ts';
import { SHAPES, halfPow } from './powers.ts';
import type { ListSummary } from './summary.ts';
import { EM_STEPS, FitBuffer, ageSurvivalOf, expOf, type FitOptions, type Prior } from './model.ts';
import { answersStart, coldTwoScales, fitTwoScales, priorStart, splitStart, type TwoScales } from './two-scales.ts';

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
  let ll = answered * (Math.log(q) + (logShape[j] as number) + Math.log(theta)) + (k - 1) * s.sumLog;
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

const moments = new Float64Array(3);

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
        truncatedMoments(s.groupLogAge[g] as number, mu, sigma, moments);
        m1 = moments[0] as number;
        m2 = moments[1] as number;
        S = moments[2] as number;
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
  const ssq = s.sumLog2 - 2 * mu * s.sumLog + answered * mu * mu;
  let ll = answered * (Math.log(q) - Math.log(sigma) - LN_2PI_HALF) - s.sumLog - ssq / (2 * sigma * sigma);
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

/**
 * The best fit over the Weibull shapes, the log-normal and, unless `twoScales` is false, the
 * two-scale mixture. `scratch` holds two weight buffers of at least `s.groups`; `fits`, two
 * fits to overwrite, each paired with the weight buffer of the same index (the best keeps its
 * pair, the other is the next candidate's). `lnStats` receives the log-normal's expected
 * sufficient statistics. `answersSplit`: the mixture is also started from the answers' own
 * split (`fitMixture`).
 */
export function fitModel(
  s: ListSummary,
  prior: Prior,
  options: FitOptions,
  scratch: [Float64Array, Float64Array],
  lnStats?: Float64Array,
  fits: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()],
  twoScales: TwoScales | false = coldTwoScales(),
  answersSplit = false,
): FitBuffer {
  let best: FitBuffer | null = null;
  let spare = 0;
  let mu = 0;
  let sigma = 1;
  let q = 0;
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
      q = into.answerRate;
    } else if (j < SHAPES.length) {
      fit = fitShape(j, s, prior, options, buffer, into);
    } else {
      // Two answers at least, one per scale, unless earlier openings showed the two scales; after a loss, half as many again.
      if (twoScales === false || s.answered < Math.max(prior.scales === undefined ? 2 : 0, twoScales.retryAt)) break;
      fit = fitMixture(s, prior, options, buffer, into, twoScales, mu, sigma, q, answersSplit);
      const chosen = best === null || fit.logLikelihood > best.logLikelihood;
      twoScales.warm = chosen;
      // At least one answer more: with none yet (under a prior of two scales) half as many again is none.
      twoScales.retryAt = chosen ? 0 : Math.max(s.answered + 1, Math.ceil(1.5 * s.answered));
    }
    if (best === null || fit.logLikelihood > best.logLikelihood) {
      best = fit;
      spare = 1 - spare;
    }
  }
  return best as FitBuffer;
}

/**
 * The two-scale mixture's fit of this call: one EM pass on from the last call's while it wins;
 * else `EM_STEPS` from the population's two scales where the prior has them, or from the one
 * log-normal (μ, σ) split in two. With `answersSplit` (what an ended opening leaves its
 * population), also from the answers' own split where they show a gap, the better likelihood
 * kept: the one log-normal's split puts both components between answers minutes and hours
 * apart, and the population never learns the two scales. Decisions do not use the answers'
 * split: it won the likelihood on skewed one-scale delays (a Weibull's) and decided worse there
 * (docs/pace.md).
 */
function fitMixture(
  s: ListSummary,
  prior: Prior,
  options: FitOptions,
  buffer: Float64Array,
  into: FitBuffer,
  two: TwoScales,
  mu: number,
  sigma: number,
  q: number,
  answersSplit: boolean,
): FitBuffer {
  if (two.warm) return fitTwoScales(s, prior, options, buffer, into, two.state, 0, mu, sigma);
  if (prior.scales !== undefined) {
    priorStart(two.state, prior.scales, q);
    return fitTwoScales(s, prior, options, buffer, into, two.state, EM_STEPS, mu, sigma);
  }
  const split = answersSplit && answersStart(two.fromAnswers, s, q);
  splitStart(two.state, mu, sigma, q);
  fitTwoScales(s, prior, options, buffer, into, two.state, EM_STEPS, mu, sigma);
  if (!split) return into;
  const fromSplit = into.logLikelihood;
  fitTwoScales(s, prior, options, buffer, into, two.fromAnswers, EM_STEPS, mu, sigma);
  if (into.logLikelihood > fromSplit) {
    two.state.set(two.fromAnswers);
    return into;
  }
  // The split's fit again (the buffers hold one fit): the same steps from the same start.
  splitStart(two.state, mu, sigma, q);
  return fitTwoScales(s, prior, options, buffer, into, two.state, EM_STEPS, mu, sigma);
}
