/**
 * pace's population model (`--carry-state`, and `serve` per engine instance): what earlier
 * openings of the same engine instance teach the next one's prior, by empirical Bayes.
 *
 * Each ended opening leaves three estimates with their evidence: its answer rate (answers,
 * expected late answers included, over invitations), its hire share among answers, and its
 * delay: μ, σ of ln delay over its answers (censored ones by their expected share), of the one
 * log-normal or, where two time scales won, of the mixture, whose components it leaves too.
 * The next opening's prior is the population's: a Beta of each rate whose mean pools the
 * openings and whose strength is the method-of-moments concentration m(1 − m) / τ² − 1 from
 * the spread τ² between openings beyond what their own sampling noise explains, and a normal
 * prior on ln median whose weight in pseudo-answers is σ² / τ²_μ. Each opening weighs at most
 * `cap / 8` in the means, no strength exceeds `cap`, and only the last `MEMORY` openings are
 * kept: one strange opening cannot dominate, and memory is bounded.
 */
import type { Fit, Prior, TwoScaleDelay } from './model.ts';
import { survivalAtAge } from './delay.ts';
import type { ListSummary } from './summary.ts';

export const MEMORY = 64;

export interface Opening {
  invited: number;
  /** Answers over `exposure`: what the opening itself says of the answer rate, whatever the prior said. */
  answerRate: number;
  /**
   * Invitations whose answer, if any, would be in by now: the answered ones and each pending
   * one by its chance 1 − S(age) of having answered were it an answerer. A pending invitation
   * younger than most delays says almost nothing of the answer rate, so it weighs almost nothing.
   */
  exposure: number;
  answers: number;
  hireShare: number;
  /** μ, σ of ln delay: the one log-normal's, or the mixture's own where two time scales won. */
  mu: number;
  sigma: number;
  /** The answers (pending ones by their share) behind `mu` and `sigma`. */
  delayAnswers: number;
  /** The two-time-scale mixture when it was the opening's last fit (the faster component first); else null. */
  scales: TwoScaleDelay | null;
}

export class Population {
  private readonly openings: Opening[] = [];
  private next = 0;

  get size(): number {
    return this.openings.length;
  }

  add(o: Opening): void {
    if (!(o.invited > 0)) return;
    if (this.openings.length < MEMORY) this.openings.push(o);
    else this.openings[this.next] = o;
    this.next = (this.next + 1) % MEMORY;
  }

  /**
   * The prior for the next opening: `base` where the openings say nothing yet. `partial`
   * false is the ablation without the population model: every opening is taken to be alike,
   * so their evidence adds up (each at most cap / 8, in all at most cap) whatever their spread.
   */
  prior(base: Prior, cap: number, partial = true): Prior {
    if (this.openings.length === 0 || cap <= 0) return base;
    const each = cap / 8;
    // The base prior is the hyperprior's centre, with its own weight: openings that taught
    // little (a handful of answers, young pending invitations) move the mean only that much.
    const answer = pooled(this.openings.filter((o) => o.exposure > 0).map((o) => [o.answerRate, o.exposure]), each, cap, partial, base.answerRate, base.strength);
    const share = pooled(
      this.openings.filter((o) => o.answers > 0).map((o) => [o.hireShare, o.answers]),
      each,
      cap,
      partial,
      base.hireRate / base.answerRate,
      base.strength * base.answerRate,
    );
    const withDelay = this.openings.filter((o) => o.delayAnswers >= 1);
    let answerRate = base.answerRate;
    let hireRate = base.hireRate;
    let strength = base.strength;
    if (answer !== null) {
      answerRate = clamp(answer.mean);
      const hs = share === null ? base.hireRate / base.answerRate : clamp(share.mean);
      hireRate = answerRate * hs;
      // One Dirichlet carries both rates: its strength is the smaller of the two the spreads allow.
      strength = Math.max(base.strength, Math.min(answer.strength, share === null ? answer.strength : share.strength / answerRate));
    }
    let medianDelay = base.medianDelay;
    let sigma = base.sigma;
    let delayStrength = base.delayStrength;
    if (withDelay.length > 0) {
      let w = 0;
      let mu = 0;
      let s2 = 0;
      for (const o of withDelay) {
        const wi = Math.min(o.delayAnswers, each);
        w += wi;
        mu += wi * o.mu;
        s2 += wi * o.sigma * o.sigma;
      }
      s2 /= w;
      // The openings' spread is about their own mean; the prior's centre also counts the base.
      const own = mu / w;
      mu = (base.delayStrength * Math.log(base.medianDelay) + mu) / (base.delayStrength + w);
      // Between-opening variance of μ beyond each opening's own noise σ²/n.
      let between = 0;
      for (const o of withDelay) between += (Math.min(o.delayAnswers, each) / w) * ((o.mu - own) ** 2 - (o.sigma * o.sigma) / o.delayAnswers);
      medianDelay = Math.exp(mu);
      sigma = Math.min(base.sigma, Math.max(0.1, Math.sqrt(s2)));
      const pseudo = !partial ? w : withDelay.length < 3 ? Math.min(w, each) : between > 0 ? (sigma * sigma) / between : cap;
      delayStrength = Math.max(base.delayStrength, Math.min(cap, w, pseudo));
    }
    const scales = withDelay.length > 0 ? pooledScales(withDelay, each) : null;
    return {
      ...base,
      answerRate: Math.max(answerRate, hireRate),
      hireRate,
      strength,
      medianDelay,
      sigma,
      delayStrength,
      ...(scales === null ? {} : { scales }),
    };
  }
}

