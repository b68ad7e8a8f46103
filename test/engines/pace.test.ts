import { describe, expect, it } from 'vitest';
import { cancelled, hire, pending, rejected, requestOf } from '../helpers.ts';
import type { CandidateRecord, Request } from '../../src/contract/types.ts';
import { marginalGain, moneyBatch, probBelow, type BatchInputs } from '../../src/engines/pace/batch.ts';
import { callbackMinutes } from '../../src/engines/pace/callback.ts';
import { minutesUntilShareAnswered, survival } from '../../src/engines/pace/delay.ts';
import { fitCureRateLogNormal, fitModel, fitShape } from '../../src/engines/pace/fit.ts';
import { DEFAULTS, priorOf } from '../../src/engines/pace/params.ts';
import { pace } from '../../src/engines/pace/index.ts';
import type { Fit, Prior } from '../../src/engines/pace/model.ts';
import { SHAPES } from '../../src/engines/pace/powers.ts';
import { ListSummary } from '../../src/engines/pace/summary.ts';
import type { Money } from '../../src/scenario/money.ts';
import { resolveParams, parseEngineSpec } from '../../src/engines/spec.ts';

const MONEY: Money = { valuePerHire: 2500, costPerInvite: 20, costPerOverbooking: 250 };

function request(list: CandidateRecord[], o: Partial<Request> = {}): Request {
  return requestOf(list, { correlation_id: 'C_1', ...o });
}

function prior(o: Partial<Prior> = {}): Prior {
  return { hireRate: 0.06, answerRate: 0.2, strength: 100, medianDelay: 30, delayStrength: 1, shape: 1.5, shapeWeight: 3, sigma: 1, lognormalLean: 0.05, ...o };
}

const engine = (spec = 'pace') => pace.create({ random: () => 0.5, params: resolveParams(pace, parseEngineSpec(spec)) });

describe('pace: the list summary', () => {
  it('counts outcomes, sums delays at the middle of their minute, and groups pending records by age', () => {
    const s = new ListSummary().read([hire(3), pending(40), rejected(0), pending(40), cancelled(7), pending(12), pending(12), pending(12)]);
    expect([s.hires, s.nonHires, s.answered, s.pending, s.groups]).toEqual([1, 2, 3, 5, 2]);
    expect([...s.groupAge.subarray(0, 2)]).toEqual([40, 12]);
    expect([...s.groupCount.subarray(0, 2)]).toEqual([2, 3]);
    expect(s.sumLog).toBeCloseTo(Math.log(3.5) + Math.log(0.5) + Math.log(7.5), 12);
    SHAPES.forEach((k, j) => expect(s.sumPow[j]).toBeCloseTo(3.5 ** k + 0.5 ** k + 7.5 ** k, 9));
  });
});

