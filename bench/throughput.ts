/**
 * Whole backtests, timed as users run them: each repetition is a fresh `pacebench
 * backtest` process, so one worker and two start equally cold. The run's own time (the
 * simulation and the summary, from timings.json) gives cases and calls per second; the
 * process's wall time, start-up included, is kept beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Timings } from '../src/report/timings.ts';
import { median } from '../src/stats/distributions.ts';
import type { ThroughputResult } from './results.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CHEAP_ENGINES = 'exp,exp-decay,nbinomial,all-at-once';

export interface ThroughputCase {
  readonly scenario: string;
  readonly engines: 'all' | 'cheap';
  readonly workers: number;
  readonly replicates: number;
}

export const THROUGHPUT_CASES: readonly ThroughputCase[] = [
  { scenario: 'cold_start', engines: 'all', workers: 1, replicates: 1 },
  { scenario: 'cold_start', engines: 'all', workers: 2, replicates: 1 },
  // Ten replicates: long enough that JIT warm-up does not dominate a per-worker rate.
  { scenario: 'cold_start', engines: 'cheap', workers: 1, replicates: 10 },
  { scenario: 'large_pools', engines: 'all', workers: 1, replicates: 1 },
  { scenario: 'large_pools', engines: 'all', workers: 2, replicates: 1 },
];

/** Relative margin of error (95 %, Student t) of the mean of `xs`, in percent; `null` below two values. */
export function relativeMargin(xs: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][n - 2] ?? 2;
  return Math.round(((100 * t * sd) / Math.sqrt(n) / mean) * 100) / 100;
}

function runOnce(c: ThroughputCase): { processS: number; timings: Timings } {
  const out = mkdtempSync(path.join(tmpdir(), 'pacebench-bench-'));
  try {
    const args = ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'backtest', '--scenario', c.scenario];
    args.push('--workers', String(c.workers), '--replicates', String(c.replicates), '--out', out);
    if (c.engines === 'cheap') args.push('--engines', CHEAP_ENGINES);
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    const processS = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`backtest of ${c.scenario} failed: ${r.stderr}`);
    const timings = JSON.parse(readFileSync(path.join(out, 'timings.json'), 'utf8')) as Timings;
    return { processS, timings };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function measureThroughput(c: ThroughputCase, repetitions: number): ThroughputResult {
  const runs = Array.from({ length: repetitions }, () => runOnce(c));
  const walls = runs.map((r) => r.timings.wall_s);
  const wall = median(walls);
  const simulation = median(runs.map((r) => r.timings.simulation_s));
  const first = runs[0] as { timings: Timings };
  return {
    scenario: c.scenario,
    engines: c.engines,
    workers: c.workers,
    replicates: c.replicates,
    cases_per_s: Math.round(first.timings.cases / simulation),
    calls_per_s: Math.round(first.timings.calls / simulation),
    simulation_s: Math.round(simulation * 1000) / 1000,
    wall_s: Math.round(wall * 1000) / 1000,
    process_wall_s: Math.round(median(runs.map((r) => r.processS)) * 1000) / 1000,
    repetitions,
    rme: relativeMargin(walls),
  };
}