/**
 * The openings' two time scales, where openings that ended on them hold most of the delay
 * evidence (each at most `each`): each component's mean μ and share pooled by that evidence,
 * its σ² the pooled σ² plus the spread of μ between openings, so the next opening's prior
 * covers where the component has been. Else null: the one log-normal stands.
 */
function pooledScales(openings: readonly Opening[], each: number): TwoScaleDelay | null {
  let all = 0;
  let w = 0;
  let mix = 0;
  let mu1 = 0;
  let mu2 = 0;
  let v1 = 0;
  let v2 = 0;
  for (const o of openings) {
    const wi = Math.min(o.delayAnswers, each);
    all += wi;
    if (o.scales === null) continue;
    w += wi;
    mix += wi * o.scales.mix;
    mu1 += wi * o.scales.mu1;
    mu2 += wi * o.scales.mu2;
    v1 += wi * (o.scales.sigma1 * o.scales.sigma1 + o.scales.mu1 * o.scales.mu1);
    v2 += wi * (o.scales.sigma2 * o.scales.sigma2 + o.scales.mu2 * o.scales.mu2);
  }
  if (!(w > all / 2)) return null;
  mu1 /= w;
  mu2 /= w;
  return {
    mix: mix / w,
    mu1,
    sigma1: Math.sqrt(Math.max(0.01, v1 / w - mu1 * mu1)),
    mu2,
    sigma2: Math.sqrt(Math.max(0.01, v2 / w - mu2 * mu2)),
  };
}

const clamp = (x: number): number => Math.min(0.999, Math.max(0.001, x));

/**
 * The population Beta of rates `[rate, evidence]` by the method of moments: the mean weighted
 * by evidence (each opening at most `each`, the base prior `baseWeight` at `baseMean`), the strength from the spread between openings
 * beyond the binomial noise. Fewer than three openings give no spread: their evidence, at most `each`.
 * Without `partial` pooling the strength is all the openings' evidence, at most `cap`.
 */
function pooled(
  xs: readonly (readonly [number, number])[],
  each: number,
  cap: number,
  partial: boolean,
  baseMean: number,
  baseWeight: number,
): { mean: number; strength: number } | null {
  if (xs.length === 0) return null;
  let w = 0;
  let m = 0;
  for (const [r, n] of xs) {
    const wi = Math.min(n, each);
    w += wi;
    m += wi * r;
  }
  m /= w;
  const mean = (baseWeight * baseMean + w * m) / (baseWeight + w);
  if (!partial) return { mean, strength: Math.min(cap, w) };
  if (xs.length < 3) return { mean, strength: Math.min(w, each) };
  let between = 0;
  for (const [r, n] of xs) between += (Math.min(n, each) / w) * ((r - m) ** 2 - (m * (1 - m)) / Math.max(1, n));
  const strength = between > 0 ? (m * (1 - m)) / between - 1 : cap;
  return { mean, strength: Math.max(1, Math.min(cap, strength)) };
}

/**
 * What an ended opening taught, read from its last call's summary and fit and the log-normal
 * fit's expected statistics `lnStats` (answers, Σ ln delay, Σ ln² delay; censored ones by
 * their chance of still answering).
 */
export function openingOf(s: ListSummary, fit: Fit, lnStats: Float64Array): Opening {
  // Events over exposure, the cure-rate model's estimate of the answer rate given the delays:
  // unlike answers plus the answers the fit still expects, it does not take the rate the prior
  // put on young pending invitations for evidence, so a population prior cannot feed itself.
  let exposure = s.answered;
  for (let g = 0; g < s.groups; g++) exposure += (s.groupCount[g] as number) * (1 - survivalAtAge(fit, s.groupAge[g] as number));
  const invited = s.answered + s.pending;
  let n = lnStats[0] as number;
  let mu = n > 0 ? (lnStats[1] as number) / n : 0;
  let sigma = n > 0 ? Math.sqrt(Math.max(0.01, (lnStats[2] as number) / n - mu * mu)) : 1;
  let scales: TwoScaleDelay | null = null;
  const t = fit.scaleStats;
  if (fit.j === -2 && t !== undefined && (t[0] as number) > 0.5 && (t[3] as number) > 0.5) {
    // Two time scales won: the opening leaves each component as its own answers and pending
    // invitations say (the prior's pseudo-answers taken out, as from `lnStats`, so a prior of two
    // scales does not feed itself), and its μ and σ of ln delay are the mixture's: the one
    // log-normal of the same list is biased by what it cannot fit (pending invitations past one
    // scale taken for late answers).
    const n1 = t[0] as number;
    const n2 = t[3] as number;
    const m1 = (t[1] as number) / n1;
    const m2 = (t[4] as number) / n2;
    const s1 = Math.sqrt(Math.max(0.01, (t[2] as number) / n1 - m1 * m1));
    const s2 = Math.sqrt(Math.max(0.01, (t[5] as number) / n2 - m2 * m2));
    n = n1 + n2;
    const w = n1 / n;
    mu = w * m1 + (1 - w) * m2;
    sigma = Math.sqrt(w * s1 * s1 + (1 - w) * s2 * s2 + w * (1 - w) * (m1 - m2) ** 2);
    scales = m1 <= m2 ? { mix: w, mu1: m1, sigma1: s1, mu2: m2, sigma2: s2 } : { mix: 1 - w, mu1: m2, sigma1: s2, mu2: m1, sigma2: s1 };
  }
  return {
    invited,
    answerRate: exposure > 0 ? Math.min(1, s.answered / exposure) : 0,
    exposure,
    answers: s.answered,
    hireShare: s.answered > 0 ? s.hires / s.answered : 0,
    mu,
    sigma,
    delayAnswers: n,
    scales,
  };
}
