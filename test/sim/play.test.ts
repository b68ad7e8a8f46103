import { describe, expect, it } from 'vitest';
import type { Decision, Request } from '../../src/contract/types.ts';
import type { SyncEngine as Engine } from '../../src/engines/types.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { hindsightOracle } from '../../src/score/oracle.ts';
import { caseRow } from '../../src/score/rows.ts';
import { drawLatentPool } from '../../src/world/latent.ts';
import { readOutcome } from '../../src/world/outcome.ts';
import { playCase, windowMinutes } from '../../src/sim/play.ts';
import { CANDIDATES_HEADER, POOLS_HEADER, lines, scenarioOf } from '../helpers.ts';

/** A recorded trace: start 09:00, deadline 10:00, two vacancies. */
const scenario = scenarioOf(
  lines(POOLS_HEADER, 'T1,,2,2021-01-04 09:00:00,2021-01-04 10:00:00,'),
  null,
  lines(
    CANDIDATES_HEADER,
    'T1,0,accepted,offer_accepted,5',
    'T1,1,rejected,,2',
    'T1,2,no_response,,',
    'T1,3,accepted,cancelled,3.5',
    'T1,4,accepted,offer_accepted,30',
    'T1,5,accepted,offer_accepted,90',
  ),
);
const theCase = scenario.cases[0]!;
const pool = drawLatentPool(scenario, theCase, 1, 1);

/** Plays a fixed list of decisions and keeps a plain copy of every request it saw. */
function scripted(decisions: Decision[]): Engine & { seen: Request[] } {
  const seen: Request[] = [];
  let i = 0;
  return {
    seen,
    decide(request) {
      seen.push(JSON.parse(JSON.stringify(request)) as Request);
      const d = decisions[i++];
      if (d === undefined) throw new Error('script ran out');
      return d;
    },
  };
}

const go = (n: number, callback: number): Decision => ({ finished: false, num_candidates_needed: n, callback_time_minutes: callback });

describe('the case loop, call by call', () => {
  const engine = scripted([go(2, 3), go(2, 4), go(2, 60)]);
  const play = playCase(theCase, pool, engine, { maxCalls: 100 });

  it('calls at start, then after each callback, and stops at the deadline', () => {
    expect(play.calls).toBe(3);
    expect(engine.seen.map((r) => [r.correlation_id, r.reference_date_time, r.num_remaining_in_pool])).toEqual([
      ['T1_0', '2021-01-04 09:00:00', 6],
      ['T1_1', '2021-01-04 09:03:00', 4],
      ['T1_2', '2021-01-04 09:07:00', 2],
    ]);
    expect(engine.seen.every((r) => r.deadline === '2021-01-04 10:00:00' && r.num_vacancies === 2)).toBe(true);
  });

  it('shows each candidate pending with its age, then answered with floor(delay)', () => {
    const at = (call: number) =>
      engine.seen[call]!.impacted_candidates_data.map((c) => [c.notification_status, c.candidate_status, c.time_to_respond_ir_minutes]);
    expect(at(0)).toEqual([]);
    // t = 3: #0 (delay 5) still out for 3 minutes; #1 rejected after 2.
    expect(at(1)).toEqual([
      ['ir_pending', 'not_in_ft', 3],
      ['ir_rejected', 'cancelled', 2],
    ]);
    // t = 7: #0 answered at 5; #2 never answers, out for 4; #3 answered at 6.5 after 3.5 minutes.
    expect(at(2)).toEqual([
      ['ir_accepted', 'offer_accepted', 5],
      ['ir_rejected', 'cancelled', 2],
      ['ir_pending', 'not_in_ft', 4],
      ['ir_accepted', 'cancelled', 3],
    ]);
  });

  it('invites a prefix of the pool at the call times', () => {
    expect(play.invited).toBe(6);
    expect(Array.from(play.invitedAt)).toEqual([0, 0, 3, 3, 7, 7]);
    expect(play.fault).toBeNull();
  });

  it('scores every metric as computed by hand', () => {
    const window = windowMinutes(theCase);
    const outcome = readOutcome(pool, play.invited, play.invitedAt, window, theCase.numVacancies);
    const oracle = hindsightOracle(pool, window, theCase.numVacancies, DEFAULT_MONEY);
    const row = caseRow(
      { replicate: 1, caseId: 'T1', poolSize: 6, vacancies: 2, window },
      'scripted',
      play,
      outcome,
      oracle,
      DEFAULT_MONEY,
    );
    // Offer acceptances arrive at 5, 37 and 97 minutes; the last is after the 60-minute deadline.
    // The oracle invites the first 5 at once: hires at 5 and 30, value 2·2500 − 5·20 = 4900.
    expect(row).toEqual({
      replicate: 1,
      case_id: 'T1',
      engine: 'scripted',
      pool_size: 6,
      num_vacancies: 2,
      invited: 6,
      hires: 2,
      fill_rate: 1,
      overbooked: 1,
      oracle_invites: 5,
      excess_invites: 1,
      time_to_fill_minutes: 37,
      time_to_fill_ratio: 0.616667,
      calls: 3,
      over_asks: 0,
      value: 2 * 2500 - 6 * 20 - 250,
      regret: 4900 - (5000 - 120 - 250),
      fault: null,
    });
    expect(oracle).toMatchObject({ invited: 5, hires: 2, overbooked: 0, timeToFill: 30, value: 4900 });
  });
});

describe('faults end the case for that engine and are kept, not thrown', () => {
  it('an engine that throws', () => {
    const play = playCase(theCase, pool, scripted([go(1, 5)]), { maxCalls: 100 });
    expect(play.fault).toMatch(/^threw at T1_1: Error: script ran out/);
    expect(play.invited).toBe(1);
  });

  it('an invalid decision', () => {
    const play = playCase(theCase, pool, scripted([go(1, 0)]), { maxCalls: 100 });
    expect(play.fault).toBe('invalid decision at T1_0: callback_time_minutes must be an integer >= 1 while unfinished, got 0');
  });

  it('too many calls', () => {
    const forever: Engine = { decide: () => go(0, 1) };
    const play = playCase(theCase, pool, forever, { maxCalls: 10 });
    expect(play.calls).toBe(10);
    expect(play.fault).toBe('exceeded 10 calls at T1_10');
  });
});

describe('the loop itself', () => {
  it('never invites more than remain, and stops calling once the pool is empty', () => {
    const engine = scripted([go(100, 1)]);
    const play = playCase(theCase, pool, engine, { maxCalls: 100 });
    expect(play.invited).toBe(6);
    expect(play.calls).toBe(1);
  });

  it('stops when the engine says finished', () => {
    const play = playCase(theCase, pool, scripted([go(1, 1), { finished: true, num_candidates_needed: 5, callback_time_minutes: 0 }]), { maxCalls: 100 });
    expect(play.calls).toBe(2);
    expect(play.invited).toBe(1);
  });

  it('keeps the request list current without rebuilding it: one array, growing', () => {
    const lists: unknown[] = [];
    const engine: Engine = {
      decide(request) {
        lists.push(request.impacted_candidates_data);
        return go(1, 1);
      },
    };
    playCase(theCase, pool, engine, { maxCalls: 100 });
    expect(new Set(lists).size).toBe(1);
  });
});
