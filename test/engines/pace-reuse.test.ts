import { describe, expect, it } from 'vitest';
import { hire, pending, rejected } from '../helpers.ts';
import type { CandidateRecord, Request } from '../../src/contract/types.ts';
import { survival, survivalAtAge } from '../../src/engines/pace/delay.ts';
import { fitCureRateLogNormal, fitModel, fitShape } from '../../src/engines/pace/fit.ts';
import { pace } from '../../src/engines/pace/index.ts';
import { FitBuffer, expOf, type Fit, type Prior } from '../../src/engines/pace/model.ts';
import { SHAPES } from '../../src/engines/pace/powers.ts';
import { ListSummary } from '../../src/engines/pace/summary.ts';
import { resolveParams, parseEngineSpec } from '../../src/engines/spec.ts';

// What the engine reuses from call to call to allocate (almost) nothing per decision must give
// the very numbers the plain computation gives: pace's decisions are promised bit-identical.


const PRIOR: Prior = { hireRate: 0.06, answerRate: 0.2, strength: 150, medianDelay: 30, delayStrength: 1, shape: 1.5, shapeWeight: 3, sigma: 1, lognormalLean: 0.05 };

function weibull(j: number, theta: number, k = SHAPES[j] as number): Fit {
  return { j, k, theta, answerRate: 0.2, hireRate: 0.06, evidence: 100, stillAnswers: new Float64Array(0), exposure: 0, logLikelihood: 0 };
}

describe('pace: memos and reused buffers give the plain numbers', () => {
  it('survival at whole-minute ages, from the memo, is survival to the last bit', () => {
    const fits: Fit[] = SHAPES.map((k, j) => weibull(j, Math.LN2 / 30 ** k));
    fits.push({ ...weibull(0, 0), j: -1, k: Number.NaN, theta: Number.NaN, mu: Math.log(40), sigma: 1.3 });
    // A fit whose shape is not SHAPES[j] must not be served from SHAPES[j]'s memo.
    fits.push(weibull(2, 0.01, 1.7));
    for (const fit of fits) {
      for (const minutes of [0, 1, 2, 7, 59, 60, 61, 599, 1440, 9999, 20_000, 65_535, 65_536, 100_000, 2.5, 17.25, -3]) {
        expect(Object.is(survivalAtAge(fit, minutes), survival(fit, minutes)), `j=${fit.j} k=${fit.k} at ${minutes}`).toBe(true);
      }
    }
  });

  it('expOf is Math.exp, underflow included', () => {
    for (const x of [0, -1, -700, -745, -745.1, -745.13, -745.14, -746, -746.5, -1e4, -Infinity, 3, Number.NaN]) {
      expect(Object.is(expOf(x), Math.exp(x)), String(x)).toBe(true);
    }
  });

  it('fitModel overwriting two fits and two weight buffers call after call gives what fresh ones give', () => {
    const lists: CandidateRecord[][] = [
      [hire(3), pending(40), rejected(9), pending(40), hire(14), pending(25)],
      [hire(600), rejected(700), ...Array.from({ length: 30 }, () => pending(900)), ...Array.from({ length: 20 }, () => pending(30))],
      [...Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? hire(5 + i) : rejected(3 + 2 * i))), pending(5000), pending(5000), pending(2), pending(1)],
      [],
      [pending(0), pending(0), pending(3)],
    ];
    const summary = new ListSummary();
    const scratch: [Float64Array, Float64Array] = [new Float64Array(8), new Float64Array(8)];
    const buffers: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()];
    const lnStats = new Float64Array(3);
    for (const censoring of [true, false]) {
      for (const list of [...lists, ...lists.slice().reverse()]) {
        const s = summary.read(list);
        const reused = fitModel(s, PRIOR, { censoring }, scratch, lnStats, buffers);
        const freshS = new ListSummary().read(list);
        const freshLn = new Float64Array(3);
        const fresh = fitModel(freshS, PRIOR, { censoring }, [new Float64Array(8), new Float64Array(8)], freshLn);
        for (const key of ['j', 'k', 'theta', 'mu', 'sigma', 'answerRate', 'hireRate', 'evidence', 'exposure', 'logLikelihood'] as const) {
          expect(Object.is(reused[key], fresh[key]), `${key} on a list of ${list.length}`).toBe(true);
        }
        expect([...reused.stillAnswers.subarray(0, s.groups)]).toEqual([...fresh.stillAnswers.subarray(0, freshS.groups)]);
        expect([...lnStats]).toEqual([...freshLn]);
      }
    }
  });

  it("the survivals at the groups' ages a fit's likelihood took are survival's numbers, for every family", () => {
    const s = new ListSummary().read([hire(3), pending(40), rejected(9), pending(40), hire(14), pending(25), pending(0), pending(70_000), pending(1)]);
    for (const censoring of [true, false]) {
      const fits = [...SHAPES.map((_, j) => fitShape(j, s, PRIOR, { censoring }, new Float64Array(8))), fitCureRateLogNormal(s, PRIOR, { censoring }, new Float64Array(8))];
      for (const fit of fits) {
        expect(fit.hasAgeSurvival).toBe(censoring || fit.j < 0);
        if (!fit.hasAgeSurvival) continue;
        for (let g = 0; g < s.groups; g++) {
          const age = s.groupAge[g] as number;
          expect(Object.is(fit.ageSurvival[g], survival(fit, age)), `j=${fit.j} at ${age}`).toBe(true);
        }
      }
    }
  });
});

describe('pace: the case id, read without a regular expression when it plainly has not changed', () => {
  const engine = (spec = 'pace') => pace.create({ random: () => 0.5, params: resolveParams(pace, parseEngineSpec(spec)) });
  const slow = [...Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? hire(500 + 40 * i) : rejected(600 + 30 * i))), ...Array.from({ length: 40 }, () => pending(900))];
  const request = (list: CandidateRecord[], correlation_id: string, num_vacancies = 9): Request => ({
    correlation_id,
    reference_date_time: '2021-01-04 09:00:00',
    deadline: '2021-01-08 09:00:00',
    num_vacancies,
    num_remaining_in_pool: 400,
    impacted_candidates_data: list,
  });

  it('a call of the same opening carries nothing over; a call of another opening starts from what the last one taught', () => {
    const taughtBy = (id: string) => {
      const e = engine();
      e.decide(request(slow, id, 20));
      return e;
    };
    for (const [first, next, same] of [
      ['A_3', 'A_4', true],
      ['A_3', 'A_30', true],
      ['A_3', 'A', true], // caseIdOf('A') is 'A' too
      ['A_3', 'A_1_0', false],
      ['A_3', 'AB_3', false],
      ['A_3', 'A_x', false],
      ['A\nB_3', 'A\nB_3_4', false],
      ['A_B_3', 'A_B_4', true],
    ] as const) {
      const fresh = engine().decide(request([], next));
      const after = taughtBy(first).decide(request([], next));
      if (same) expect(after, `${JSON.stringify(first)} then ${JSON.stringify(next)}`).toEqual(fresh);
      else expect(after.callback_time_minutes, `${JSON.stringify(first)} then ${JSON.stringify(next)}`).toBeGreaterThan(2 * fresh.callback_time_minutes);
    }
  });
});
