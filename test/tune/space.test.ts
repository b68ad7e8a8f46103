import { describe, expect, it } from 'vitest';
import { stochConstraint } from '../../src/engines/stoch-constraint.ts';
import { nbinomial } from '../../src/engines/nbinomial.ts';
import { UserError } from '../../src/errors.ts';
import { buildSpace, gridPoints, MAX_GRID, parseParamArg, pointSpec, randomPoints, type ParamArg } from '../../src/tune/space.ts';

const args = (...texts: string[]): ParamArg[] => texts.map(parseParamArg);
const space = (...texts: string[]) => buildSpace(stochConstraint, args(...texts));
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('--param', () => {
  it('reads ranges with and without a step, and lists', () => {
    expect(parseParamArg('quantile=0.1..0.5:0.1')).toMatchObject({ key: 'quantile', kind: 'range', low: 0.1, high: 0.5, step: 0.1 });
    expect(parseParamArg(' draws = 5..30 ')).toMatchObject({ key: 'draws', kind: 'range', low: 5, high: 30, step: null });
    expect(parseParamArg('draws=5,10,20')).toMatchObject({ kind: 'list', values: [5, 10, 20] });
    expect(parseParamArg('draws=15')).toMatchObject({ kind: 'list', values: [15] });
  });

  it.each([
    ['draws', /expected key=LOW..HIGH\[:STEP\] or key=v1,v2/],
    ['=1..2', /expected key=/],
    ['draws=', /no values/],
    ['draws=..5', /LOW "" is not a number/],
    ['draws=1..x', /HIGH "x" is not a number/],
    ['draws=1..5:', /STEP "" is not a number/],
    ['draws=5,,6', /value "" is not a number/],
  ])('refuses %s', (text, message) => {
    expect(refusal(() => parseParamArg(text))).toMatch(message);
  });

  it('is checked against the engine, every problem at once, before anything runs', () => {
    const message = refusal(() => space('speed=1..2:1', 'quantile=0.2..1.5:0.1', 'draws=2.5,10', 'mean=0.5..0.1:0.1'));
    expect(message).toMatch(/--param speed=1..2:1: stoch-constraint has no parameter "speed" \(it takes mean, variance, draws, quantile\)/);
    expect(message).toMatch(/HIGH 1.5 is above the engine's maximum 1/);
    expect(message).toMatch(/value 2.5 is not an integer, and draws is an integer parameter/);
    expect(message).toMatch(/LOW 0.5 is above HIGH 0.1/);
    expect(refusal(() => space('draws=0..10'))).toMatch(/LOW 0 is below the engine's minimum 1/);
    expect(refusal(() => space('quantile=0.1..0.5:0'))).toMatch(/STEP 0 must be above 0/);
    expect(refusal(() => space('quantile=0.1..0.5:-0.1'))).toMatch(/STEP -0.1 must be above 0/);
    expect(refusal(() => space('draws=5..10:2.5'))).toMatch(/STEP 2.5 is not an integer/);
    expect(refusal(() => space('draws=5,5'))).toMatch(/listed twice/);
    expect(refusal(() => space('draws=5', 'draws=6'))).toMatch(/"draws" is given twice/);
    expect(refusal(() => space())).toMatch(/give at least one --param/);
  });
});

describe('grids', () => {
  it('hold every combination, in the engine\'s parameter order, with tidy values', () => {
    const s = space('quantile=0.1..0.3:0.1', 'draws=5,10');
    const points = gridPoints(s);
    expect(points).toEqual([
      { draws: 5, quantile: 0.1 },
      { draws: 5, quantile: 0.2 },
      { draws: 5, quantile: 0.3 },
      { draws: 10, quantile: 0.1 },
      { draws: 10, quantile: 0.2 },
      { draws: 10, quantile: 0.3 },
    ]);
    expect(pointSpec('stoch-constraint', s, points[2]!)).toBe('stoch-constraint:draws=5:quantile=0.3');
  });

  it('step integers by one unless told, and end at HIGH only when a step lands on it', () => {
    expect(gridPoints(space('draws=3..6')).map((p) => p.draws)).toEqual([3, 4, 5, 6]);
    expect(gridPoints(space('draws=3..10:3')).map((p) => p.draws)).toEqual([3, 6, 9]);
  });

  it('refuse a real range without a step, and a grid above the cap', () => {
    expect(refusal(() => gridPoints(space('quantile=0.1..0.5')))).toMatch(/quantile=0.1..0.5 has no STEP: a grid \(and a race, which runs one\) needs/);
    expect(refusal(() => gridPoints(space('quantile=0..1:0.00001')))).toMatch(new RegExp(`has 100001 configurations \\(quantile: 100001\\), above the cap of ${MAX_GRID}`));
    expect(refusal(() => gridPoints(space('quantile=0..1:0.01', 'draws=1..30')))).toMatch(/the grid has 3030 configurations \(draws: 30, quantile: 101\), above the cap of 2000; take larger steps/);
  });
});

describe('random search', () => {
  it('draws distinct points within the ranges, integers whole, reproducibly from the seed', () => {
    const s = space('quantile=0.1..0.5', 'draws=5..30');
    const a = randomPoints(s, 25, 7);
    expect(a).toHaveLength(25);
    expect(randomPoints(s, 25, 7)).toEqual(a);
    expect(randomPoints(s, 25, 8)).not.toEqual(a);
    for (const p of a) {
      expect(p.quantile).toBeGreaterThanOrEqual(0.1);
      expect(p.quantile).toBeLessThanOrEqual(0.5);
      expect(Number.isInteger(p.draws)).toBe(true);
      expect(p.draws).toBeGreaterThanOrEqual(5);
      expect(p.draws).toBeLessThanOrEqual(30);
    }
    // Both ends of an integer range are reachable.
    const draws = new Set(randomPoints(space('draws=5..7'), 3, 1).map((p) => p.draws));
    expect(draws).toEqual(new Set([5, 6, 7]));
    // A step too fine for a grid still holds random draws to its lattice.
    for (const p of randomPoints(space('quantile=0..1:0.00001'), 10, 1)) expect(Math.abs(p.quantile! * 1e5 - Math.round(p.quantile! * 1e5))).toBeLessThan(1e-6);
  });

  it('keeps to the grid of a stepped range or a list, and gives a small space whole', () => {
    const s = space('quantile=0.1..0.3:0.1', 'draws=5,10');
    const all = randomPoints(s, 100, 1);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((p) => `${p.draws}/${p.quantile}`))).toEqual(new Set(gridPoints(s).map((p) => `${p.draws}/${p.quantile}`)));
  });

  it('draws again for parameters that clash', () => {
    const s = buildSpace(nbinomial, args('mean=0.01..0.5', 'variance=0.0001..0.05'));
    const valid = (p: Record<string, number>) => (p.variance ?? 0) < (p.mean ?? 0) * (1 - (p.mean ?? 0));
    const points = randomPoints(s, 20, 3, valid);
    expect(points).toHaveLength(20);
    expect(points.every(valid)).toBe(true);
  });
});
