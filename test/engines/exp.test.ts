import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src/contract/time.ts';
import type { CandidateRecord, Decision, Request } from '../../src/contract/types.ts';
import { expDecay } from '../../src/engines/exp-decay.ts';
import {
  growingCallback,
  growingCallbackAt,
  growingIntervals,
  scheduleLength,
  shrinkingCallback,
  shrinkingCallbackAt,
  shrinkingIntervals,
} from '../../src/engines/exp-schedule.ts';
import { exp } from '../../src/engines/exp.ts';
import type { EngineDefinition, SyncEngine } from '../../src/engines/types.ts';

const START = Date.UTC(2021, 0, 4, 9, 0, 0);
const WINDOW = 8000; // minutes

/** The request at `elapsed` minutes, the oldest invitation sent at the start. */
function at(elapsed: number, o: { invited?: number; remaining?: number } = {}): Request {
  const invited = o.invited ?? (elapsed > 0 ? 20 : 0);
  const list: CandidateRecord[] = Array.from({ length: invited }, (_, i) => ({
    notification_status: 'ir_pending',
    candidate_status: 'not_in_ft',
    time_to_respond_ir_minutes: i === 0 ? elapsed : Math.floor(elapsed / 2),
  }));
  return {
    correlation_id: 'C_1',
    reference_date_time: formatTimestamp(START + elapsed * 60_000),
    deadline: formatTimestamp(START + WINDOW * 60_000),
    num_vacancies: 9,
    num_remaining_in_pool: o.remaining ?? 380,
    impacted_candidates_data: list,
  };
}

const decide = (d: EngineDefinition<SyncEngine>, r: Request): Decision => d.create({ random: () => 0, params: {} }).decide(r);

describe('the exponential schedule', () => {
  it('has max(1, floor(18 · W^0.05)) calls', () => {
    expect(scheduleLength(8000)).toBe(Math.floor(18 * 8000 ** 0.05));
    expect(scheduleLength(8000)).toBe(28);
    expect(scheduleLength(0)).toBe(1);
  });

  it('exp grows from 1 minute to 15 % of the window', () => {
    const xs = growingIntervals(8000, 0.15);
    expect(xs[0]).toBe(1);
    expect(xs.at(-1)).toBe(1200);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]!);
  });

  it('exp-decay shrinks from 15 % of the window by 0.85 a step', () => {
    const xs = shrinkingIntervals(8000, 0.15, 0.85);
    expect(xs[0]).toBe(1200);
    expect(xs[1]).toBe(1020);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeLessThanOrEqual(xs[i - 1]!);
  });

  it('picks the callback by cumulative sum (exp) and by the remaining schedule (exp-decay)', () => {
    expect(growingCallback([1, 2, 4, 8], 0)).toBe(1);
    expect(growingCallback([1, 2, 4, 8], 3)).toBe(2);
    expect(growingCallback([1, 2, 4, 8], 4)).toBe(4);
    expect(growingCallback([1, 2, 4, 8], 16)).toBeNull();
    expect(shrinkingCallback([8, 4, 2, 1], 100)).toBe(8);
    expect(shrinkingCallback([8, 4, 2, 1], 7)).toBe(4);
    expect(shrinkingCallback([8, 4, 2, 1], 1)).toBe(1);
    expect(shrinkingCallback([8, 4, 2, 1], 0.5)).toBeNull();
  });
});

describe('the callback computed on the fly', () => {
  it('is the callback of the listed schedule, for every window and moment', () => {
    for (const window of [3, 59, 180, 1440, 8000, 28_800]) {
      const grow = growingIntervals(window, 0.15);
      const shrink = shrinkingIntervals(window, 0.15, 0.85);
      for (let e = 0; e <= window; e += Math.max(1, Math.floor(window / 97))) {
        expect(growingCallbackAt(window, 0.15, e)).toBe(growingCallback(grow, e));
        expect(shrinkingCallbackAt(window, 0.15, 0.85, window - e)).toBe(shrinkingCallback(shrink, window - e));
      }
    }
  });
});

describe('exp', () => {
  it('invites round(total_pool / 18) per call', () => {
    expect(decide(exp, at(0, { invited: 0, remaining: 400 })).num_candidates_needed).toBe(Math.round(400 / 18));
    expect(decide(exp, at(60, { invited: 44, remaining: 356 })).num_candidates_needed).toBe(22);
    expect(decide(exp, at(60, { invited: 30, remaining: 7 })).num_candidates_needed).toBe(2);
    expect(decide(exp, at(60, { invited: 300, remaining: 3 })).num_candidates_needed).toBe(3);
  });

  it('calls back later as the opening ages', () => {
    const callbacks = [0, 10, 100, 1000, 3000].map((e) => decide(exp, at(e)).callback_time_minutes);
    expect(callbacks[0]).toBe(1);
    for (let i = 1; i < callbacks.length; i++) expect(callbacks[i]).toBeGreaterThan(callbacks[i - 1]!);
  });

  it('past its schedule, waits until a minute before the deadline', () => {
    expect(decide(exp, at(7000)).callback_time_minutes).toBe(WINDOW - 7000 - 1);
  });
});

describe('exp-decay', () => {
  it('calls back sooner as the deadline nears', () => {
    const callbacks = [1000, 4000, 6000, 7000, 7500, 7900].map((e) => decide(expDecay, at(e)).callback_time_minutes);
    for (let i = 1; i < callbacks.length; i++) expect(callbacks[i]).toBeLessThan(callbacks[i - 1]!);
  });

  it('keeps every callback within the minutes left', () => {
    for (const e of [0, 100, 5000, 7990, 7998, 7999]) {
      const d = decide(expDecay, at(e));
      expect(d.callback_time_minutes).toBeGreaterThanOrEqual(1);
      expect(d.callback_time_minutes).toBeLessThanOrEqual(Math.max(1, WINDOW - e - 1));
    }
  });
});
