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

/** Whole minutes up to which a law remembers its delay cdfs (about two years). */
const CDF_MEMO_MINUTES = 1 << 20;

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
  /**
   * Each segment's delay cdf at whole minutes, filled as read (NaN: not yet). The planner reads
   * it at every pending age plus every wait, at every call: remembered, it is read, not
   * recomputed (erfc, pow); the same function of the same argument, so the same bits.
   */
  private readonly cdfs: (Float64Array | null)[];
  /** Each segment's cdf at the age last read by `age`. */
  private readonly fe: Float64Array;
  /** Scratch of `pendingHireWithin`. */
  private nums = new Float64Array(64);
  /** Segments whose cdf is remembered (a fixed delay's is a comparison). */
  private readonly memoable: boolean[];

  constructor(readonly segments: readonly Segment[]) {
    const total = segments.reduce((s, x) => s + x.weight, 0);
    this.hire = Float64Array.from(segments, (s) => (s.weight / total) * s.pAccept * s.pOfferAccept);
    this.answer = Float64Array.from(segments, (s) => (s.weight / total) * (s.pAccept + s.pReject));
    this.weight = Float64Array.from(segments, (s) => s.weight / total);
    this.hireRate = this.hire.reduce((a, b) => a + b, 0);
    this.cdfs = segments.map(() => null);
    this.fe = new Float64Array(segments.length);
    this.memoable = segments.map((x) => x.delay.kind !== 'fixed');
  }

  /** `delayCdf` of segment `s` at `x`, remembered at whole minutes (a fixed delay is cheap as it is). */
  private cdf(s: number, x: number): number {
    const memo = Number.isInteger(x) && x >= 0 ? this.cdfRow(s, x) : null;
    if (memo === null) return delayCdf((this.segments[s] as Segment).delay, x);
    let v = memo[x] as number;
    if (Number.isNaN(v)) memo[x] = v = delayCdf((this.segments[s] as Segment).delay, x);
    return v;
  }

  /** Segment `s`'s remembered cdf, long enough to read at whole minute `x` (≥ 0); null when not remembered there. */
  private cdfRow(s: number, x: number): Float64Array | null {
    if (this.memoable[s] !== true || x >= CDF_MEMO_MINUTES) return null;
    let memo = this.cdfs[s] ?? null;
    if (memo === null || memo.length <= x) {
      const grown = new Float64Array(Math.min(CDF_MEMO_MINUTES, Math.max(x + 1, 2 * (memo?.length ?? 512)))).fill(NaN);
      if (memo !== null) grown.set(memo);
      this.cdfs[s] = memo = grown;
    }
    return memo;
  }

  /** P(a fresh invitee is a hire whose answer comes within `x` minutes). */
  freshHireBy(x: number): number {
    let p = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const h = this.hire[s] as number;
      if (h > 0) p += h * this.cdf(s, x);
    }
    return p;
  }

  /**
   * For a candidate pending after `e` minutes: P(a hire answering after more than `e` and
   * at most `x` minutes | no answer in `e` minutes); `x = Infinity` for "ever".
   */
  pendingHireBetween(e: number, x: number): number {
    const pending = this.age(e);
    const fe = this.fe;
    let num = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const h = this.hire[s] as number;
      if (h > 0) num += h * ((x === Infinity ? 1 : this.cdf(s, x)) - (fe[s] as number));
    }
    return pending > 0 ? Math.max(0, num / pending) : 0;
  }

  /**
   * `pendingHireBetween(e, e + waits[j])` into `out[j * stride + offset]` for every wait (in
   * growing order): the planner's inner loop (every pending age at every wait), the age read once.
   */
  pendingHireWithin(e: number, waits: readonly number[], out: Float64Array, stride: number, offset: number): void {
    const W = waits.length;
    if (W === 0) return;
    const pending = this.age(e);
    const fe = this.fe;
    if (this.nums.length < W) this.nums = new Float64Array(2 * W);
    const num = this.nums;
    num.fill(0, 0, W);
    // Segment by segment, each wait's sum still adding the segments in order (the same bits).
    const last = e + (waits[W - 1] as number);
    for (let s = 0; s < this.segments.length; s++) {
      const h = this.hire[s] as number;
      if (!(h > 0)) continue;
      const f = fe[s] as number;
      const memo = Number.isInteger(last) ? this.cdfRow(s, last) : null;
      for (let j = 0; j < W; j++) {
        const x = e + (waits[j] as number);
        let c = memo === null || x < 0 || x >= memo.length ? NaN : (memo[x] as number);
        if (c !== c) c = this.cdf(s, x);
        num[j] = (num[j] as number) + h * (c - f);
      }
    }
    for (let j = 0; j < W; j++) out[j * stride + offset] = pending > 0 ? Math.max(0, (num[j] as number) / pending) : 0;
  }

  /** P(no answer in `e` minutes); each segment's cdf at `e` left in `fe`. */
  private age(e: number): number {
    let pending = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const f = this.cdf(s, e);
      this.fe[s] = f;
      pending += (this.weight[s] as number) - (this.answer[s] as number) * f;
    }
    return pending;
  }
}
