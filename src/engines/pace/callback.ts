/** pace's callback: the minutes until a share of the expected answers are in. */
import { survival, survivalAtAge } from './delay.ts';
import type { Fit } from './model.ts';
import type { ListSummary } from './summary.ts';

let stillBuffer = new Float64Array(64);
let survivalBuffer = new Float64Array(64);

/** Each pending group's survival at its present age, into `out` (at least `s.groups` long). */
export function survivalAtAges(fit: Fit, s: ListSummary, out: Float64Array): Float64Array {
  for (let g = 0; g < s.groups; g++) out[g] = survivalAtAge(fit, s.groupAge[g] as number);
  return out;
}

/**
 * Answers expected within `t` minutes from a new batch and from the pending groups, whose
 * chances of still answering and survivals at their ages are in `still` and `survived`.
 * A function of its arguments, not a closure: the callback's bisection calls it a dozen
 * times per decision, and a closure would be allocated (and named) per decision.
 */
function expectedBy(fit: Fit, s: ListSummary, batch: number, still: Float64Array, survived: Float64Array, t: number): number {
  let sum = batch * fit.answerRate * (1 - survival(fit, t));
  for (let g = 0; g < s.groups; g++) {
    const w = still[g] as number;
    if (w < 1e-9) continue;
    const a = s.groupAge[g] as number;
    sum += (s.groupCount[g] as number) * w * (1 - survival(fit, a + t) / (survived[g] as number));
  }
  return sum;
}

/**
 * The callback: minutes until a share `c` of the answers still expected from the pending
 * groups and the new batch are expected in, found by bisection; `fallback` when none are
 * expected. Never past the deadline: at most the minutes left minus one, at least 1.
 * `agesSurvival`, when given, holds `survivalAtAges(fit, s, …)`, already computed by the caller.
 */
export function callbackMinutes(
  fit: Fit,
  s: ListSummary,
  batch: number,
  c: number,
  minutesLeft: number,
  fallback: number,
  minCallback: number,
  agesSurvival?: Float64Array,
): number {
  const q = fit.answerRate;
  const G = s.groups;
  // Per group, the chance of an answer after its present age, as a share of its invitations.
  let eventually = batch * q;
  if (stillBuffer.length < G) {
    stillBuffer = new Float64Array(2 * G);
    survivalBuffer = new Float64Array(2 * G);
  }
  const still = stillBuffer;
  const survived = agesSurvival ?? survivalAtAges(fit, s, survivalBuffer);
  for (let g = 0; g < G; g++) {
    const Sa = survived[g] as number;
    still[g] = (q * Sa) / (1 - q + q * Sa);
    eventually += (s.groupCount[g] as number) * (still[g] as number);
  }
  let minutes: number;
  if (!(eventually > 1e-3)) {
    minutes = fallback;
  } else {
    const target = c * eventually;
    let lo = 0;
    let hi = Math.max(1, fallback);
    while (expectedBy(fit, s, batch, still, survived, hi) < target && hi < 1e7) {
      lo = hi;
      hi *= 2;
    }
    // To half a minute or 1 %, whichever is coarser: the callback is whole minutes anyway.
    while (hi - lo > Math.max(0.5, 0.01 * hi)) {
      const mid = (lo + hi) / 2;
      if (expectedBy(fit, s, batch, still, survived, mid) >= target) hi = mid;
      else lo = mid;
    }
    minutes = hi;
  }
  const latest = Math.max(1, Math.ceil(minutesLeft) - 1);
  return Math.min(latest, Math.max(1, minCallback, Math.round(minutes)));
}
