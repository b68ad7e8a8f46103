import { SPREAD, scheduleEngine, shrinkingCallbackAt } from './exp-schedule.ts';
import { defineEngine } from './types.ts';

/** `exp-decay`: the schedule reversed, so calls get denser as the deadline comes near. */
export const expDecay = defineEngine({
  name: 'exp-decay',
  description: 'deterministic schedule, callbacks shrinking from 15 % of the window as the deadline nears; 1/18 of the pool per call',
  params: {
    spread: SPREAD,
    first: { default: 0.15, description: 'the first interval, as a share of the window', min: 0, max: 1 },
    decay: { default: 0.85, description: 'each interval is this share of the one before', min: 0, max: 1 },
  },
  create({ params }) {
    const first = params.first ?? 0.15;
    const decay = params.decay ?? 0.85;
    return scheduleEngine((window, _elapsed, left) => shrinkingCallbackAt(window, first, decay, left), params.spread ?? 18);
  },
});
