import { ENGINE_NAMES } from '../engines/registry.ts';
import { startRenderer } from '../report/charts-loader.ts';
import { warmUpCharts } from '../report/charts-warm-up.ts';
import { bundleWorker } from '../sim/bundle.ts';
import type { Io } from './io.ts';
import { defineCommand } from './module.ts';

/**
 * `pacebench prepare`, run by `npm ci` and `npm install` (the `prepare` script): builds what a
 * first run would otherwise build on its own clock, so that the quick start right after an
 * install takes as long as any later one. The CLI's bundle was built by starting this command
 * (bin/pacebench.mjs); here the simulation's worker bundle, the chart renderer's bundle, and
 * V8's compiled code for the renderer, made by drawing a report's charts from made-up rows.
 * Never fails an install: what it cannot build, the first run builds.
 */
export async function prepare(io: Io): Promise<number> {
  const began = io.now();
  try {
    await bundleWorker([]);
    const renderer = startRenderer(1);
    try {
      const charts = warmUpCharts([...ENGINE_NAMES], ENGINE_NAMES[0] ?? null);
      await Promise.all(charts.map((c) => renderer.render(c.spec, c.name)));
    } finally {
      await renderer.close();
    }
    io.stderr(`pacebench: bundles and compiled code cached in node_modules/.cache/pacebench/ (${((io.now() - began) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    io.stderr(`pacebench: could not prepare the caches (the first run will build them): ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 0;
}

/** `pacebench prepare`: npm's prepare script, not listed in --help. */
export const prepareCommand = defineCommand({
  kind: 'prepare',
  command: 'prepare',
  describe: false,
  builder: (y) => y,
  parse: () => ({ kind: 'prepare' as const }),
  run: (_command, io) => prepare(io),
});
