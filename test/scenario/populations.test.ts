import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CASES, FAMILIES, RANGES, drawParams, drawPopulation, type Population } from '../../scenarios/populations.ts';
import { checkScenario } from '../../src/scenario/read.ts';
import type { DelayDistribution, Scenario } from '../../src/scenario/types.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const DRAWS = 200;
const MINUTE = 60_000;

function validate(p: Population): Scenario {
  const check = validateScenario({
    name: p.name,
    source: p.name,
    description: '',
    pools: { path: `${p.name}/pools.csv`, text: p.files['pools.csv'] as string },
    behaviours: { path: `${p.name}/behaviours.csv`, text: p.files['behaviours.csv'] as string },
    candidates: null,
  });
  if (!check.ok) throw new Error(check.problems.map((x) => `${x.file}:${x.line} ${x.column}: ${x.message}`).join('\n'));
  expect(check.warnings).toEqual([]);
  return check.scenario;
}

function median(d: DelayDistribution): number {
  switch (d.kind) {
    case 'weibull':
      return d.scale * Math.pow(Math.LN2, 1 / d.shape);
    case 'lognormal':
      return Math.exp(d.mu);
    case 'exponential':
      return d.mean * Math.LN2;
    case 'fixed':
      return d.minutes;
  }
}

describe('scenarios/populations.ts', () => {
  it('is deterministic: the same seed and index give the same bytes, others differ', () => {
    const a = drawPopulation(2026, 7);
    expect(drawPopulation(2026, 7)).toEqual(a);
    expect(drawPopulation(2026, 8).files['behaviours.csv']).not.toEqual(a.files['behaviours.csv']);
    expect(drawPopulation(2027, 7).files['pools.csv']).not.toEqual(a.files['pools.csv']);
    // The openings have a stream of their own: asking for fewer leaves the parameters alone.
    const few = drawPopulation(2026, 7, 10);
    expect(few.files['behaviours.csv']).toEqual(a.files['behaviours.csv']);
    expect(few.files['pools.csv']?.split('\n').slice(0, 13)).toEqual(a.files['pools.csv']?.split('\n').slice(0, 13));
  });

  const populations = Array.from({ length: DRAWS }, (_, i) => drawPopulation(2026, i, 20));
  const scenarios = populations.map(validate);

  it(`gives ${DRAWS} scenarios that pass validation, as drawn`, () => {
    expect(drawPopulation(2026, 0).files['pools.csv']?.trim().split('\n').length).toBe(3 + DEFAULT_CASES);
    populations.forEach((p, i) => {
      const s = scenarios[i] as Scenario;
      expect(s.cases).toHaveLength(20);
      const segments = s.behaviours['population']?.segments ?? [];
      expect(segments).toHaveLength(p.params.segments.length);
      segments.forEach((seg, j) => {
        const drawn = p.params.segments[j];
        expect(seg.delay.kind).toBe(drawn?.family);
        expect(median(seg.delay)).toBeCloseTo(drawn?.medianDelayMinutes ?? Number.NaN, 6);
      });
      const answer = segments.reduce((sum, seg) => sum + seg.weight * (seg.pAccept + seg.pReject), 0);
      expect(answer).toBeCloseTo(p.params.answerRate, 2);
      expect(p.files['README.md']).toContain(`# ${p.name}`);
    });
  });

  it(`spans the documented ranges over ${DRAWS} draws`, () => {
    const segments = populations.flatMap((p) => p.params.segments);
    const span = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
    const [aLo, aHi] = span(segments.map((s) => s.pAccept + s.pReject));
    expect(aLo).toBeGreaterThanOrEqual(RANGES.answerRate[0] - 1e-4);
    expect(aHi).toBeLessThanOrEqual(RANGES.answerRate[1] + 1e-4);
    expect(aLo).toBeLessThan(0.035);
    expect(aHi).toBeGreaterThan(0.5);
    const [mLo, mHi] = span(populations.map((p) => p.params.answerRate));
    expect(mLo).toBeGreaterThanOrEqual(RANGES.answerRate[0] - 1e-4);
    expect(mHi).toBeLessThanOrEqual(RANGES.answerRate[1] + 1e-4);
    expect(mLo).toBeLessThan(0.04);
    expect(mHi).toBeGreaterThan(0.45);
    const [oLo, oHi] = span(segments.map((s) => s.pOfferAccept));
    expect(oLo).toBeGreaterThanOrEqual(0.3);
    expect(oHi).toBeLessThanOrEqual(0.9);
    expect(oLo).toBeLessThan(0.33);
    expect(oHi).toBeGreaterThan(0.87);
    expect(new Set(segments.map((s) => s.family))).toEqual(new Set(FAMILIES));
    expect(new Set(populations.map((p) => p.params.segments.length))).toEqual(new Set([1, 2, 3]));
    const [dLo, dHi] = span(segments.map((s) => s.medianDelayMinutes));
    expect(dLo).toBeLessThan(5);
    expect(dHi).toBeGreaterThan(36 * 60);
    const cases = scenarios.flatMap((s) => s.cases);
    const [pLo, pHi] = span(cases.map((c) => c.poolSize));
    expect(pLo).toBeLessThan(100);
    expect(pHi).toBeGreaterThan(5000);
    expect(pHi).toBeLessThanOrEqual(1.2 * RANGES.poolScale[1] + 1);
    const [vLo, vHi] = span(cases.map((c) => c.numVacancies));
    expect(vLo).toBe(1);
    expect(vHi).toBeGreaterThan(100);
    expect(vHi).toBeLessThanOrEqual(RANGES.maxVacancies);
    const windows = cases.map((c) => (c.deadline - c.start) / MINUTE);
    const [wLo, wHi] = span(windows);
    expect(wLo).toBeGreaterThanOrEqual(60);
    expect(wLo).toBeLessThan(3 * 60);
    expect(wHi).toBeGreaterThan(14 * 24 * 60);
    // No window scale shorter than twice the slowest median answer, as documented.
    for (const p of populations) {
      const slowest = Math.max(...p.params.segments.map((s) => s.medianDelayMinutes));
      expect(p.params.windowScaleHours * 60).toBeGreaterThanOrEqual(Math.min(2 * slowest, RANGES.windowScaleHours[1] * 60) * (1 - 1e-3));
    }
  });

  it('draws parameters independently of the index order', () => {
    expect(drawParams(2026, 3)).toEqual(drawParams(2026, 3));
    expect(drawParams(2026, 3).name).toBe('pop-2026-004');
  });

  it('npm run scenarios:populations writes folders the backtest reads, byte for byte as drawn', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-populations-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scenarios', 'populations.ts'), '--out', out, '--count', '2', '--seed', '5', '--cases', '7'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toContain('wrote');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['pop-5-001', 'pop-5-002']);
    for (const [i, name] of ['pop-5-001', 'pop-5-002'].entries()) {
      const p = drawPopulation(5, i, 7);
      for (const file of ['pools.csv', 'behaviours.csv', 'README.md']) {
        expect(readFileSync(path.join(out, name, file), 'utf8')).toBe(p.files[file]);
      }
      const check = checkScenario(path.join(out, name));
      expect(check.ok).toBe(true);
      if (check.ok) expect(check.scenario.description).toMatch(/^A generated population \(seed 5, number \d\)/);
    }
    const bad = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scenarios', 'populations.ts'), '--count', '2'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--out DIR is required');
  });
});
