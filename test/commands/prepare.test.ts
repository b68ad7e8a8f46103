import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/commands/prepare.ts';
import { CODE_CACHE } from '../../src/report/charts-loader.ts';
import { memoryIo } from '../helpers.ts';

describe('pacebench prepare (npm ci runs it)', () => {
  it('leaves the chart renderer\'s bundle and compiled code in the cache, and exits 0', async () => {
    const io = memoryIo();
    expect(await prepare(io)).toBe(0);
    expect(io.err).toMatch(/bundles and compiled code cached in node_modules\/\.cache\/pacebench\//);
    expect(existsSync(CODE_CACHE)).toBe(true);
  }, 60_000);
});
