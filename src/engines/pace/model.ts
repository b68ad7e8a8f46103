/** pace's model: its prior, its fit options, and the fit it produces. */

/** EM steps of a fit from its start (the E-step of censored groups, then the conjugate M-step). */
export const EM_STEPS = 4;

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
  /** The log-normal's lean (in units of `shapeWeight`): negative prefers it while the evidence is thin. */
  readonly lognormalLean: number;
  /**
   * Delays on two time scales, where earlier openings showed them (population.ts): the
   * mixture's share and components, each component's prior with its share of `delayStrength`.
   */
  readonly scales?: TwoScaleDelay;
}

/** A two-log-normal delay: share `mix` at ln delay ~ N(μ₁, σ₁²), the rest at N(μ₂, σ₂²). */
export interface TwoScaleDelay {
  readonly mix: number;
  readonly mu1: number;
  readonly sigma1: number;
  readonly mu2: number;
  readonly sigma2: number;
}

export interface Fit {
  /** Weibull: shape index in SHAPES (−1 for the log-normal), shape k and rate θ, S(t) = exp(−θ t^k). */
  readonly j: number;
  readonly k: number;
  readonly theta: number;
  /** Log-normal (when `j = −1`): ln delay ~ N(μ, σ²). */
  readonly mu?: number;
  readonly sigma?: number;
  /** Two log-normals (when `j = −2`): the first is (μ, σ) with weight `mix`, the second (μ₂, σ₂). */
  readonly mu2?: number;
  readonly sigma2?: number;
  readonly mix?: number;
  /** The log-normal's expected sufficient statistics, pending included, for carrying. */
  readonly lnStats?: readonly [number, number, number];
  /**
   * The mixture's (when `j = −2`), per component, without the prior's pseudo-answers, for
   * carrying: answers, Σ ln delay, Σ ln² delay of the first, then of the second (pending by share).
   */
  readonly scaleStats?: Float64Array;
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
  mu2 = Number.NaN;
  sigma2 = Number.NaN;
  mix = Number.NaN;
  readonly lnStats: [number, number, number] = [0, 0, 0];
  readonly scaleStats = new Float64Array(6);
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

export function ageSurvivalOf(fit: FitBuffer, groups: number): Float64Array {
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
