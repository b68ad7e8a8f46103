import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { priorOf, DEFAULTS } from '../../src/engines/pace/params.ts';
import { MEMORY, Population, openingOf, type Opening } from '../../src/engines/pace/population.ts';
import { ListSummary } from '../../src/engines/pace/summary.ts';
import type { Fit } from '../../src/engines/pace/model.ts';
import { hire, pending, rejected } from '../helpers.ts';
import { paramsFromFit } from '../../src/engines/pace/from-fit.ts';
import { pace } from '../../src/engines/pace/index.ts';
import { parseEngineSpec, resolveParams, engineLabel } from '../../src/engines/spec.ts';
import { resolveEngine } from '../../src/engines/load.ts';

const base = priorOf(DEFAULTS);
const opening = (o: Partial<Opening> = {}): Opening => ({ invited: 200, answerRate: 0.3, exposure: 200, answers: 60, hireShare: 0.4, mu: Math.log(60), sigma: 1, delayAnswers: 60, scales: null, ...o });

describe('pace population prior', () => {
  it('starts from the weak default: one opening outweighs it', () => {
    expect(base.strength).toBeLessThan(50);
    expect(new Population().prior(base, 400)).toBe(base);
  });

  it('pools alike openings into a firm prior at their rates and delay', () => {
    const pop = new Population();
    for (let i = 0; i < 10; i++) pop.add(opening());
    const p = pop.prior(base, 400);
    // Ten openings of 50 (each at most cap / 8) against the base prior's 20 at 1/2.
    expect(p.answerRate).toBeCloseTo((20 * 0.5 + 500 * 0.3) / 520, 9);
    expect(p.hireRate / p.answerRate).toBeCloseTo((10 * 0.25 + 500 * 0.4) / 510, 9);
    expect(p.medianDelay).toBeCloseTo(Math.exp((Math.log(100) + 500 * Math.log(60)) / 501), 6);
    expect(p.strength).toBe(400);
  });

  it('an opening that taught little moves the prior little (no prior of nobody answers from five exposed invitations)', () => {
    const pop = new Population();
    pop.add(opening({ invited: 53, exposure: 5, answerRate: 0, answers: 0, hireShare: 0, delayAnswers: 0 }));
    const p = pop.prior(base, 400);
    expect(p.answerRate).toBeCloseTo((20 * 0.5) / 25, 9);
    expect(p.strength).toBe(base.strength);
  });

  it('one strange opening weighs at most cap / 8', () => {
    const pop = new Population();
    pop.add(opening({ invited: 100000, exposure: 100000, answerRate: 0.9, answers: 90000 }));
    expect(pop.prior(base, 400).strength).toBeLessThanOrEqual(50);
    for (let i = 0; i < 9; i++) pop.add(opening());
    // Ten openings, one of them odd: the mean stays near the nine.
    expect(pop.prior(base, 400).answerRate).toBeLessThan(0.4);
  });

  it('openings that differ make a weak prior (the spread between them)', () => {
    const pop = new Population();
    for (let i = 0; i < 10; i++) pop.add(opening({ answerRate: i % 2 === 0 ? 0.05 : 0.6 }));
    // No weaker than the default's own weak prior.
    expect(pop.prior(base, 400).strength).toBe(base.strength);
  });

  it('the ablation without partial pooling adds the evidence up, whatever the spread', () => {
    const pop = new Population();
    for (let i = 0; i < 10; i++) pop.add(opening({ answerRate: i % 2 === 0 ? 0.05 : 0.6 }));
    const complete = pop.prior(base, 400, false);
    expect(complete.strength).toBe(400);
    expect(complete.answerRate).toBeCloseTo(pop.prior(base, 400).answerRate, 9);
    expect(complete.delayStrength).toBe(400);
  });

  it('carries two time scales where the openings that ended on them hold most of the delay evidence', () => {
    const scales = { mix: 0.3, mu1: Math.log(4), sigma1: 0.5, mu2: Math.log(900), sigma2: 0.5 };
    const pop = new Population();
    for (let i = 0; i < 6; i++) pop.add(opening({ scales }));
    for (let i = 0; i < 4; i++) pop.add(opening());
    const p = pop.prior(base, 400);
    expect(p.scales?.mix).toBeCloseTo(0.3, 9);
    expect(p.scales?.mu1).toBeCloseTo(Math.log(4), 9);
    expect(p.scales?.sigma2).toBeCloseTo(0.5, 9);
    // One scale in most of them: the one log-normal stands.
    for (let i = 0; i < 4; i++) pop.add(opening());
    expect(pop.prior(base, 400).scales).toBeUndefined();
  });

  it('leaves the mixture\'s own mean and spread of ln delay when two scales won, the faster component first', () => {
    const s = new ListSummary().read([rejected(4), rejected(900)]);
    // The mixture's own statistics (the prior's pseudo-answers out): 3 answers about 900 minutes, 1 about 4.
    const [a, b] = [Math.log(900), Math.log(4)];
    const scaleStats = Float64Array.from([3, 3 * a, 3 * (a * a + 0.25), 1, b, b * b + 0.09]);
    const fit = { j: -2, mu: 7, sigma: 0.5, mu2: 1, sigma2: 0.3, mix: 0.5, scaleStats, answerRate: 0.3, hireRate: 0.1 } as unknown as Fit;
    const o = openingOf(s, fit, new Float64Array([2, Math.log(3600), 0]));
    expect(o.delayAnswers).toBeCloseTo(4, 9);
    expect(o.mu).toBeCloseTo(0.75 * Math.log(900) + 0.25 * Math.log(4), 9);
    expect(o.sigma ** 2).toBeCloseTo(0.75 * 0.25 + 0.25 * 0.09 + 0.75 * 0.25 * Math.log(225) ** 2, 9);
    expect(o.scales?.mix).toBeCloseTo(0.25, 9);
    expect(o.scales?.mu1).toBeCloseTo(Math.log(4), 9);
    expect(o.scales?.sigma1).toBeCloseTo(0.3, 6);
    expect(o.scales?.mu2).toBeCloseTo(Math.log(900), 9);
    expect(o.scales?.sigma2).toBeCloseTo(0.5, 6);
  });

  it('keeps at most MEMORY openings', () => {
    const pop = new Population();
    for (let i = 0; i < MEMORY + 10; i++) pop.add(opening());
    expect(pop.size).toBe(MEMORY);
  });
});

