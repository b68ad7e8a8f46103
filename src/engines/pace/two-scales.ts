/**
 * pace's delays on two time scales: the cure-rate model with a mixture of two log-normals, its
 * EM, and the state that carries the EM from one call of an opening to the next.
 */
import { LN_2PI_HALF, truncatedMoments } from './normal.ts';
import { BINS, type ListSummary } from './summary.ts';
import { EM_STEPS, ageSurvivalOf, type FitBuffer, type FitOptions, type Prior, type TwoScaleDelay } from './model.ts';

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

/** A start at the two scales earlier openings showed (the population prior's). */
export function priorStart(state: TwoScaleState, scales: TwoScaleDelay, q: number): void {
  state[0] = scales.mix;
  state[1] = scales.mu1;
  state[2] = scales.sigma1;
  state[3] = scales.mu2;
  state[4] = scales.sigma2;
  state[5] = q;
}

/**
 * A start split from the answers themselves where they show two groups apart: among the cuts
 * at an empty bin of ln delay (no answer for a factor 1.65 of delay), the one that best
 * separates the answers (the largest between-group variance, Otsu's rule); each side's mean
 * and spread a component, its share of the answers the weight. False, and `state` untouched,
 * where the answers show no such gap.
 */
export function answersStart(state: TwoScaleState, s: ListSummary, q: number): boolean {
  let n = 0;
  let sum = 0;
  for (let b = 0; b < BINS; b++) {
    n += s.binCount[b] as number;
    sum += s.binSum[b] as number;
  }
  let best = 0;
  let cut = -1;
  let nLow = 0;
  let sumLow = 0;
  for (let b = 0; b < BINS - 1; b++) {
    const c = s.binCount[b] as number;
    nLow += c;
    sumLow += s.binSum[b] as number;
    const nHigh = n - nLow;
    if (nHigh <= 0) break;
    if (nLow === 0 || c === 0 || (s.binCount[b + 1] as number) !== 0) continue;
    const gap = sumLow / nLow - (sum - sumLow) / nHigh;
    const between = nLow * nHigh * gap * gap;
    if (between > best) {
      best = between;
      cut = b;
    }
  }
  if (cut < 0) return false;
  let n1 = 0;
  let x1 = 0;
  let xx1 = 0;
  let x2 = 0;
  let xx2 = 0;
  for (let b = 0; b < BINS; b++) {
    if (b <= cut) {
      n1 += s.binCount[b] as number;
      x1 += s.binSum[b] as number;
      xx1 += s.binSum2[b] as number;
    } else {
      x2 += s.binSum[b] as number;
      xx2 += s.binSum2[b] as number;
    }
  }
  const n2 = n - n1;
  const m1 = x1 / n1;
  const m2 = x2 / n2;
  state[0] = n1 / n;
  state[1] = m1;
  // A spread of at least a quarter unit of ln delay: a group of equal delays would be a point.
  state[2] = Math.max(0.25, Math.sqrt(Math.max(0, xx1 / n1 - m1 * m1)));
  state[3] = m2;
  state[4] = Math.max(0.25, Math.sqrt(Math.max(0, xx2 / n2 - m2 * m2)));
  state[5] = q;
  return true;
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
 * mixture is chosen only where the answers show two scales, unless the prior holds two scales
 * already (`prior.scales`: earlier openings showed them), where neither the penalty applies nor
 * are the pseudo-answers split in halves: each component has its share, at its own scale.
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
  // The delay prior's pseudo-answers: at each component's own prior where earlier openings
  // showed two scales, else half of them at the one log-normal's prior per component.
  const scales = prior.scales;
  const mu0 = Math.log(prior.medianDelay);
  const p1 = scales === undefined ? prior.delayStrength / 2 : prior.delayStrength * scales.mix;
  const p2 = prior.delayStrength - p1;
  const mu01 = scales === undefined ? mu0 : scales.mu1;
  const s01 = scales === undefined ? prior.sigma : scales.sigma1;
  const mu02 = scales === undefined ? mu0 : scales.mu2;
  const s02 = scales === undefined ? prior.sigma : scales.sigma2;
  const m201 = s01 * s01 + mu01 * mu01;
  const m202 = s02 * s02 + mu02 * mu02;
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
    let n1 = p1;
    let x1 = p1 * mu01;
    let xx1 = p1 * m201;
    let n2 = p2;
    let x2 = p2 * mu02;
    let xx2 = p2 * m202;
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
        truncatedMoments(l, mu1, s1, moments1);
        truncatedMoments(l, mu2, s2, moments2);
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
    // What the opening's own answers and pending invitations say of each component, for carrying.
    const stats = out.scaleStats;
    stats[0] = n1 - p1;
    stats[1] = x1 - p1 * mu01;
    stats[2] = xx1 - p1 * m201;
    stats[3] = n2 - p2;
    stats[4] = x2 - p2 * mu02;
    stats[5] = xx2 - p2 * m202;
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
  // prior's pseudo-answers (half per component, or each component's share under a prior of two
  // scales) weigh on both, so the mixture does not win by giving the prior a component of its
  // own while the one log-normal's σ bears it. Where earlier openings showed two scales, the
  // mixture is not chosen afresh from this opening's answers, and Schwarz's penalty for its
  // extra parameters does not apply.
  const loss1 = pseudoAnswerLoss(mu1, s1, mu01, s01);
  const loss2 = pseudoAnswerLoss(mu2, s2, mu02, s02);
  const logPrior = scales === undefined ? -p1 * (loss1 + loss2) : -p1 * loss1 - p2 * loss2;
  // The one log-normal is scored on the same pseudo-answers as the mixture: at the prior's two
  // scales where it has them, so the two are not compared on different pseudo-data.
  const singleLogPrior =
    scales === undefined
      ? -prior.delayStrength * pseudoAnswerLoss(singleMu, singleSigma, mu0, prior.sigma)
      : -p1 * pseudoAnswerLoss(singleMu, singleSigma, mu01, s01) - p2 * pseudoAnswerLoss(singleMu, singleSigma, mu02, s02);
  ll += logPrior - singleLogPrior - prior.shapeWeight * prior.lognormalLean - (scales === undefined ? mixturePenalty(answered) : 0);
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
 * steps from a cold start (`fitMixture` in fit.ts: the one log-normal's fit split in two, the
 * population's two scales, or the answers' own split): the EM converges over the calls of an
 * opening, as the list does. A mixture that lost is fitted again only once the answers have
 * grown by half (and by one at least): until then the evidence that rejected it has barely changed, and a mixture
 * left to run on without answers to hold it drifts to a slow component fed by the pending
 * invitations alone (the cure-rate model's ridge), and the decision costs 60 % more
 * (docs/performance.md).
 */
export interface TwoScales {
  readonly state: TwoScaleState;
  /** The second start of a cold fit (the answers' own split), beside `state`'s. */
  readonly fromAnswers: TwoScaleState;
  warm: boolean;
  /** The answers the list must hold before the mixture is fitted again, after it lost. */
  retryAt: number;
}

export function coldTwoScales(): TwoScales {
  return { state: new Float64Array(6), fromAnswers: new Float64Array(6), warm: false, retryAt: 0 };
}
