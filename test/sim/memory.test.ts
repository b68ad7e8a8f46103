import { describe, expect, it } from 'vitest';
import { estimateMemory, memoryProblem } from '../../src/sim/memory.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const GB = 1024 ** 3;
const limits = { heapBytes: 4 * GB, machineBytes: 24 * GB };

function scenario(poolSizes: number[]): Scenario {
  return {
    name: 's',
    source: 's',
    description: '',
    behaviours: {},
    cases: poolSizes.map((poolSize, i) => ({ id: `C${i}`, numVacancies: 1, start: 0, deadline: 60_000, poolSize, behaviour: 'b', trace: null })),
  } as Scenario;
}

describe('memory checked before a run', () => {
  it('lets the shipped sizes through', () => {
    const need = estimateMemory(scenario(Array(100).fill(10_000)), 6, 1, 100, false);
    expect(memoryProblem(need, 2, limits, 1)).toBeNull();
  });

  it('names the case too big for a thread, and how to raise the limit', () => {
    const need = estimateMemory(scenario([100, 100_000_000]), 6, 1, 2, false);
    expect(memoryProblem(need, 2, limits, 1)).toMatch(
      /its largest case, C1, has 100,000,000 candidates: about 15 GB per worker thread; that is more than 80 % of the 4.0 GB a thread .*--max-old-space-size/,
    );
  });

  it('counts the rows of a million replicates', () => {
    const need = estimateMemory(scenario(Array(200).fill(400)), 6, 1_000_000, 200_000_000, false);
    expect(memoryProblem(need, 2, limits, 1_000_000)).toMatch(/1,400,000,000 rows of results \(1,000,000 replicates\)/);
  });
});