describe('what an ended opening teaches', () => {
  // A log-normal fit with a median of 60 minutes that believes most pending invitations will still answer.
  const fit: Fit = { j: -1, k: Number.NaN, theta: Number.NaN, mu: Math.log(60), sigma: 0.5, answerRate: 0.9, hireRate: 0.3, evidence: 50, stillAnswers: new Float64Array([0.9, 0.9]), exposure: 0, logLikelihood: 0 };

  it('reads the answer rate as answers over exposure: young pending invitations say almost nothing', () => {
    // 10 answers, 100 invitations pending for 1 minute (a delay of median 60 has barely begun) and 100 for 10 000 minutes.
    const list = [...Array.from({ length: 10 }, () => hire(30)), ...Array.from({ length: 100 }, () => pending(1)), ...Array.from({ length: 100 }, () => pending(10_000))];
    const s = new ListSummary().read(list);
    const o = openingOf(s, fit, new Float64Array([10, 10 * Math.log(30), 10 * Math.log(30) ** 2]));
    expect(o.invited).toBe(210);
    expect(o.exposure).toBeGreaterThan(110);
    expect(o.exposure).toBeLessThan(111);
    // Not the fit's 0.9 (its expected late answers), not 10 / 210: the old pending ones are refusals, the young ones unknown.
    expect(o.answerRate).toBeCloseTo(10 / o.exposure, 12);
  });
});

describe('pace:prior=PATH', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pace-prior-'));
  const fit = {
    openings: 10,
    candidates: { invited: 2000, accepted: 300, rejected: 100, pending: 50 },
    delay_family: 'lognormal',
    estimates: {
      p_accept: { estimate: 0.16 },
      p_reject: { estimate: 0.05 },
      p_offer_accept: { estimate: 0.5 },
      delay_mu: { estimate: Math.log(45) },
      delay_sigma: { estimate: 0.8 },
    },
  };
  const file = path.join(dir, 'fit.json');
  writeFileSync(file, JSON.stringify(fit));

  it('takes the path fit --out writes, folders and all (a / in the engine name)', async () => {
    const r = await resolveEngine(parseEngineSpec(`pace:prior=${file}`));
    expect(r.label).toBe(`pace:prior=${file}`);
    expect(r.params.strength).toBe(200);
  });

  it('turns a fit.json into the prior, one typical opening strong', () => {
    const p = paramsFromFit(file);
    expect(p.answerRate).toBeCloseTo(0.21, 9);
    expect(p.hireRate).toBeCloseTo(0.08, 9);
    expect(p.medianDelay).toBeCloseTo(45, 6);
    expect(p.sigma).toBe(0.8);
    expect(p.strength).toBe(200);
    expect(p.delayStrength).toBe(40);
  });

  it('is read from the engine spec; numbers given beside it win', () => {
    const spec = parseEngineSpec(`pace:prior=${file}:strength=30`);
    const params = resolveParams(pace, spec);
    expect(params.hireRate).toBeCloseTo(0.08, 9);
    expect(params.strength).toBe(30);
    expect(engineLabel(pace, spec)).toBe(`pace:strength=30:prior=${file}`);
  });

  it('says which file and field is wrong', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...fit, estimates: {} }));
    expect(() => paramsFromFit(bad)).toThrow(UserError);
    expect(() => paramsFromFit(bad)).toThrow(/estimates\.p_accept\.estimate/);
    expect(() => paramsFromFit(path.join(dir, 'missing.json'))).toThrow(/: no such file$/);
    expect(() => paramsFromFit(dir)).toThrow(/a folder; expected its fit.json/);
    expect(() => paramsFromFit('')).toThrow(/expected the path of a fit.json/);
  });
});
