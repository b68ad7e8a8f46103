import { FINISHED } from '../contract/types.ts';
import { defineEngine } from './types.ts';

/**
 * Baseline: the whole pool at the first call, then done. The bound on how fast a case
 * can fill, and the worst case for over-invitation.
 */
export const allAtOnce = defineEngine({
  name: 'all-at-once',
  description: 'invites the whole pool at the first call, then finishes (baseline)',
  create() {
    return {
      decide(request) {
        if (request.num_remaining_in_pool <= 0) return FINISHED;
        return { finished: false, num_candidates_needed: request.num_remaining_in_pool, callback_time_minutes: 1 };
      },
    };
  },
});
