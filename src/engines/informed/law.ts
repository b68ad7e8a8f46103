import type { DelayDistribution, Segment } from '../../scenario/types.ts';
import { erfc } from '../../stats/distributions.ts';

/** P(delay ≤ x) for a delay law of behaviours.csv; delays are never negative. */
export function delayCdf(dist: DelayDistribution, x: number): number {
  if (x < 0) return 0;
  switch (dist.kind) {
    case 'fixed':
      return x >= dist.minutes ? 1 : 0;
    case 'exponential':
      return -Math.expm1(-x / dist.mean);
    case 'weibull':
      return -Math.expm1(-Math.pow(x / dist.scale, dist.shape));
    case 'lognormal':
      if (x === 0) return 0;
      return 0.5 * erfc(-(Math.log(x) - dist.mu) / (dist.sigma * Math.SQRT2));
  }
}

/**
 * A candidate's fate under the true behaviour, in the terms the planner needs: a hire
 * (invitation and offer accepted) arriving after some delay, an answer that is not a hire,
 * or no answer ever. A candidate pending after `e` minutes is weighed by the posterior
 * given that no answer came in those `e` minutes.
 */
export class Law {
  /** P(a fresh invitee ends a hire), late ones included. */
  readonly hireRate: number;
  private readonly hire: Float64Array;
  private readonly answer: Float64Array;
  private readonly weight: Float64Array;

  constructor(readonly segments: readonly Segment[]) {
    const total = segments.reduce((s, x) => s + x.weight, 0);
    this.hire = Float64Array.from(segments, (s) => (s.weight / total) * s.pAccept * s.pOfferAccept);
    this.answer = Float64Array.from(segments, (s) => (s.weight / total) * (s.pAccept + s.pReject));
    this.weight = Float64Array.from(segments, (s) => s.weight / total);
    this.hireRate = this.hire.reduce((a, b) => a + b, 0);
  }

  /** P(a fresh invitee is a hire whose answer comes within `x` minutes). */
  freshHireBy(x: number): number {
    let p = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const h = this.hire[s] as number;
      if (h > 0) p += h * delayCdf((this.segments[s] as Segment).delay, x);
    }
    return p;
  }

  /**
   * For a candidate pending after `e` minutes: P(a hire answering after more than `e` and
   * at most `x` minutes | no answer in `e` minutes); `x = Infinity` for "ever".
   */
  pendingHireBetween(e: number, x: number): number {
    let num = 0;
    let pending = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const dist = (this.segments[s] as Segment).delay;
      const fe = delayCdf(dist, e);
      const h = this.hire[s] as number;
      pending += (this.weight[s] as number) - (this.answer[s] as number) * fe;
      if (h > 0) num += h * ((x === Infinity ? 1 : delayCdf(dist, x)) - fe);
    }
    return pending > 0 ? Math.max(0, num / pending) : 0;
  }
}
