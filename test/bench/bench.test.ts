import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../bench/compare.ts';
import type { BenchReport, BenchResult } from '../../bench/results.ts';
import { DECIDE_SIZES, NOOP_SIZES, REFERENCE_DECIDE_SIZES } from '../../bench/suites.ts';
import { THROUGHPUT_CASES } from '../../bench/throughput.ts';
import { ENGINE_NAMES, REFERENCE_NAMES } from '../../src/engines/registry.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('npm run bench -- --quick', () => {
  it('measures every benchmark and writes them all to --json; it asserts no time', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-bench-')), 'bench.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), '--quick', '--json', file], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/results written to/);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    expect(report).toMatchObject({ node: process.version, quick: true });
    expect(report.machine.cpus).toBeGreaterThan(0);
    const names = report.results.map((x) => x.name);
    const expected = [
      ...ENGINE_NAMES.flatMap((e) => DECIDE_SIZES.map((n) => `decide/${e}/n=${n}`)),
      ...REFERENCE_NAMES.flatMap((e) => REFERENCE_DECIDE_SIZES.map((n) => `decide/${e}/n=${n}`)),
      'hot/lp-solve',
      'hot/programme-closed-form',
      'hot/posterior-draws/15',
      'hot/lognormal-fit/n=30',
      'hot/callback-memory/n=212',
      'hot/list-scan/n=1000',
      'hot/list-scan/n=10000',
      'hot/fixed-work/15us',
      ...NOOP_SIZES.map((n) => `sim/noop/n=${n}`),
    ];
    expect([...names].sort()).toEqual([...expected].sort());
    for (const x of report.results) {
      expect(x.state).toBe('completed');
      if (x.state !== 'completed') continue;
      for (const key of ['mean_ns', 'p50_ns', 'p99_ns', 'ops_per_s', 'samples', 'rme'] as const) expect(Number.isFinite(x[key])).toBe(true);
      expect(x.samples).toBeGreaterThan(0);
    }
    expect(report.throughput.map((t) => [t.scenario, t.engines, t.workers])).toEqual(
      THROUGHPUT_CASES.map((c) => [c.scenario, c.engines, c.workers]),
    );
    for (const t of report.throughput) {
      expect(t.cases_per_s).toBeGreaterThan(0);
      expect(t.calls_per_s).toBeGreaterThan(0);
      expect(t.wall_s).toBeGreaterThan(0);
    }
    expect(report.parallel_ceiling?.ceiling).toBeGreaterThan(0);
    // The readable tables went to stdout.
    expect(r.stdout).toMatch(/decide\/nbinomial\/n=1000/);
    expect(r.stdout).toMatch(/parallel ceiling/);
  }, 120_000);
});

function result(name: string, mean: number, rme: number): BenchResult {
  return { name, state: 'completed', mean_ns: mean, p50_ns: mean, p99_ns: mean, ops_per_s: 1e9 / mean, samples: 100, rme };
}

function report(results: BenchResult[]): BenchReport {
  return {
    node: 'v20',
    date: '2026-01-01',
    machine: { cpus: 2, model: 'x', platform: 'linux x64', memory_gb: 24 },
    quick: false,
    results,
    throughput: [],
    parallel_ceiling: null,
  };
}

describe('--compare', () => {
  it('marks a change only when it is larger than both margins of error together', () => {
    const old = report([result('a', 1000, 2), result('b', 1000, 2), result('c', 1000, 10), result('gone', 5, 1)]);
    const now = report([result('a', 1030, 2), result('b', 1100, 2), result('c', 850, 10), result('new', 5, 1)]);
    const c = compareReports(old, now);
    const verdicts = Object.fromEntries(c.results.map((x) => [x.name, x.verdict]));
    // a: +3 %, margins 20 + 20.6 ns: noise. b: +10 %, margins 20 + 22 ns: slower. c: −15 %, margins 100 + 85 ns: noise.
    expect(verdicts).toEqual({ a: 'within noise', b: 'slower', c: 'within noise' });
    expect(c.results.find((x) => x.name === 'b')?.change_pct).toBe(10);
    expect(c.only.sort()).toEqual(['gone (gone)', 'new (new)']);
  });

  it('calls a real speed-up faster', () => {
    const c = compareReports(report([result('a', 1000, 1)]), report([result('a', 500, 1)]));
    expect(c.results[0]?.verdict).toBe('faster');
  });
});
