import { describe, expect, it } from 'vitest';
import { GrowingCount, countPmf } from '../../../src/engines/informed/counts.ts';

describe('informed: the hires of a growing batch', () => {
  it('are, bit for bit, the count convolved afresh, in any order of batches', () => {
    const groups = [[3, 0.2], [7, 0.05], [2, 0]] as const;
    for (const budget of [4096, 60]) {
      const grow = new GrowingCount(groups.map(([c]) => c), groups.map(([, q]) => q), 0.06, 8, budget);
      for (const b of [0, 1, 2, 5, 16, 19, 40, 3, 0, 700, 12]) {
        const fresh = countPmf(b > 0 ? [...groups, [b, 0.06] as const] : groups, 8, budget);
        expect(Array.from(grow.at(b))).toEqual(Array.from(fresh));
      }
    }
  });
});
