import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../src/score/rows.ts';
import { stream } from '../../src/stats/rng.ts';
import { holm, pairedTTest, race, type Evaluate, type Racer } from '../../src/tune/race.ts';
import { paretoFront, rankRacers } from '../../src/tune/study.ts';

function row(caseId: string, engine: string, value: number): CaseRow {
  return {
    replicate: 1, case_id: caseId, engine, pool_size: 100, num_vacancies: 5, invited: 10, hires: 5, fill_rate: 1, overbooked: 0,
    oracle_invites: 8, excess_invites: 2, time_to_fill_minutes: 60, time_to_fill_ratio: 0.5, calls: 3, over_asks: 0, value, regret: 10_000 - value, fault: null,
  };
}

const racers = (n: number, defaults = n - 1): Racer[] =>
  Array.from({ length: n }, (_, id) => ({ id, point: { x: id }, spec: `e:x=${id}`, isDefault: id === defaults }));

/**
 * A case's value for racer r: its mean, plus noise common to every racer on the case
 * (common random numbers), plus a little of its own.
 */
function noisyEvaluator(means: readonly number[], log: { ids: number[]; cases: number }[] = []): Evaluate {
  return async (living, positions) => {
    log.push({ ids: living.map((r) => r.id), cases: positions.length });
    return living.map((r) =>
      positions.map((p) => {
        const shared = stream('case', p)() * 2000;
        const own = stream('own', p, r.id)() * 100;
        return row(`c${p}`, r.spec, (means[r.id] ?? 0) + shared + own);
      }),
    );
  };
}

describe('the paired t-test and Holm', () => {
  it('see a consistent difference, not noise, and handle equal differences', () => {
    const a = [10, 12, 9, 11, 13, 10, 12, 11];
    expect(pairedTTest(a.map((x) => x + 5), a, 8)).toBe(0);
    expect(pairedTTest(a, a, 8)).toBe(1);
    expect(pairedTTest(a, a.map((x) => x + 5), 8)).toBe(1);
    const b = [11, 11, 10, 10, 14, 9, 13, 10];
    const p = pairedTTest(b, a, 8);
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.8);
    expect(pairedTTest([1, 2, 3], [0, 1, 2.5], 1)).toBe(1);
  });

  it('Holm rejects step-down and adjusts monotonically', () => {
    const { rejected, adjusted } = holm([0.01, 0.04, 0.03, 0.5], 0.05);
    // 0.01 <= 0.05/4; 0.03 > 0.05/3 stops the procedure.
    expect(rejected).toEqual([true, false, false, false]);
    expect(adjusted).toEqual([0.04, 0.09, 0.09, 0.5]);
  });
});

describe('a race', () => {
  it('drops a clearly worse configuration at the first test, and keeps close ones running', async () => {
    const log: { ids: number[]; cases: number }[] = [];
    // 0: the best; 1: close behind; 2: far behind; 3: the defaults, far behind but never dropped.
    const result = await race(racers(4), 100, 'value', { block: 10, minCases: 20, alpha: 0.05, budget: null }, noisyEvaluator([1000, 995, 0, 0], log));
    const far = result.racers[2]!;
    expect(far.droppedAfter).toBe(20);
    expect(far.rows).toHaveLength(20);
    expect(far.pValue).toBeLessThan(0.05);
    expect(result.racers[3]!.droppedAfter).toBeNull();
    // The first 20 cases in one call (nothing is tested before), then blocks of 10 without the dropped.
    expect(log[0]).toEqual({ ids: [0, 1, 2, 3], cases: 20 });
    expect(log[1]).toEqual({ ids: [0, 1, 3], cases: 10 });
    expect(result.evaluations).toBe(log.reduce((n, call) => n + call.ids.length * call.cases, 0));
    expect(result.evaluations).toBeLessThan(4 * 100);
    expect(result.rounds[0]).toMatchObject({ cases: 20, best: 0, dropped: [2] });
    const ranked = rankRacers(result.racers, 'value').map((r) => r.racer.id);
    expect(ranked.indexOf(2)).toBe(3);
  });

  it('stops when one configuration besides the defaults is left', async () => {
    const result = await race(racers(3), 100, 'value', { block: 10, minCases: 20, alpha: 0.05, budget: null }, noisyEvaluator([1000, 0, 0]));
    expect(result.stopped).toBe('one survivor');
    expect(result.evaluations).toBe(3 * 20);
  });

  it('plays every case when there is only one configuration besides the defaults', async () => {
    const result = await race(racers(2), 60, 'value', { block: 10, minCases: 20, alpha: 0.05, budget: null }, noisyEvaluator([1000, 0]));
    expect(result.stopped).toBe('cases exhausted');
    expect(result.evaluations).toBe(2 * 60);
  });

  it('never overspends its budget, ending on a smaller block', async () => {
    const log: { ids: number[]; cases: number }[] = [];
    const result = await race(racers(5), 100, 'value', { block: 10, minCases: 20, alpha: 0.05, budget: 125 }, noisyEvaluator([5, 4, 3, 2, 1], log));
    expect(result.stopped).toBe('budget spent');
    expect(result.evaluations).toBeLessThanOrEqual(125);
    expect(result.evaluations).toBe(125);
  });

  it('with one block of every case is exhaustive evaluation', async () => {
    const result = await race(racers(3), 30, 'regret', { block: 30, minCases: Infinity, alpha: 0.05, budget: null }, noisyEvaluator([3000, 2000, 1000]));
    expect(result.evaluations).toBe(90);
    expect(result.racers.every((r) => r.rows.length === 30 && r.droppedAfter === null)).toBe(true);
    expect(rankRacers(result.racers, 'regret').map((r) => r.racer.id)).toEqual([0, 1, 2]);
  });
});

describe('the Pareto front', () => {
  it('keeps what nothing dominates on fill rate and invitations', () => {
    const front = paretoFront([
      { id: 0, fill: 0.9, invited: 10 },
      { id: 1, fill: 0.95, invited: 12 },
      { id: 2, fill: 0.9, invited: 11 },
      { id: 3, fill: 0.8, invited: 10 },
      { id: 4, fill: 0.95, invited: 12 },
    ]);
    expect([...front].sort()).toEqual([0, 1, 4]);
  });
});
