import { describe, expect, it } from 'vitest';
import { Law } from '../../../src/engines/informed/law.ts';
import { oneShotBest, plan } from '../../../src/engines/informed/plan.ts';
import { PoolRounds } from '../../../src/engines/informed/pool.ts';
import { caseTruth } from '../../../src/engines/informed/truth.ts';
import { readScenario } from '../../../src/scenario/read.ts';
import type { Segment } from '../../../src/scenario/types.ts';

const MONEY = { valuePerHire: 2500, costPerInvite: 20, costPerOverbooking: 250 };

function segment(p: Partial<Segment> & Pick<Segment, 'delay'>): Segment {
  return { id: 's', weight: 1, pAccept: 0.5, pReject: 0.2, pOfferAccept: 0.8, ...p };
}

function binom(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

function binomialPmf(n: number, p: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) => binom(n, k) * p ** k * (1 - p) ** (n - k));
}

/** Money of a case's end, hires counted up to the vacancies, late and surplus acceptances overbooked. */
function money(hiresOnTime: number, acceptances: number, invited: number, vacancies: number): number {
  const hires = Math.min(vacancies, hiresOnTime);
  return 2500 * hires - 20 * invited - 250 * (acceptances - hires);
}

describe('informed: the one-shot optimum', () => {
  it('with every answer at once and one call, invites the batch that maximises E[value]', () => {
    for (const [n, pool, pAccept, pOffer] of [[3, 30, 0.3, 0.7], [1, 12, 0.5, 0.9], [5, 80, 0.1, 0.6], [2, 6, 0.9, 0.9]] as const) {
      const law = new Law([segment({ pAccept, pOfferAccept: pOffer, delay: { kind: 'fixed', minutes: 0 } })]);
      const q = pAccept * pOffer;
      // Brute force: every batch size, its value averaged over the binomial count of hires.
      let bestK = 0;
      let bestV = -Infinity;
      for (let k = 0; k <= pool; k++) {
        const v = binomialPmf(k, q).reduce((s, p, h) => s + p * money(h, h, k, n), 0);
        if (v > bestV + 1e-9) {
          bestV = v;
          bestK = k;
        }
      }
      const decided = plan({ need: n, remaining: 1, pool, pending: [] }, law, MONEY);
      expect(decided.invite).toBe(bestK);
      expect(oneShotBest([], n, q, 20 + 250 * q, 2750, pool).k).toBe(bestK);
    }
  });
});

describe('informed: a case small enough to solve exactly', () => {
  it('its first decision matches brute-force expected-value maximisation over every policy', () => {
    // A handful of candidates, answers after exactly one minute, a two-minute window: calls at
    // minute 0 and minute 1, and what was invited at 0 has answered by 1.
    for (const [pool, need, pAccept, pOffer] of [[6, 2, 0.5, 0.8], [5, 1, 0.4, 0.5], [7, 3, 0.7, 0.9], [4, 2, 0.3, 0.6]] as const) {
      const law = new Law([segment({ pAccept, pReject: 0.1, pOfferAccept: pOffer, delay: { kind: 'fixed', minutes: 1 } })]);
      const q = pAccept * pOffer;
      // Exhaustive: b0 now; after seeing y hires, the best b1 of the rest; hires of b1 arrive at 2 = the deadline.
      const valueOf = (b0: number): number =>
        binomialPmf(b0, q).reduce((s, py, y) => {
          let best = -Infinity;
          for (let b1 = 0; b1 <= pool - b0; b1++) {
            const v = binomialPmf(b1, q).reduce((t, pz, z) => t + pz * money(y + z, y + z, b0 + b1, need), 0);
            best = Math.max(best, v);
          }
          return s + py * best;
        }, 0);
      const values = Array.from({ length: pool + 1 }, (_, b0) => valueOf(b0));
      const best = Math.max(...values);
      const decided = plan({ need, remaining: 2, pool, pending: [] }, law, MONEY);
      expect(values[decided.invite]).toBeCloseTo(best, 6);
      expect(decided.callback).toBe(1);
    }
  });
});

