import { describe, expect, it } from 'vitest';
import type { CandidateRecord, Request } from '../../src/contract/types.ts';
import { CallbackMemory, InvitationProgramme, stochConstraint } from '../../src/engines/stoch-constraint.ts';
import { stream } from '../../src/stats/rng.ts';
import { betaFromMoments, quantileSorted, sampleBeta } from '../../src/stats/distributions.ts';

/**
 * max 2500·h − 20·x with h = min(p·x, V): the value rises by 2500p − 20 per invitation up to
 * x = V/p and falls by 20 after, so the integer optimum is floor(V/p) or the next integer
 * (capped by the pool), or nobody when a hire is worth less than the invitations it costs.
 */
function closedForm(p: number, pool: number, vacancies: number): number {
  if (2500 * p <= 20) return 0;
  const x0 = Math.min(pool, Math.floor(vacancies / p));
  const x1 = Math.min(pool, x0 + 1);
  const value = (x: number) => 2500 * Math.min(p * x, vacancies) - 20 * x;
  return value(x1) > value(x0) ? x1 : x0;
}

describe('the integer programme', () => {
  const programme = new InvitationProgramme();

  it.each([
    [0.2, 400, 9],
    [0.13, 400, 9],
    [0.07, 400, 9],
    [0.031, 400, 9],
    [0.5, 400, 9],
    [0.2, 30, 9],
    [0.06, 10000, 250],
    [0.0075, 400, 9],
    [0.2, 400, 1],
  ])('p = %f, pool %i, vacancies %i matches the closed form', (p, pool, vacancies) => {
    expect(programme.solve(p, pool, vacancies)).toBe(closedForm(p, pool, vacancies));
  });

  it('answers as javascript-lp-solver does on 20 000 random programmes, solving only near-ties', () => {
    const random = stream('programme-check');
    const fast = new InvitationProgramme();
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Hire rates around the break-even 20/2500 = 0.008 and across the posterior's range,
      // pools from 1 to 10 000, vacancies from 1 to 300; some exact break-evens and V/p integers.
      const kind = i % 10;
      const p = kind === 0 ? 0.008 : kind === 1 ? 1 / (1 + Math.floor(random() * 50)) : kind < 5 ? 0.004 + random() * 0.01 : random() * 0.6;
      const pool = 1 + Math.floor(random() ** 2 * 10_000);
      const vacancies = 1 + Math.floor(random() ** 2 * 300);
      const got = fast.solve(p, pool, vacancies);
      const lp = programme.solveWithLp(p, pool, vacancies);
      if (got !== lp) mismatches.push(`p=${p} pool=${pool} vacancies=${vacancies}: ${got} vs ${lp}`);
    }
    expect(mismatches).toEqual([]);
    // The exact break-evens (p = 0.008) go to the solver; almost nothing else does.
    expect(fast.solverCalls).toBeGreaterThanOrEqual(2_000);
    expect(fast.solverCalls).toBeLessThan(2_100);
  });

  it('leaves a break-even programme to the solver', () => {
    const fresh = new InvitationProgramme();
    expect(fresh.closedForm(0.008, 400, 9)).toBeNull();
    expect(fresh.solve(0.008, 400, 9)).toBe(programme.solveWithLp(0.008, 400, 9));
    expect(fresh.solverCalls).toBe(1);
    expect(fresh.closedForm(0.2, 400, 9)).toBe(45);
  });

  it('asks for nobody when nobody is left or nothing is needed', () => {
    expect(programme.solve(0.2, 0, 9)).toBe(0);
    expect(programme.solve(0.2, 400, 0)).toBe(0);
  });
});

describe('the learned callback', () => {
  it('starts from a memory of [16]: the median of 16 and the case times', () => {
    const memory = new CallbackMemory();
    expect(memory.callback([])).toBe(16);
    expect(memory.callback([8, 10])).toBe(10);
    expect(memory.callback([8, 30, 40])).toBe(Math.round((16 + 30) / 2));
  });

  it('is never under 5 minutes', () => {
    expect(new CallbackMemory([1]).callback([1, 2, 0])).toBe(5);
  });

  it('fits a log-normal and takes its 0.7-quantile from 30 values on', () => {
    const times = Array.from({ length: 29 }, (_, i) => 5 + i);
    const memory = new CallbackMemory(); // 16 plus 29 values: 30
    const logs = [16, ...times].map(Math.log);
    const mu = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sigma = Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / logs.length);
    expect(memory.callback(times)).toBe(Math.round(Math.exp(mu + sigma * 0.5244005127080407)));
    // With one value fewer it is still the median.
    expect(memory.callback(times.slice(0, 28))).toBe(Math.round(quantileSorted([16, ...times.slice(0, 28)].sort((a, b) => a - b), 0.5)));
  });
});

const hire = (m: number): CandidateRecord => ({ notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: m });
const rejected = (m: number): CandidateRecord => ({ notification_status: 'ir_rejected', candidate_status: 'cancelled', time_to_respond_ir_minutes: m });

function request(caseId: string, call: number, list: CandidateRecord[]): Request {
  return {
    correlation_id: `${caseId}_${call}`,
    reference_date_time: '2021-01-04 09:00:00',
    deadline: '2021-01-08 09:00:00',
    num_vacancies: 9,
    num_remaining_in_pool: 400,
    impacted_candidates_data: list,
  };
}

describe('stoch-constraint', () => {
  const params = { mean: 0.2, variance: 0.001, draws: 15, quantile: 0.3 };

  it('invites the floor of the 0.3-quantile of 15 programme solutions, drawn from its own stream', () => {
    const list = [hire(12), rejected(3), rejected(4)];
    const engine = stochConstraint.create({ random: stream('s'), params });
    const d = engine.decide(request('C', 0, list));
    // Replay the same draws by hand.
    const random = stream('s');
    const { alpha, beta } = betaFromMoments(0.2, 0.001);
    const programme = new InvitationProgramme();
    const xs = Array.from({ length: 15 }, () => programme.solve(sampleBeta(alpha + 1, beta + 2, random), 400, 8)).sort((a, b) => a - b);
    expect(d.num_candidates_needed).toBe(Math.floor(quantileSorted(xs, 0.3)));
    expect(d.callback_time_minutes).toBe(Math.round((16 + 12) / 2));
  });

  it('gives the same decisions for the same seed, and others for another', () => {
    const run = (seed: string) => {
      const e = stochConstraint.create({ random: stream(seed), params });
      return [0, 1, 2].map((i) => e.decide(request('C', i, [rejected(1), rejected(2)])).num_candidates_needed);
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });

  it('remembers accepted response times across cases when one instance plays them', () => {
    const engine = stochConstraint.create({ random: stream('m'), params });
    // Case A shows three accepted candidates answering in 40 minutes.
    engine.decide(request('A', 0, []));
    engine.decide(request('A', 1, [hire(40), hire(40), hire(40)]));
    // On case B's first call the memory is [16, 40, 40, 40]: median 40.
    expect(engine.decide(request('B', 0, [])).callback_time_minutes).toBe(40);
    // A fresh instance only knows [16].
    expect(stochConstraint.create({ random: stream('m'), params }).decide(request('B', 0, [])).callback_time_minutes).toBe(16);
  });
});
