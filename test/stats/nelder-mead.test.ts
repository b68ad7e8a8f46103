import { describe, expect, it } from 'vitest';
import { minimize, nelderMead } from '../../src/stats/nelder-mead.ts';

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic', () => {
    const r = nelderMead((x) => (x[0]! - 3) ** 2 + 10 * (x[1]! + 1) ** 2, [0, 0]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(3, 5);
    expect(r.x[1]).toBeCloseTo(-1, 5);
  });

  it('follows the Rosenbrock valley to (1, 1)', () => {
    const r = minimize((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1]);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it('treats values outside the domain as infinitely bad', () => {
    const r = minimize((x) => (x[0]! <= 0 ? NaN : x[0]! - Math.log(x[0]!)), [3]);
    expect(r.x[0]).toBeCloseTo(1, 4);
  });

  it('works in one dimension and in four', () => {
    expect(nelderMead((x) => (x[0]! - 7) ** 2, [0]).x[0]).toBeCloseTo(7, 5);
    const target = [1, -2, 3, 0.5];
    const r = minimize((x) => x.reduce((s, v, i) => s + (i + 1) * (v - target[i]!) ** 2, 0), [0, 0, 0, 0]);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(target[i]!, 4));
  });
});
