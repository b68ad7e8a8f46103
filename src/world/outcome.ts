import type { LatentPool } from './latent.ts';

/** The case as it stands at the deadline (spec/simulation.md, "The outcome"). */
export interface Outcome {
  /** Offer acceptances that arrived by the deadline, at most the number of vacancies. */
  readonly hires: number;
  /** Every offer acceptance among the invited, late ones included. */
  readonly offerAcceptances: number;
  /** Minutes from start to the arrival of the last needed hire, or `null` when not filled. */
  readonly timeToFill: number | null;
}

/**
 * Reads the outcome of inviting the first `invited` candidates at `invitedAt` minutes.
 * Invitations cannot be taken back, so answers arriving after the engine stopped count.
 */
export function readOutcome(
  pool: LatentPool,
  invited: number,
  invitedAt: ArrayLike<number>,
  window: number,
  vacancies: number,
): Outcome {
  let offerAcceptances = 0;
  const arrivals: number[] = [];
  for (let i = 0; i < invited; i++) {
    if (pool.offerAccepted[i] !== 1) continue;
    offerAcceptances++;
    const arrival = (invitedAt[i] as number) + (pool.delay[i] as number);
    if (arrival <= window) arrivals.push(arrival);
  }
  return { hires: Math.min(vacancies, arrivals.length), offerAcceptances, timeToFill: fillingArrival(arrivals, vacancies) };
}

/** When the last needed hire arrived: the `vacancies`-th earliest arrival, or `null` when too few came. */
export function fillingArrival(arrivals: number[], vacancies: number): number | null {
  if (arrivals.length < vacancies) return null;
  arrivals.sort((a, b) => a - b);
  return arrivals[vacancies - 1] as number;
}
