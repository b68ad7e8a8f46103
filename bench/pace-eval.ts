/**
 * Backtests engines (pace and its variants, by default against the seed engines) on the
 * shipped scenarios and seeds, and prints regret as a share of the oracle's value, the
 * fill rate and the paired difference from the baseline: how pace was tuned (seed 1) and
 * checked (seeds 2 and 3), and how the ablation of docs/pace.md was measured.
 *
 *   npx tsx bench/pace-eval.ts [--seeds 1,2,3] [--scenarios a,b] [--engines e1,e2] [--baseline best|NAME] [--json FILE]
 *
 * `--baseline best` (the default) compares with the seed engine of highest mean value on
 * that scenario and seed. Engines with parameters are separated by `;` in --engines,
 * since `,` may not separate them on the backtest command line either.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSummary } from '../src/report/json.ts';
import { ci } from '../src/report/markdown.ts';
import type { Summary } from '../src/score/summary.ts';

const ROOT = path.join(import.meta.dirname, '..');
const SEEDS_ENGINES = ['exp', 'exp-decay', 'nbinomial', 'stoch-constraint'];
const ALL_SCENARIOS = ['cold_start', 'tight_deadlines', 'scarce_pool', 'slow_responders', 'mixed_segments', 'large_pools', 'trace_replay'];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function backtest(scenario: string, seed: number, engines: string[], baseline: string, extra: string[]): Summary {
  const out = mkdtempSync(path.join(tmpdir(), 'pace-eval-'));
  const args = ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'backtest', '--scenario', scenario, '--seed', String(seed), '--format', 'json', '-o', out, '--baseline', baseline, ...extra];
  for (const e of engines) args.push('--engines', e);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`backtest ${scenario} seed ${seed} failed: ${r.stderr}`);
  const file = path.join(out, 'summary.json');
  return parseSummary(readFileSync(file, 'utf8'), file);
}

const seeds = option('seeds', '1').split(',').map(Number);
const scenarios = option('scenarios', ALL_SCENARIOS.join(',')).split(',');
const engines = option('engines', 'pace').split(';');
const baselineOption = option('baseline', 'best');
const extra = process.argv.includes('--carry-state') ? ['--carry-state'] : [];
const jsonFile = option('json', '');
const rows: Record<string, unknown>[] = [];

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
for (const scenario of scenarios) {
  for (const seed of seeds) {
    let baseline = baselineOption;
    const withSeeds = baselineOption === 'best' ? [...SEEDS_ENGINES, ...engines] : [...engines, ...(engines.includes(baseline) ? [] : [baseline])];
    if (baselineOption === 'best') {
      const first = backtest(scenario, seed, SEEDS_ENGINES, SEEDS_ENGINES[0] as string, extra);
      const best = first.engines.filter((e) => SEEDS_ENGINES.includes(e.engine)).sort((a, b) => b.value.mean - a.value.mean)[0];
      baseline = best?.engine ?? 'exp';
    }
    const summary = backtest(scenario, seed, baselineOption === 'best' ? [...engines, baseline] : withSeeds, baseline, extra);
    const oracle = summary.engines.find((e) => e.engine === 'oracle');
    const oracleValue = oracle?.value.mean ?? Number.NaN;
    for (const e of summary.engines) {
      if (e.engine === 'oracle') continue;
      const d = e.vs_baseline;
      const row = {
        scenario,
        seed,
        engine: e.engine,
        baseline,
        regret_share: e.regret.mean / oracleValue,
        value: e.value.mean,
        fill_rate: e.fill_rate.mean,
        invited: e.invited,
        overbooked: e.overbooked,
        calls: e.calls,
        time_to_fill_ratio: e.time_to_fill_ratio,
        faults: e.faults,
        value_diff: d?.value_diff,
        fill_rate_diff: d?.fill_rate_diff,
      };
      rows.push(row);
      const vd = d === null ? '' : `Δvalue ${ci(d.value_diff, (x) => x.toFixed(0))}`;
      const fd = d === null ? '' : `Δfill ${ci(d.fill_rate_diff, (x) => x.toFixed(4))}`;
      console.log(
        [scenario, seed, e.engine.padEnd(28), `regret ${pct(e.regret.mean / oracleValue).padStart(8)}`, `fill ${e.fill_rate.mean.toFixed(3)}`, `inv ${e.invited.toFixed(1)}`, `ob ${e.overbooked.toFixed(2)}`, `calls ${e.calls.toFixed(1)}`, `ttf ${(e.time_to_fill_ratio ?? 0).toFixed(3)}`, `vs ${baseline}: ${vd} ${fd}`, e.faults > 0 ? `FAULTS ${e.faults}` : ''].join('  '),
      );
    }
  }
}
if (jsonFile !== '') writeFileSync(jsonFile, JSON.stringify(rows, null, 1));