describe('pace: the censored estimate', () => {
  const list = [hire(3), pending(40), rejected(9), pending(40), cancelled(7), pending(25), hire(14)];
  const s = new ListSummary().read(list);
  const options = { censoring: true };

  it('is events over exposure, censored ages included, when every invitee answers (Weibull of known shape, Gamma prior)', () => {
    const p = prior({ answerRate: 1, delayStrength: 2, medianDelay: 10 });
    for (let j = 0; j < SHAPES.length; j++) {
      const k = SHAPES[j] as number;
      const fit = fitShape(j, s, p, options, new Float64Array(8));
      const b0 = (2 * 10 ** k) / Math.LN2;
      const exposure = b0 + 3.5 ** k + 9.5 ** k + 7.5 ** k + 14.5 ** k + 2 * 40 ** k + 25 ** k;
      expect(fit.theta).toBeCloseTo((2 + 4) / exposure, 12);
      expect(fit.answerRate).toBe(1);
      // Hires among answers: (100·0.06 + 2) / (100 + 4).
      expect(fit.hireRate).toBeCloseTo(8 / 104, 12);
    }
  });

  it('is the Beta posterior with pending counted as never answering once they are far past every delay', () => {
    const old = new ListSummary().read([hire(3), rejected(2), pending(100_000), pending(100_000), pending(100_000), cancelled(4)]);
    const p = prior({ medianDelay: 3, delayStrength: 50, shape: 2.4 });
    const fit = fitShape(4, old, p, options, new Float64Array(8));
    // Answer rate: (20 + 3 answers) / (100 + 6 invitees); hire share among answers (6 + 1) / (20 + 3).
    expect(fit.answerRate).toBeCloseTo(23 / 106, 12);
    expect(fit.hireRate).toBeCloseTo((23 / 106) * (7 / 23), 12);
    expect(fit.stillAnswers[0]).toBeLessThan(1e-12);
  });

  it('weighs a young pending invitation as a likely answer and an old one as a likely never', () => {
    const young = fitShape(3, new ListSummary().read([hire(20), rejected(25), pending(1)]), prior(), options, new Float64Array(4));
    const aged = fitShape(3, new ListSummary().read([hire(20), rejected(25), pending(300)]), prior(), options, new Float64Array(4));
    expect(young.stillAnswers[0]).toBeGreaterThan(0.15);
    expect(aged.stillAnswers[0]).toBeLessThan(0.01);
    // Without censoring a pending invitation is a refusal: it lowers the answer rate at once.
    const refused = fitShape(3, new ListSummary().read([hire(20), rejected(25), pending(1)]), prior(), { censoring: false }, new Float64Array(4));
    expect(refused.answerRate).toBeLessThan(young.answerRate);
  });

  it('counts pending invitations as refusals in every family without censoring (the ablation)', () => {
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 20; i++) list.push(rejected(5 + i));
    for (let i = 0; i < 180; i++) list.push(pending(60));
    const s = new ListSummary().read(list);
    const p = prior();
    // The Beta posterior of the answer rate with all 180 pending taken as never answering.
    const refusals = (p.strength * p.answerRate + 20) / (p.strength + 200);
    expect(fitShape(3, s, p, { censoring: false }, new Float64Array(4)).answerRate).toBeCloseTo(refusals, 12);
    expect(fitCureRateLogNormal(s, p, { censoring: false }, new Float64Array(4)).answerRate).toBeCloseTo(refusals, 12);
  });
});

describe('pace: the predictive distribution', () => {
  it('is Poisson without rate uncertainty and negative binomial with it', () => {
    // P(H < 3) for Poisson(2): e^-2 (1 + 2 + 2).
    expect(probBelow(3, 2, 0)).toBeCloseTo(5 * Math.exp(-2), 12);
    // Negative binomial, r = 1 / cv² = 4, mean 2: p = r / (r + mean) = 2/3.
    const p = 2 / 3;
    const pmf = (h: number): number => (h === 0 ? 1 : h === 1 ? 4 : 10) * p ** 4 * (1 - p) ** h;
    expect(probBelow(3, 2, 0.25)).toBeCloseTo(pmf(0) + pmf(1) + pmf(2), 12);
    expect(probBelow(0, 2, 0)).toBe(0);
    expect(probBelow(4, 0, 0)).toBe(1);
    // Above 150 vacancies the normal approximation takes over, continuously.
    expect(probBelow(240, 240, 0.001)).toBeCloseTo(0.5, 1);
  });
});

describe('pace: the money-optimal batch', () => {
  const base: BatchInputs = { need: 5, pool: 400, pendingHires: 1.2, cv2: 0, hireRate: 0.06, onTimeNow: 0.9, onTimeNext: 0, urgency: 0 };

  /** Expected money of inviting x now when no later call can help: Poisson hires, as the engine models them. */
  function expectedValue(b: BatchInputs, x: number): number {
    const mean = b.pendingHires + x * b.hireRate * b.onTimeNow;
    let v = 0;
    let pmf = Math.exp(-mean);
    for (let h = 0; h < 200; h++) {
      const hires = Math.min(h, b.need);
      v += pmf * (MONEY.valuePerHire * hires - MONEY.costPerOverbooking * (h - hires));
      pmf *= mean / (h + 1);
    }
    return v - MONEY.costPerInvite * x - MONEY.costPerOverbooking * x * b.hireRate * (1 - b.onTimeNow);
  }

  it('matches brute force over every batch size on the last call', () => {
    for (const b of [base, { ...base, need: 1 }, { ...base, pendingHires: 0, onTimeNow: 0.5 }, { ...base, need: 12, hireRate: 0.1 }]) {
      let best = 0;
      for (let x = 1; x <= b.pool; x++) if (expectedValue(b, x) > expectedValue(b, best)) best = x;
      const chosen = moneyBatch(b, MONEY);
      expect(Math.abs(chosen - best)).toBeLessThanOrEqual(1);
      expect(expectedValue(b, best) - expectedValue(b, chosen)).toBeLessThan(1);
    }
  });

  it('is the last batch size with a positive marginal gain (binary search = linear scan)', () => {
    for (const b of [base, { ...base, onTimeNext: 0.85, urgency: 3 }, { ...base, cv2: 0.4, need: 30, pendingHires: 0 }]) {
      let scan = 0;
      while (scan < b.pool && marginalGain(scan + 1, b, MONEY) > 0) scan++;
      expect(moneyBatch(b, MONEY)).toBe(scan);
    }
  });

  it('invites less when a later call can still send invitations in time, more as it cannot', () => {
    const last = moneyBatch(base, MONEY);
    const early = moneyBatch({ ...base, onTimeNow: 1, onTimeNext: 1, urgency: 4 }, MONEY);
    expect(early).toBeLessThan(last);
    expect(moneyBatch({ ...base, need: 0 }, MONEY)).toBe(0);
    expect(moneyBatch({ ...base, pool: 3 }, MONEY)).toBe(3);
  });
});

