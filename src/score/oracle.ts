import type { LatentPool } from '../world/latent.ts';
import { fillingArrival } from '../world/outcome.ts';
import { value, type Money } from '../scenario/money.ts';

export interface OracleResult {
  /** `oracle_invites`: the length of the best prefix. */
  readonly invited: number;
  readonly hires: number;
  readonly overbooked: number;
  readonly timeToFill: number | null;
  readonly value: number;
}

/**
 * The hindsight oracle (spec/metrics.md): it knows every candidate's latent behaviour
 * and invites at `start` the prefix of the pool with the highest value; ties go to the
 * shorter prefix. Any engine ends with some prefix invited no earlier than `start`, so
 * its hires can only be fewer and its overbookings more: regret is never negative.
 */
export function hindsightOracle(pool: LatentPool, window: number, vacancies: number, money: Money): OracleResult {
  let acceptances = 0;
  let onTime = 0;
  let best = 0;
  let bestValue = 0;
  for (let k = 1; k <= pool.size; k++) {
    const i = k - 1;
    if (pool.offerAccepted[i] === 1) {
      acceptances++;
      if ((pool.delay[i] as number) <= window) onTime++;
    }
    const hires = Math.min(vacancies, onTime);
    const v = value(money, hires, k, acceptances - hires);
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  // A second pass over the chosen prefix for its figures, instead of carrying them all along.
  let bestAcceptances = 0;
  const arrivals: number[] = [];
  for (let i = 0; i < best; i++) {
    if (pool.offerAccepted[i] !== 1) continue;
    bestAcceptances++;
    const d = pool.delay[i] as number;
    if (d <= window) arrivals.push(d);
  }
  const hires = Math.min(vacancies, arrivals.length);
  return { invited: best, hires, overbooked: bestAcceptances - hires, timeToFill: fillingArrival(arrivals, vacancies), value: bestValue };
}
