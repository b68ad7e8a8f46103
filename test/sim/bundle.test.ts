import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleCached, isBundleCurrent } from '../../src/sim/bundle.ts';

describe('cached bundles', () => {
  it('are current once built, a plugin\'s made-up module included, and stale when a source changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-bundle-'));
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, "import { answer } from 'made-up';\nexport const x: number = answer;\n");
    const out = path.join(dir, 'cache', 'entry.mjs');
    // As the chart renderer's bundle has one: a module with no file behind it.
    const madeUp = {
      name: 'made-up',
      setup(b: { onResolve: Function; onLoad: Function }) {
        b.onResolve({ filter: /^made-up$/ }, () => ({ path: 'made-up', namespace: 'test-made-up' }));
        b.onLoad({ filter: /.*/, namespace: 'test-made-up' }, () => ({ contents: 'export const answer = 42;', loader: 'js' }));
      },
    };
    let replaced = 0;
    await bundleCached(entry, out, { plugins: [madeUp as never] }, () => replaced++);
    expect(replaced).toBe(1);
    expect(isBundleCurrent(out)).toBe(true);
    await bundleCached(entry, out, { plugins: [madeUp as never] }, () => replaced++);
    expect(replaced).toBe(1);

    const later = new Date(Date.now() + 5_000);
    utimesSync(entry, later, later);
    expect(isBundleCurrent(out)).toBe(false);
  });
});
