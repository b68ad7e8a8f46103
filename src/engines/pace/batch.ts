/** pace's batch: the predictive distribution of hires, and the largest invitation batch worth sending now. */
import type { Money } from '../../scenario/money.ts';
import { normalCdf } from './normal.ts';

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
