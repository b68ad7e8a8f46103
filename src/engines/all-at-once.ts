import { FINISHED } from '../contract/types.ts';
import { RequestClock, countHires, isOver } from './common.ts';
import { defineEngine } from './types.ts';

/**
 * Baseline: the whole pool at the first call, then done. The bound on how fast a case
 * can fill, and the worst case for over-invitation.
 */
export const allAtOnce = defineEngine({
  name: 'all-at-once',
  description: 'invites the whole pool at the first call, then finishes (baseline)',
  create() {
    const clock = new RequestClock();
    return {
      decide(request) {
        const { now, deadline } = clock.read(request);
        if (isOver(request, now, deadline, countHires(request.impacted_candidates_data))) return FINISHED;
        // The callback is never used: with the pool empty, the harness calls no more.
        return { finished: false, num_candidates_needed: request.num_remaining_in_pool, callback_time_minutes: 1 };
      },
    };
  },
});