describe('pace: the callback', () => {
  const fit: Fit = {
    j: 3,
    k: 1.6,
    theta: Math.LN2 / 30 ** 1.6,
    answerRate: 0.2,
    hireRate: 0.06,
    evidence: 100,
    stillAnswers: new Float64Array(4),
    exposure: 0,
    logLikelihood: 0,
  };
  const s = new ListSummary().read([pending(10), pending(10), hire(5), pending(50)]);

  /** Answers expected from the pending groups and a new batch within t minutes, and eventually. */
  function expected(t: number, batch: number): number {
    let sum = batch * 0.2 * (1 - survival(fit, t));
    for (const [age, n] of [[10, 2], [50, 1]] as const) {
      const Sa = survival(fit, age);
      sum += (n * 0.2 * (Sa - survival(fit, age + t))) / (0.8 + 0.2 * Sa);
    }
    return sum;
  }

  it('comes when the given share of the answers still expected is in, and not a minute later', () => {
    for (const batch of [0, 7]) {
      const eventually = expected(1e9, batch);
      const t = callbackMinutes(fit, s, batch, 0.8, 10_000, 30, 1);
      expect(expected(t + 0.5, batch)).toBeGreaterThanOrEqual(0.8 * eventually);
      expect(expected(t - 1, batch)).toBeLessThan(0.8 * eventually);
    }
  });

  it('never falls past the deadline, is at least 1, and respects the shortest callback', () => {
    expect(callbackMinutes(fit, s, 7, 0.8, 20, 30, 1)).toBe(19);
    expect(callbackMinutes(fit, s, 7, 0.8, 0.5, 30, 1)).toBe(1);
    expect(callbackMinutes(fit, s, 7, 0.01, 10_000, 30, 15)).toBe(15);
    // Nothing still expected: the fallback.
    expect(callbackMinutes(fit, new ListSummary().read([]), 0, 0.8, 10_000, 42, 1)).toBe(42);
  });
});

