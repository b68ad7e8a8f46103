import { FINISHED, type Decision, type Request } from '../contract/types.ts';
import { betaFromMoments } from '../stats/distributions.ts';
import { RequestClock, countList, isOver } from './common.ts';
import { defineEngine } from './types.ts';

/** Whether an invitee becomes a hire is Bernoulli(p); failures before a hire are negative-binomial with r = 1. */
const R = 1;
const DEFAULT_CALLBACK = 7;

/** Invitations for one more hire: the posterior-predictive `1 + r·β'/(α' − 1)`, rounded. */
export function invitationsPerHire(alpha: number, beta: number): number {
  // The predictive mean is infinite for α' ≤ 1: no evidence of hires at all, so ask for everyone.
  if (alpha <= 1) return Number.POSITIVE_INFINITY;
  return Math.round(1 + (R * beta) / (alpha - 1));
}

export const nbinomial = defineEngine({
  name: 'nbinomial',
  description: 'Beta prior on the hire rate, updated from the list; invites the predicted number per hire every call',
  params: {
    mean: { default: 0.04, description: 'prior mean of the hire rate', min: 0, max: 1 },
    variance: { default: 0.00014, description: 'prior variance of the hire rate', min: 0 },
  },
  create({ params }) {
    const prior = betaFromMoments(params.mean ?? 0.04, params.variance ?? 0.00014);
    const clock = new RequestClock();
    return {
      decide(request: Request): Decision {
        const { now, deadline } = clock.read(request);
        const list = request.impacted_candidates_data;
        const counts = countList(list);
        if (isOver(request, now, deadline, counts.hires)) return FINISHED;
        // Conjugate update; pending records are censored and left out.
        const need = invitationsPerHire(prior.alpha + counts.hires, prior.beta + counts.failures);
        const callback =
          list.length >= 3 && counts.accepted >= 1 ? Math.round(counts.acceptedMinutes / counts.accepted) : DEFAULT_CALLBACK;
        return {
          finished: false,
          num_candidates_needed: Math.min(request.num_remaining_in_pool, need),
          callback_time_minutes: Math.max(1, callback),
        };
      },
    };
  },
});
