import type { Case, DelayDistribution, Scenario, Segment } from '../scenario/types.ts';
import { normalQuantile } from '../stats/distributions.ts';
import { latentStream } from '../stats/rng.ts';

export const NEVER = 0;
export const ACCEPT = 1;
export const REJECT = 2;

/**
 * Every candidate's hidden behaviour for one (replicate, case), drawn before any engine
 * runs and shared by all of them (common random numbers). Columns, not objects: a pool
 * can hold ten thousand candidates and is read in tight loops.
 */
export interface LatentPool {
  readonly size: number;
  /** `NEVER`, `ACCEPT` or `REJECT`. */
  readonly outcome: Uint8Array;
  /** 1 when an accepting candidate goes on to accept the offer (a potential hire). */
  readonly offerAccepted: Uint8Array;
  /** Response delay in minutes after the invitation; `Infinity` for a candidate who never answers. */
  readonly delay: Float64Array;
  /** Index of the candidate's segment in its behaviour (0 for a trace). */
  readonly segment: Uint16Array;
}

function emptyPool(n: number): LatentPool {
  return {
    size: n,
    outcome: new Uint8Array(n),
    offerAccepted: new Uint8Array(n),
    delay: new Float64Array(n),
    segment: new Uint16Array(n),
  };
}

function inverseDelay(dist: DelayDistribution, u: number): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.minutes;
    case 'exponential':
      return -dist.mean * Math.log1p(-u);
    case 'weibull':
      return dist.scale * Math.pow(-Math.log1p(-u), 1 / dist.shape);
    case 'lognormal':
      // u = 0 would give -Infinity; alea never returns exactly 0 in practice, but be safe.
      return Math.exp(dist.mu + dist.sigma * normalQuantile(u > 0 ? u : Number.MIN_VALUE));
  }
}

/**
 * Draws the latent pool of one case. A candidate's behaviour depends only on
 * (seed, replicate, case id, position): inverse-CDF transforms of a fixed number of
 * uniforms per candidate, so changing a pool's size leaves the others' draws alone.
 */
export function drawLatentPool(scenario: Scenario, c: Case, seed: number, replicate: number): LatentPool {
  if (c.trace !== null) return tracePool(c);
  const behaviour = c.behaviour === null ? undefined : scenario.behaviours[c.behaviour];
  if (behaviour === undefined) throw new Error(`case ${c.id}: behaviour ${String(c.behaviour)} is not defined`);
  const n = c.poolSize;
  const pool = emptyPool(n);
  const segments: readonly Segment[] = behaviour.segments;
  const cumulative = new Float64Array(segments.length);
  let acc = 0;
  segments.forEach((s, i) => {
    acc += s.weight;
    cumulative[i] = acc;
  });
  const random = latentStream(seed, replicate, c.id);
  for (let i = 0; i < n; i++) {
    const uSegment = random();
    const uOutcome = random();
    const uOffer = random();
    const uDelay = random();
    let k = 0;
    while (k < segments.length - 1 && uSegment >= (cumulative[k] as number)) k++;
    const s = segments[k] as Segment;
    pool.segment[i] = k;
    if (uOutcome < s.pAccept) {
      pool.outcome[i] = ACCEPT;
      pool.offerAccepted[i] = uOffer < s.pOfferAccept ? 1 : 0;
    } else if (uOutcome < s.pAccept + s.pReject) {
      pool.outcome[i] = REJECT;
    } else {
      pool.outcome[i] = NEVER;
    }
    pool.delay[i] = pool.outcome[i] === NEVER ? Number.POSITIVE_INFINITY : inverseDelay(s.delay, uDelay);
  }
  return pool;
}

function tracePool(c: Case): LatentPool {
  const trace = c.trace ?? [];
  const pool = emptyPool(trace.length);
  trace.forEach((t, i) => {
    pool.outcome[i] = t.outcome === 'accepted' ? ACCEPT : t.outcome === 'rejected' ? REJECT : NEVER;
    pool.offerAccepted[i] = t.outcome === 'accepted' && t.offerAccepted ? 1 : 0;
    pool.delay[i] = t.outcome === 'no_response' ? Number.POSITIVE_INFINITY : t.delayMinutes;
  });
  return pool;
}