describe('pace: the engine', () => {
  it('honours the shared finishing rule', () => {
    expect(engine().decide(request([], { reference_date_time: '2021-01-08 09:00:00' })).finished).toBe(true);
    expect(engine().decide(request([hire(3), hire(4)], { num_vacancies: 2 })).finished).toBe(true);
    expect(engine().decide(request([], { num_remaining_in_pool: 0 })).finished).toBe(true);
  });

  it('counts on pending invitations that may still answer: fewer new invitations than when they count as refusals', () => {
    const list = [...Array.from({ length: 60 }, () => pending(5)), hire(3), rejected(4)];
    const censored = engine().decide(request(list));
    const refusals = engine('pace:censoring=0').decide(request(list));
    expect(censored.num_candidates_needed).toBeLessThan(refusals.num_candidates_needed);
  });

  it('calls back when the answers of a batch are due, before the deadline', () => {
    const d = engine().decide(request([], { deadline: '2021-01-04 10:00:00' }));
    expect(d.finished).toBe(false);
    expect(d.callback_time_minutes).toBeGreaterThanOrEqual(1);
    expect(d.callback_time_minutes).toBeLessThan(60);
  });

  it('with --carry-state, an opening whose answers came on two scales makes the next one expect both', () => {
    // Answers after 2 minutes (a fifth) and after 654 minutes, half of those hires; 100 invitations pending for 1 000 minutes.
    const twoScales = [
      ...Array.from({ length: 4 }, () => rejected(2)),
      ...Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? hire(654) : rejected(654))),
      ...Array.from({ length: 100 }, () => pending(1000)),
    ];
    const next = request([], { correlation_id: 'B_0' });
    const decideAfter = (spec: string) => {
      const e = engine(spec);
      for (const id of ['A1_3', 'A2_3', 'A3_3']) e.decide(request(twoScales, { correlation_id: id, num_vacancies: 40 }));
      return e.decide(next);
    };
    const mixed = decideAfter('pace');
    const single = decideAfter('pace:twoScales=0');
    expect(mixed.finished || single.finished).toBe(false);
    if (mixed.finished || single.finished) return;
    // One slow scale (median about 2 400 minutes) waits as long as it may; two scales call back when the slow answers are due.
    expect(single.callback_time_minutes).toBe(Math.round(0.35 * 5760));
    expect(mixed.callback_time_minutes).toBeLessThan(0.8 * single.callback_time_minutes);
  });

  it('with --carry-state, starts the next opening from what the last one taught, unless carry=0', () => {
    // An opening whose answers took about ten hours.
    const slow = [...Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? hire(500 + 40 * i) : rejected(600 + 30 * i))), ...Array.from({ length: 40 }, () => pending(900))];
    const first = request([], { correlation_id: 'B_0' });
    const taught = engine();
    taught.decide(request(slow, { correlation_id: 'A_3', num_vacancies: 20 }));
    const forgetful = engine('pace:carry=0');
    forgetful.decide(request(slow, { correlation_id: 'A_3', num_vacancies: 20 }));
    const fresh = engine().decide(first);
    expect(forgetful.decide(first)).toEqual(fresh);
    expect(taught.decide(first).callback_time_minutes).toBeGreaterThan(2 * fresh.callback_time_minutes);
  });
});

