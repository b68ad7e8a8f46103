import { describe, expect, it } from 'vitest';
import type { CandidateObservation, ObservedCase } from '../../src/fit/cases.ts';
import { delayQuantile, delaySurvival, FitIndex, fitFamily, logLikelihood, naiveFit } from '../../src/fit/likelihood.ts';
import { kaplanMeier, survivalAt } from '../../src/fit/kaplan-meier.ts';
import { stream } from '../../src/stats/rng.ts';
import type { DelayDistribution } from '../../src/scenario/types.ts';

const TRUE = { pAccept: 0.2, pReject: 0.1, pOffer: 0.6 };
const WEIBULL: DelayDistribution = { kind: 'weibull', shape: 1.5, scale: 60 };

/**
 * Openings observed as the contract shows them: whole-minute response times, and each
 * candidate followed for a time drawn up to `followUp` minutes (then still pending).
 */
function simulate(cases: number, perCase: number, followUp: number, delay: DelayDistribution = WEIBULL, seed = 1): ObservedCase[] {
  const random = stream('likelihood-test', seed);
  const out: ObservedCase[] = [];
  for (let c = 0; c < cases; c++) {
    const candidates: CandidateObservation[] = [];
    for (let i = 0; i < perCase; i++) {
      const u = random();
      const answer = u < TRUE.pAccept ? 1 : u < TRUE.pAccept + TRUE.pReject ? 2 : 0;
      const d = delayQuantile(delay, random());
      const age = Math.floor(random() * followUp);
      const hired = random() < TRUE.pOffer;
      if (answer !== 0 && d <= age) {
        const m = Math.floor(d);
        candidates.push({ answer, lower: m, upper: m + 1, age: 0, offerAccepted: answer === 1 ? hired : null });
      } else {
        candidates.push({ answer: 0, lower: 0, upper: 0, age, offerAccepted: null });
      }
    }
    out.push({ engine: 'e', replicate: 1, caseId: `C${c}`, start: 0, deadline: 1, vacancies: 1, poolSize: perCase, calls: 1, sawFirstCall: true, candidates });
  }
  return out;
}

describe('the censored cure-model fit', () => {
  it('recovers the response probabilities and a Weibull delay from censored whole-minute data', () => {
    const data = new FitIndex(simulate(100, 200, 400)).data();
    const e = fitFamily('weibull', data);
    expect(e.converged).toBe(true);
    expect(e.pAccept).toBeCloseTo(TRUE.pAccept, 1);
    expect(Math.abs(e.pAccept - TRUE.pAccept)).toBeLessThan(0.01);
    expect(Math.abs(e.pReject - TRUE.pReject)).toBeLessThan(0.01);
    expect(Math.abs(e.pOffer - TRUE.pOffer)).toBeLessThan(0.03);
    expect(e.delay.kind).toBe('weibull');
    if (e.delay.kind !== 'weibull') return;
    expect(Math.abs(e.delay.shape / 1.5 - 1)).toBeLessThan(0.06);
    expect(Math.abs(e.delay.scale / 60 - 1)).toBeLessThan(0.06);
  });

  it('where most answers are not in yet, stays near the truth while the naive fit does not', () => {
    // Followed up to 60 minutes against a median delay of 47: most answerers are still pending.
    const data = new FitIndex(simulate(100, 200, 60)).data();
    expect(data.pending / (data.pending + data.accepted + data.rejected)).toBeGreaterThan(0.85);
    const e = fitFamily('weibull', data);
    const naive = naiveFit('weibull', data);
    expect(Math.abs(e.pAccept / TRUE.pAccept - 1)).toBeLessThan(0.15);
    expect(naive.pAccept).toBeLessThan(TRUE.pAccept * 0.5);
    if (e.delay.kind !== 'weibull' || naive.delay.kind !== 'weibull') throw new Error('not weibull');
    expect(Math.abs(e.delay.scale / 60 - 1)).toBeLessThan(0.2);
    expect(naive.delay.scale).toBeLessThan(40);
  });

  it('prefers the family that generated the data, by AIC', () => {
    const lognormal: DelayDistribution = { kind: 'lognormal', mu: 4, sigma: 1 };
    const data = new FitIndex(simulate(60, 200, 600, lognormal, 2)).data();
    const aic = Object.fromEntries((['weibull', 'lognormal', 'exponential'] as const).map((f) => [f, fitFamily(f, data).aic]));
    expect(aic.lognormal).toBeLessThan(aic.weibull!);
    expect(aic.lognormal).toBeLessThan(aic.exponential!);
  });

  it('is maximised at its estimate', () => {
    const data = new FitIndex(simulate(20, 100, 200)).data();
    const e = fitFamily('lognormal', data);
    const at = logLikelihood('lognormal', data, e.x);
    for (let i = 0; i < e.x.length; i++) {
      for (const step of [-0.01, 0.01]) {
        const x = [...e.x];
        x[i] = x[i]! + step;
        expect(logLikelihood('lognormal', data, x)).toBeLessThan(at);
      }
    }
  });

  it('weights cases as the bootstrap asks', () => {
    const cases = simulate(3, 20, 100);
    const index = new FitIndex(cases);
    const twice = index.data([2, 0, 1]);
    const manual = new FitIndex([cases[0]!, cases[0]!, cases[2]!]).data();
    expect(twice.accepted).toBe(manual.accepted);
    expect(twice.pending).toBe(manual.pending);
    expect(logLikelihood('weibull', twice, [0, 0.3, 4])).toBeCloseTo(logLikelihood('weibull', manual, [0, 0.3, 4]), 8);
  });
});

describe('delay distributions', () => {
  it('have survival and quantile functions that agree', () => {
    for (const d of [WEIBULL, { kind: 'lognormal', mu: 6.4, sigma: 1.2 }, { kind: 'exponential', mean: 30 }] as DelayDistribution[]) {
      for (const p of [0.1, 0.5, 0.9]) expect(delaySurvival(d, delayQuantile(d, p))).toBeCloseTo(1 - p, 10);
    }
    // Far in the log-normal tail the survival is still resolved (no 1 − Φ cancellation).
    expect(delaySurvival({ kind: 'lognormal', mu: 0, sigma: 1 }, Math.exp(9))).toBeGreaterThan(0);
  });
});

describe('Kaplan–Meier', () => {
  it('matches a hand computation with censoring and ties', () => {
    // Events at 1, 2, 2, 4; censored at 2 and 3. At risk: 6 at t=1, 5 at t=2, 1 at t=4.
    const km = kaplanMeier([1, 2, 4], [1, 2, 1], [2, 3], [1, 1]);
    expect(survivalAt(km, 0.5)!.survival).toBe(1);
    expect(survivalAt(km, 1)!.survival).toBeCloseTo(5 / 6, 12);
    expect(survivalAt(km, 3)!.survival).toBeCloseTo((5 / 6) * (3 / 5), 12);
    expect(survivalAt(km, 4)!.survival).toBeCloseTo(0, 12);
    expect(survivalAt(km, 5)).toBeNull();
    const mid = survivalAt(km, 1)!;
    expect(mid.low).toBeLessThan(mid.survival);
    expect(mid.high).toBeGreaterThan(mid.survival);
  });
});
