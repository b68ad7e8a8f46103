import { describe, expect, it } from 'vitest';
import { capWorkers } from '../src/cli/options.ts';
import { counted } from '../src/words.ts';
import { memoryIo } from './helpers.ts';

describe('counts in messages', () => {
  it('are singular for one', () => {
    expect([0, 1, 2].map((n) => counted(n, 'case'))).toEqual(['0 cases', '1 case', '2 cases']);
    expect(counted(1, 'replicate')).toBe('1 replicate');
  });

  it('as where pacebench prints them: "1 core", not "1 cores"', () => {
    const io = memoryIo();
    expect(capWorkers({ workers: 4 }, io, 1)).toEqual({ workers: 1 });
    expect(io.err).toBe("pacebench: --workers 4 is more than this machine's 1 core; using 1\n");
  });
});