describe('pace: delays on two time scales', () => {
  const options = { censoring: true };
  const fitOf = (list: CandidateRecord[], twoScales = true): Fit => {
    const s = new ListSummary().read(list);
    return fitModel(s, priorOf(DEFAULTS), options, [new Float64Array(s.groups + 8), new Float64Array(s.groups + 8)], undefined, undefined, twoScales ? undefined : false);
  };
  // Answers a few minutes after the invitation and about a day after it, in equal numbers.
  const twoScaleList = (): CandidateRecord[] => {
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 40; i++) list.push(rejected(3 + (i % 5)), rejected(1100 + 20 * i), pending(3000));
    return list;
  };

  it('fits a mixture of two log-normals when the answers come minutes and a day after the invitation', () => {
    const fit = fitOf(twoScaleList());
    expect(fit.j).toBe(-2);
    const medians = [Math.exp(fit.mu as number), Math.exp(fit.mu2 as number)].sort((a, b) => a - b);
    expect(medians[0]).toBeGreaterThan(3);
    expect(medians[0]).toBeLessThan(8);
    expect(medians[1]).toBeGreaterThan(1000);
    expect(medians[1]).toBeLessThan(3000);
    expect(fit.mix).toBeGreaterThan(0.35);
    expect(fit.mix).toBeLessThan(0.65);
    // About half the answers are in after half an hour, and hardly any come between then and 13 hours.
    expect(1 - survival(fit, 30)).toBeGreaterThan(0.4);
    expect(1 - survival(fit, 30)).toBeLessThan(0.6);
    expect(survival(fit, 30) - survival(fit, 800)).toBeLessThan(0.1);
  });

  it('keeps one family when the answers show one scale (Schwarz\'s penalty), and never mixes with twoScales=0', () => {
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 60; i++) list.push(rejected(40 + (i % 30)), pending(600));
    expect(fitOf(list).j).not.toBe(-2);
    expect(fitOf(twoScaleList(), false).j).not.toBe(-2);
  });

  it('leaves an ended opening\'s population the answers\' own gap: answers at 2 and 654 minutes are two scales, not one slow one', () => {
    // 4 answers after 2 minutes, 16 after 654 (a fixed delay), 100 invitations pending for 1 000 minutes.
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 4; i++) list.push(rejected(2));
    for (let i = 0; i < 16; i++) list.push(rejected(654));
    for (let i = 0; i < 100; i++) list.push(pending(1000));
    const s = new ListSummary().read(list);
    const fit = fitModel(s, priorOf(DEFAULTS), options, [new Float64Array(s.groups + 8), new Float64Array(s.groups + 8)], undefined, undefined, undefined, true);
    // From the one log-normal split in two alone, as a decision starts, the EM stays with one slow scale.
    const decided = fitOf(list);
    expect(decided.j).not.toBe(-2);
    expect(decided.answerRate).toBeGreaterThan(0.4);
    expect(fit.j).toBe(-2);
    const [fast, slow] = [Math.exp(fit.mu as number), Math.exp(fit.mu2 as number)].sort((a, b) => a - b) as [number, number];
    expect(fast).toBeLessThan(10);
    expect(slow).toBeGreaterThan(600);
    expect(slow).toBeLessThan(1000);
    expect(fit.answerRate).toBeLessThan(0.35);
  });

  it('opens on the two scales earlier openings showed: the mixture from the first call, at the prior\'s components', () => {
    const scales = { mix: 0.4, mu1: Math.log(5), sigma1: 0.5, mu2: Math.log(1200), sigma2: 0.4 };
    const prior: Prior = { ...priorOf(DEFAULTS), medianDelay: 300, sigma: 1.8, delayStrength: 100, scales };
    const s = new ListSummary().read([]);
    const fit = fitModel(s, prior, options, [new Float64Array(8), new Float64Array(8)]);
    expect(fit.j).toBe(-2);
    expect(fit.mix).toBeCloseTo(0.4, 6);
    expect(Math.exp(fit.mu as number)).toBeCloseTo(5, 6);
    expect(Math.exp(fit.mu2 as number)).toBeCloseTo(1200, 6);
    // Without the scales, the same prior's first call is one family.
    const { scales: _, ...single } = prior;
    expect(fitModel(s, single, options, [new Float64Array(8), new Float64Array(8)]).j).not.toBe(-2);
  });

  it('carries what the opening itself says of each scale, not the prior\'s pseudo-answers (a prior of two scales does not feed itself)', () => {
    const scales = { mix: 0.5, mu1: Math.log(30), sigma1: 1, mu2: Math.log(3000), sigma2: 1 };
    const prior: Prior = { ...priorOf(DEFAULTS), medianDelay: 300, sigma: 2.5, delayStrength: 400, scales };
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 10; i++) list.push(rejected(5), rejected(1200));
    const s = new ListSummary().read(list);
    const fit = fitModel(s, prior, options, [new Float64Array(8), new Float64Array(8)]);
    expect(fit.j).toBe(-2);
    const t = fit.scaleStats as Float64Array;
    // Twenty answers, ten per scale, at their own delays; the 400 pseudo-answers at 30 and 3 000 minutes are not in them.
    expect((t[0] as number) + (t[3] as number)).toBeCloseTo(20, 6);
    const [fast, slow] = [Math.exp((t[1] as number) / (t[0] as number)), Math.exp((t[4] as number) / (t[3] as number))];
    expect(fast).toBeGreaterThan(4);
    expect(fast).toBeLessThan(8);
    expect(slow).toBeGreaterThan(900);
    expect(slow).toBeLessThan(1500);
  });

  it('has a quantile that inverts its survival', () => {
    const fit = fitOf(twoScaleList());
    for (const c of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const t = minutesUntilShareAnswered(fit, c);
      expect(1 - survival(fit, t)).toBeCloseTo(c, 2);
    }
  });

  it('is read by the engine: with answers on two scales, pending invitations a few hours old still count', () => {
    // 80 invited 10 hours ago: 20 answered within minutes (6 hires), 6 after 5 to 9 hours; 12 vacancies.
    const list: CandidateRecord[] = [];
    for (let i = 0; i < 20; i++) list.push(i < 6 ? hire(3 + (i % 4)) : rejected(3 + (i % 4)));
    for (let i = 0; i < 6; i++) list.push(rejected(300 + 45 * i));
    for (let i = 0; i < 54; i++) list.push(pending(600));
    const ask = (spec: string) => engine(spec).decide(request(list, { num_vacancies: 12, num_remaining_in_pool: 500 }));
    const mixed = ask('pace');
    const single = ask('pace:twoScales=0');
    expect(mixed.finished || single.finished).toBe(false);
    if (mixed.finished || single.finished) return;
    expect(mixed.num_candidates_needed).toBeLessThan(single.num_candidates_needed);
  });
});
