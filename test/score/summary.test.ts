import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, clustersOf, MIN_BOOTSTRAP } from '../../src/score/summary.ts';
import { stream } from '../../src/stats/rng.ts';

/** 40 cases of a skewed figure, like a case's value. */
function cases(n = 40): Float64Array {
  const random = stream('test-cases', 3);
  return Float64Array.from({ length: n }, () => Math.round(1000 * -Math.log(1 - random())));
}

describe('bootstrap over cases', () => {
  it('resamples a case with all its replicates: copies of a case add no information', () => {
    const once = cases();
    const replicates = 5;
    // Rows in run order: replicate 1's cases, then replicate 2's, ...; every replicate the same.
    const rows = Float64Array.from({ length: once.length * replicates }, (_, i) => once[i % once.length] as number);
    const ids = Array.from({ length: rows.length }, (_, i) => `case${i % once.length}`);
    const [clustered] = bootstrapIntervals([rows], 1000, 7, clustersOf(ids));
    const [single] = bootstrapIntervals([once], 1000, 7);
    const [naive] = bootstrapIntervals([rows], 1000, 7);
    expect(clustered?.ci95?.[0]).toBeCloseTo(single?.ci95?.[0] as number, 6);
    expect(clustered?.ci95?.[1]).toBeCloseTo(single?.ci95?.[1] as number, 6);
    // Resampling rows on their own would pretend to have five times the openings.
    const width = (i: typeof naive) => (i?.ci95?.[1] as number) - (i?.ci95?.[0] as number);
    expect(width(naive)).toBeLessThan(width(clustered) * 0.6);
  });

  it('numbers clusters by first appearance', () => {
    expect([...clustersOf(['b', 'a', 'b', 'c', 'a']).of]).toEqual([0, 1, 0, 2, 1]);
    expect(clustersOf(['b', 'a', 'b']).count).toBe(2);
  });

  it('gives no interval, never a point, for one case or too few resamples', () => {
    const [one] = bootstrapIntervals([Float64Array.of(5, 7)], 1000, 1, clustersOf(['x', 'x']));
    expect(one).toEqual({ mean: 6, ci95: null });
    const [few] = bootstrapIntervals([cases()], MIN_BOOTSTRAP - 1, 1);
    expect(few?.ci95).toBeNull();
    const [enough] = bootstrapIntervals([cases()], MIN_BOOTSTRAP, 1);
    expect(enough?.ci95).not.toBeNull();
  });
});
