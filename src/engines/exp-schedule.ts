import { FINISHED, type Decision, type Request } from '../contract/types.ts';
import { RequestClock, hiresAndOldest, isOver, minutesBetween } from './common.ts';
import type { ParamSpec, SyncEngine } from './types.ts';

/**
 * The deterministic exponential schedule of `exp` and `exp-decay` (spec/engines.md).
 * The schedule is pure functions of minutes, testable without requests; `scheduleEngine`
 * wraps it in the contract.
 */

/** Calls in the schedule: `max(1, floor(18 · W^0.05))` for a window of `W` minutes. */
export function scheduleLength(windowMinutes: number): number {
  return Math.max(1, Math.floor(18 * Math.pow(Math.max(windowMinutes, 0), 0.05)));
}

/**
 * `exp`: intervals growing geometrically from 1 minute to `last · W` over `K` calls,
 * in whole minutes, zeros dropped.
 */
export function growingIntervals(windowMinutes: number, last: number): number[] {
  const out: number[] = [];
  const k = scheduleLength(windowMinutes);
  const end = last * windowMinutes;
  const ratio = k === 1 ? 1 : Math.pow(end, 1 / (k - 1));
  let raw = k === 1 ? end : 1;
  for (let i = 0; i < k; i++, raw *= ratio) {
    const x = Math.round(raw);
    if (x > 0) out.push(x);
  }
  return out;
}

/** `exp-decay`: intervals shrinking geometrically, `first · W · decay^i`, whole minutes, zeros dropped. */
export function shrinkingIntervals(windowMinutes: number, first: number, decay: number): number[] {
  const out: number[] = [];
  const k = scheduleLength(windowMinutes);
  let raw = first * windowMinutes;
  for (let i = 0; i < k; i++, raw *= decay) {
    const x = Math.round(raw);
    if (x > 0) out.push(x);
  }
  return out;
}

/**
 * `exp`: the first interval whose cumulative sum from the schedule's start is not below
 * the minutes elapsed; past the end of the schedule, `null`. Computed as it goes, without
 * building the schedule: this runs at every call.
 */
export function growingCallbackAt(windowMinutes: number, last: number, elapsed: number): number | null {
  const k = scheduleLength(windowMinutes);
  const end = last * windowMinutes;
  // x_i = end^(i/(K−1)) = ratio^i, by multiplication: no power per interval.
  const ratio = k === 1 ? 1 : Math.pow(end, 1 / (k - 1));
  let raw = k === 1 ? end : 1;
  let sum = 0;
  for (let i = 0; i < k; i++, raw *= ratio) {
    const x = Math.round(raw);
    if (x <= 0) continue;
    sum += x;
    if (sum >= elapsed) return x;
  }
  return null;
}

/**
 * `exp-decay`: the first interval from which the rest of the schedule still fits in the
 * minutes left; when not even the last one fits, `null`. Without building the schedule.
 */
export function shrinkingCallbackAt(windowMinutes: number, first: number, decay: number, minutesLeft: number): number | null {
  const k = scheduleLength(windowMinutes);
  const top = first * windowMinutes;
  let total = 0;
  let raw = top;
  for (let i = 0; i < k; i++, raw *= decay) total += Math.round(raw);
  raw = top;
  for (let i = 0; i < k; i++, raw *= decay) {
    const x = Math.round(raw);
    if (x <= 0) continue;
    if (total <= minutesLeft) return x;
    total -= x;
  }
  return null;
}

/** The same choice on a schedule given as a list (for tests and explanations). */
export function growingCallback(intervals: readonly number[], elapsed: number): number | null {
  let sum = 0;
  for (const x of intervals) {
    sum += x;
    if (sum >= elapsed) return x;
  }
  return null;
}

export function shrinkingCallback(intervals: readonly number[], minutesLeft: number): number | null {
  let suffix = 0;
  for (const x of intervals) suffix += x;
  for (const x of intervals) {
    if (suffix <= minutesLeft) return x;
    suffix -= x;
  }
  return null;
}

/** Keeps a callback between 1 and the minutes left minus one (at least 1), in whole minutes. */
export function clampCallback(callback: number, minutesLeft: number): number {
  const ceiling = Math.max(1, Math.floor(minutesLeft - 1));
  return Math.min(Math.max(1, Math.round(callback)), ceiling);
}

export const SPREAD: ParamSpec = { default: 18, description: 'the pool is spread over this many calls', min: 1 };

/**
 * Shared by `exp` and `exp-decay`: estimate the opening's start from the oldest invitation,
 * find the callback in the schedule, invite a fixed slice of the pool.
 */
export function scheduleEngine(nextCallback: (window: number, elapsed: number, left: number) => number | null, spread: number): SyncEngine {
  const clock = new RequestClock();
  return {
    decide(request: Request): Decision {
      const { now, deadline } = clock.read(request);
      const list = request.impacted_candidates_data;
      const counts = hiresAndOldest(list);
      if (isOver(request, now, deadline, counts.hires)) return FINISHED;
      // The longest-outstanding invitation is about as old as the opening.
      const elapsed = counts.maxMinutes;
      const left = minutesBetween(now, deadline);
      const window = left + elapsed;
      const scheduled = nextCallback(window, elapsed, left);
      const callback = clampCallback(scheduled ?? left - 1, left);
      const total = request.num_remaining_in_pool + list.length;
      return {
        finished: false,
        num_candidates_needed: Math.min(request.num_remaining_in_pool, Math.round(total / spread)),
        callback_time_minutes: callback,
      };
    },
  };
}

