/**
 * pace's population model (`--carry-state`, and `serve` per engine instance): what earlier
 * openings of the same engine instance teach the next one's prior, by empirical Bayes.
 *
 * Each ended opening leaves three estimates with their evidence: its answer rate (answers,
 * expected late answers included, over invitations), its hire share among answers, and its
 * log-normal delay (μ, σ of ln delay over its answers, censored ones by their expected share).
 * The next opening's prior is the population's: a Beta of each rate whose mean pools the
 * openings and whose strength is the method-of-moments concentration m(1 − m) / τ² − 1 from
 * the spread τ² between openings beyond what their own sampling noise explains, and a normal
 * prior on ln median whose weight in pseudo-answers is σ² / τ²_μ. Each opening weighs at most
 * `cap / 8` in the means, no strength exceeds `cap`, and only the last `MEMORY` openings are
 * kept: one strange opening cannot dominate, and memory is bounded.
 */
import type { Fit, Prior } from './model.ts';
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
  mu: number;
  sigma: number;
  delayAnswers: number;
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
    return { ...base, answerRate: Math.max(answerRate, hireRate), hireRate, strength, medianDelay, sigma, delayStrength };
  }
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
  const n = lnStats[0] as number;
  const mu = n > 0 ? (lnStats[1] as number) / n : 0;
  return {
    invited,
    answerRate: exposure > 0 ? Math.min(1, s.answered / exposure) : 0,
    exposure,
    answers: s.answered,
    hireShare: s.answered > 0 ? s.hires / s.answered : 0,
    mu,
    sigma: n > 0 ? Math.sqrt(Math.max(0.01, (lnStats[2] as number) / n - mu * mu)) : 1,
    delayAnswers: n,
  };
}