describe('informed: what it knows', () => {
  it('weighs a pending candidate by how long it has been out', () => {
    const law = new Law([segment({ delay: { kind: 'weibull', shape: 2.4, scale: 10.5 } })]);
    const fresh = law.pendingHireBetween(0, Infinity);
    expect(fresh).toBeCloseTo(0.4, 10);
    expect(law.pendingHireBetween(10, Infinity)).toBeLessThan(fresh);
    expect(law.pendingHireBetween(60, Infinity)).toBeLessThan(1e-6);
  });

  it('is told a trace as its empirical law, not who is who', () => {
    const { scenario } = readScenario('trace_replay');
    const c = scenario.cases[0];
    if (c === undefined || c.trace === null) throw new Error('trace_replay has a traced case');
    const truth = caseTruth(scenario, c, MONEY);
    const total = truth.segments.reduce((s, x) => s + x.weight, 0);
    expect(total).toBeCloseTo(1, 12);
    const hires = c.trace.filter((t) => t.outcome === 'accepted' && t.offerAccepted).length;
    expect(new Law(truth.segments).hireRate).toBeCloseTo(hires / c.trace.length, 12);
    // Canonical order: shuffling the pool gives the same truth.
    const shuffled = { ...c, trace: [...c.trace].reverse() };
    expect(caseTruth(scenario, shuffled, MONEY)).toEqual(truth);
  });
});

describe('informed: a pool that limits the hires', () => {
  it('values later rounds over the pool left, as brute force does on a tiny pool', () => {
    const p = 0.3;
    const perFresh = 20 + 250 * p;
    const A = 2750;
    const brute = (j: number, m: number, M: number): number => {
      if (m <= 0 || j === 0) return 0;
      let best = -Infinity;
      for (let b = 0; b <= M; b++) {
        const v = binomialPmf(b, p).reduce((s, py, y) => s + py * (A * Math.min(y, m) + (y >= m ? 0 : brute(j - 1, m - y, M - b))), -perFresh * b);
        best = Math.max(best, v);
      }
      return best;
    };
    const table = new PoolRounds(3, 9, p, perFresh, A);
    for (const [j, m, M] of [[1, 2, 9], [2, 2, 6], [3, 3, 9], [2, 1, 4]] as const) expect(table.at(j, m, M)).toBeCloseTo(brute(j, m, M), 6);
    // A smaller pool is never worth more; neither are fewer rounds.
    expect(table.at(3, 3, 6)).toBeLessThan(table.at(3, 3, 9));
    expect(table.at(2, 3, 9)).toBeLessThanOrEqual(table.at(3, 3, 9));
  });

  it('with days to go, invites a scarce pool in rounds rather than all it would at one call', () => {
    // The whole pool holds about as many hires as there are vacancies (scarce_pool's cases).
    const law = new Law([segment({ pAccept: 0.1, pReject: 0.1, pOfferAccept: 0.6, delay: { kind: 'weibull', shape: 2.4, scale: 10.5 } })]);
    const state = { need: 8, remaining: 5 * 1440, pool: 150, pending: [] };
    const once = oneShotBest([], 8, law.freshHireBy(5 * 1440), 20 + 250 * law.hireRate, 2750, 150);
    const decided = plan(state, law, MONEY);
    expect(decided.invite).toBeLessThan(once.k / 2);
    expect(decided.callback).toBeLessThan(60);
  });

  it('decides the same whichever cases built the shared table first', () => {
    const law = new Law([segment({ pAccept: 0.1, pReject: 0.1, pOfferAccept: 0.6, delay: { kind: 'weibull', shape: 2.4, scale: 10.5 } })]);
    const small = new PoolRounds(12, 90, 0.05, 35, 2750);
    const large = new PoolRounds(16, 200, 0.05, 35, 2750);
    for (const M of [10, 64, 77, 90]) expect(small.at(7, 5, M)).toBe(large.at(7, 5, M));
    expect(plan({ need: 5, remaining: 3000, pool: 90, pending: [] }, law, MONEY).invite).toBeGreaterThan(0);
  });
});
