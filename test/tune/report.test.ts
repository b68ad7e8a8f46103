import { describe, expect, it } from 'vitest';
import { winnerEdges } from '../../src/tune/report.ts';

const dim = (key: string, low: number, high: number) => ({ key, integer: false, default: low, low, high, values: null });

describe('the winner on the edge of the space', () => {
  it('is flagged where the engine allows going further, not at the engine\'s own bounds', () => {
    const space = [dim('quantile', 0.1, 0.5), dim('draws', 5, 30), dim('mean', 0, 0.3), dim('fixed', 2, 2)];
    const bounds = { quantile: { min: 0, max: 1 }, draws: { min: 1 }, mean: { min: 0, max: 1 }, fixed: {} };
    expect(winnerEdges(space, { quantile: 0.1, draws: 30, mean: 0, fixed: 2 }, bounds)).toEqual([
      { key: 'quantile', value: 0.1, side: 'low' },
      { key: 'draws', value: 30, side: 'high' },
    ]);
    expect(winnerEdges(space, { quantile: 0.3, draws: 10, mean: 0.1, fixed: 2 }, bounds)).toEqual([]);
  });
});
