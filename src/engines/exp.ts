import { SPREAD, growingCallbackAt, scheduleEngine } from './exp-schedule.ts';
import { defineEngine } from './types.ts';

/** `exp`: a deterministic exponential schedule whose callbacks grow as the opening ages. */
export const exp = defineEngine({
  name: 'exp',
  description: 'deterministic schedule, callbacks growing from 1 minute to 15 % of the window; 1/18 of the pool per call',
  params: {
    spread: SPREAD,
    last: { default: 0.15, description: 'the last interval, as a share of the window', min: 0, max: 1 },
  },
  create({ params }) {
    const last = params.last ?? 0.15;
    return scheduleEngine((window, elapsed) => growingCallbackAt(window, last, elapsed), params.spread ?? 18);
  },
});
