/** pace's delay distribution, read from a fit: survival and quantile. */
import type { Fit } from './model.ts';
import { normalCdf, normalInverse } from './normal.ts';
import { MEMO_LIMIT, SHAPES, halfLog, halfPow } from './powers.ts';

/** Survival of the two-scale mixture at ln delay `l`. */
export function mixtureSurvival(fit: Fit, l: number): number {
  const m = fit.mix as number;
  return m * (1 - normalCdf((l - (fit.mu as number)) / (fit.sigma as number))) + (1 - m) * (1 - normalCdf((l - (fit.mu2 as number)) / (fit.sigma2 as number)));
}

export function survival(fit: Fit, minutes: number): number {
  if (minutes <= 0) return 1;
  if (fit.j === -2) return mixtureSurvival(fit, Math.log(minutes));
  if (fit.j < 0) return 1 - normalCdf((Math.log(minutes) - (fit.mu as number)) / (fit.sigma as number));
  return Math.exp(-fit.theta * Math.pow(minutes, fit.k));
}

/**
 * `survival(fit, minutes)` for an age of whole minutes, the same number: the powers and
 * logarithms come from the memo (`halfPow(j, 2m)` is `Math.pow(m, k)`, `halfLog(2m)` is
 * `Math.log(m)`), which pending ages hit on every call.
 */
export function survivalAtAge(fit: Fit, minutes: number): number {
  if (minutes <= 0) return 1;
  const h = 2 * minutes;
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return survival(fit, minutes);
  if (fit.j === -2) return mixtureSurvival(fit, halfLog(h));
  if (fit.j < 0) return 1 - normalCdf((halfLog(h) - (fit.mu as number)) / (fit.sigma as number));
  if (fit.k !== SHAPES[fit.j]) return survival(fit, minutes);
  return Math.exp(-fit.theta * halfPow(fit.j, h));
}

/** Minutes by which a share `c` of a fresh invitation's answers are in. */
export function minutesUntilShareAnswered(fit: Fit, c: number): number {
  if (fit.j === -2) {
    // The mixture's quantile by bisection in ln minutes, between the components' own.
    const z = normalInverse(c);
    let lo = Math.min((fit.mu as number) + (fit.sigma as number) * z, (fit.mu2 as number) + (fit.sigma2 as number) * z);
    let hi = Math.max((fit.mu as number) + (fit.sigma as number) * z, (fit.mu2 as number) + (fit.sigma2 as number) * z);
    while (hi - lo > 0.01) {
      const mid = (lo + hi) / 2;
      if (1 - mixtureSurvival(fit, mid) >= c) hi = mid;
      else lo = mid;
    }
    return Math.exp(hi);
  }
  if (fit.j < 0) return Math.exp((fit.mu as number) + (fit.sigma as number) * normalInverse(c));
  return Math.pow(-Math.log(1 - c) / fit.theta, 1 / fit.k);
}
