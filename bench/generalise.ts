/**
 * `npm run bench:generalise [-- --count 40] [--seed 2026] [--backtest-seed 1] [--pace SPEC]
 *   [--engines SPEC,...] [--informed] [--carry-state] [--shipped] [--workers 1] [--out DIR] [--json FILE]`
 *
 * How `pace` generalises (issue 20): writes `count` random populations of
 * scenarios/populations.ts (seed fixed, 2026 unless told), backtests each with pace and every
 * seed engine (and `informed` with --informed), and reports per population the best seed
 * engine by mean value, pace's paired value difference to it with its 95 % interval and
 * verdict, pace's regret as a share of the oracle's value and, with informed, pace's gap to
 * informed as a share of the oracle's value. The paired intervals are the reports' own:
 * `summarize` of src/score/summary.ts over the run's cases.csv, with the best seed engine as
 * the baseline, so they equal what `backtest --baseline BEST` would print.
 *
 * `--pace SPEC` measures an engine spec with parameters (`pace:carry=0`, `pace:prior=fit.json`)
 * in pace's place; `--engines` adds specs run beside (their figures are in each report, not in
 * the table); `--carry-state` plays every engine of each run with carried state, as
 * `backtest --carry-state` does; `--shipped` runs the shipped scenarios instead of drawing
 * populations, so one command gives every figure of docs/generalisation.md and docs/pace.md.
 *
 * A markdown table and the distribution over populations go to stdout, the same as JSON to
 * --json (default OUT/generalise.json), progress to stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isEntryPoint } from '../src/cli/io.ts';
import { resolveEngines } from '../src/engines/load.ts';
import { parseEngineSpec } from '../src/engines/spec.ts';
import { UserError } from '../src/errors.ts';
import { counted } from '../src/words.ts';
import { ENGINE_NAMES, REFERENCE_NAMES } from '../src/engines/registry.ts';
import { listScenarioNames } from '../src/scenario/read.ts';
import { parseCasesCsv } from '../src/report/csv.ts';
import { parseSummary } from '../src/report/json.ts';
import { ci, pairedVerdict } from '../src/report/markdown.ts';
import type { CaseRow } from '../src/score/rows.ts';
import { summarize, type Interval, type Summary } from '../src/score/summary.ts';
import { quantileSorted } from '../src/stats/distributions.ts';
import { DEFAULT_CASES, DEFAULT_COUNT, DEFAULT_SEED, describeParams, writePopulations, type PopulationParams } from '../scenarios/populations.ts';
import { writeResults } from './results.ts';

const ROOT = path.join(import.meta.dirname, '..');
/** The bar to clear: every engine the seed shipped, all-at-once included (it wins where answers come late). */
export const SEED_ENGINES = ['exp', 'exp-decay', 'nbinomial', 'stoch-constraint', 'all-at-once'] as const;
export const PACE = 'pace';
export const INFORMED = 'informed';
const ORACLE = 'oracle';

export type Verdict = 'above' | 'no clear difference' | 'below' | 'no interval';

export interface PopulationResult {
  readonly population: string;
  readonly drawn: string;
  /** The drawn parameters; null for a shipped scenario. */
  readonly params: PopulationParams | null;
  readonly best_seed_engine: string;
  readonly oracle_value: number;
  /** pace minus the best seed engine, paired over the same cases. */
  readonly pace_vs_best: Interval;
  readonly verdict: Verdict;
  /** Shares of the oracle's value are null when the oracle's value is not positive. */
  readonly pace_regret_share: number | null;
  readonly best_regret_share: number | null;
  /** (informed − pace) / oracle value, informed's value minus pace's; null without informed. */
  readonly informed_gap_share: number | null;
  /** pace minus informed, paired; null without informed. */
  readonly pace_vs_informed: Interval | null;
}

export interface GeneraliseReport {
  readonly date: string;
  readonly command: string;
  readonly population_seed: number;
  readonly backtest_seed: number;
  readonly count: number;
  readonly cases: number;
  /** The engine spec measured as pace, and whether every engine carried state across openings. */
  readonly pace: string;
  readonly carry_state: boolean;
  readonly engines: readonly string[];
  readonly results: readonly PopulationResult[];
  readonly distribution: { readonly above: number; readonly no_clear_difference: number; readonly below: number; readonly no_interval: number };
}

function verdictOf(diff: Interval): Verdict {
  const v = pairedVerdict(diff);
  return v === 'better' ? 'above' : v === 'worse' ? 'below' : v === 'no clear difference' ? v : 'no interval';
}

/**
 * The figures of one population from a run's summary.json and cases.csv: the best seed engine
 * by mean value, then the report's own summary again with it (and informed) as the baseline.
 */
export function analyse(summary: Summary, rows: readonly CaseRow[], params: PopulationParams | null, pace: string = PACE): PopulationResult {
  const name = params?.name ?? summary.scenario;
  const engines = summary.engines.map((e) => e.engine).filter((e) => e !== ORACLE);
  const value = (engine: string): number => {
    const e = summary.engines.find((x) => x.engine === engine);
    if (e === undefined) throw new Error(`${name}: no ${engine} in the run`);
    return e.value.mean;
  };
  const seeds = SEED_ENGINES.filter((e) => engines.includes(e));
  // Ties go to the earlier engine of SEED_ENGINES, so the choice never depends on run order.
  const best = seeds.reduce((a, b) => (value(b) > value(a) ? b : a));
  const facts = {
    scenario: summary.scenario,
    description: summary.description,
    seed: summary.seed,
    replicates: summary.replicates,
    cases: summary.cases,
    money: { valuePerHire: summary.params.value_per_hire, costPerInvite: summary.params.cost_per_invite, costPerOverbooking: summary.params.cost_per_overbooking },
    carryState: summary.params.carry_state,
    maxCalls: summary.params.max_calls,
    bootstrap: summary.params.bootstrap,
  };
  const paired = (baseline: string): Interval => {
    const s = summarize(rows, engines, { ...facts, baseline });
    const d = s.engines.find((e) => e.engine === pace)?.vs_baseline;
    if (d === undefined || d === null) throw new Error(`${name}: no paired difference for ${pace}`);
    return d.value_diff;
  };
  const oracle = value(ORACLE);
  // An oracle worth nothing leaves no share to speak of (no opening could be filled in time).
  const share = (x: number): number | null => (oracle > 0 ? x / oracle : null);
  const regret = (engine: string): number | null => share(oracle - value(engine));
  const diff = paired(best);
  const informed = engines.includes(INFORMED);
  return {
    population: name,
    drawn: params === null ? summary.description : describeParams(params),
    params,
    best_seed_engine: best,
    oracle_value: oracle,
    pace_vs_best: diff,
    verdict: verdictOf(diff),
    pace_regret_share: regret(pace),
    best_regret_share: regret(best),
    informed_gap_share: informed && pace !== INFORMED ? share(value(INFORMED) - value(pace)) : null,
    pace_vs_informed: informed && pace !== INFORMED ? paired(INFORMED) : null,
  };
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
const money = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x)).toLocaleString('en-US')}`;

export function distribution(results: readonly PopulationResult[]): GeneraliseReport['distribution'] {
  const count = (v: Verdict): number => results.filter((r) => r.verdict === v).length;
  return { above: count('above'), no_clear_difference: count('no clear difference'), below: count('below'), no_interval: count('no interval') };
}

/** Worst first: pace's difference to the best seed engine as a share of the oracle's value. */
export function worstCases(results: readonly PopulationResult[], n: number): PopulationResult[] {
  const key = (r: PopulationResult): number => r.pace_vs_best.mean / Math.max(1, Math.abs(r.oracle_value));
  return [...results].sort((a, b) => key(a) - key(b)).slice(0, n);
}

export function markdown(report: GeneraliseReport): string {
  const informed = report.results.some((r) => r.informed_gap_share !== null);
  const head = ['population', 'best seed engine', 'pace − best, value [95 % CI]', 'verdict', 'pace regret / oracle', 'best regret / oracle'];
  if (informed) head.push('(informed − pace) / oracle');
  const what = `\`${report.pace}\`${report.carry_state ? ', every engine with carried state (--carry-state)' : ''}; population seed ${report.population_seed}, backtest seed ${report.backtest_seed}.`;
  const lines = [`measured engine: ${what}`, '', `| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : i === 3 ? '---' : '---:')).join(' | ')} |`];
  for (const r of report.results) {
    const cells = [r.population, `\`${r.best_seed_engine}\``, ci(r.pace_vs_best, money), r.verdict, pct(r.pace_regret_share), pct(r.best_regret_share)];
    if (informed) cells.push(r.informed_gap_share === null ? '–' : pct(r.informed_gap_share));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const d = report.distribution;
  const shares = report.results.flatMap((r) => (r.pace_regret_share === null ? [] : [r.pace_regret_share])).sort((a, b) => a - b);
  const at = (q: number): string => (shares.length === 0 ? '–' : pct(quantileSorted(shares, q)));
  lines.push(
    '',
    `pace against the best seed engine, over ${counted(report.results.length, 'population')}: significantly above on ${d.above}, no clear difference on ${d.no_clear_difference}, significantly below on ${d.below}${d.no_interval > 0 ? `, no interval on ${d.no_interval}` : ''}.`,
    `pace's regret as a share of the oracle's value: median ${at(0.5)}, quartiles ${at(0.25)} and ${at(0.75)}, worst ${pct(shares[shares.length - 1] ?? null)}.`,
  );
  if (informed) {
    const gaps = report.results.flatMap((r) => (r.informed_gap_share === null ? [] : [r.informed_gap_share]));
    lines.push(`pace's gap to informed within 3 % of the oracle's value on ${gaps.filter((g) => g <= 0.03).length} of ${counted(gaps.length, 'population')}.`);
  }
  const lowest = worstCases(report.results, 5);
  lines.push('', `The ${counted(lowest.length, 'lowest', 'lowest', String(lowest.length))} (pace − best seed engine, as a share of the oracle's value):`, '');
  for (const r of lowest) {
    const share = r.pace_vs_best.mean / Math.max(1, Math.abs(r.oracle_value));
    lines.push(`- ${r.population} (${share >= 0 ? '+' : '−'}${pct(Math.abs(share))}, ${r.verdict}, best \`${r.best_seed_engine}\`): ${r.drawn}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Args {
  readonly count: number;
  readonly seed: number;
  readonly cases: number;
  readonly backtestSeed: number;
  readonly workers: number;
  readonly informed: boolean;
  readonly pace: string;
  readonly engines: readonly string[];
  readonly carryState: boolean;
  readonly shipped: boolean;
  readonly out: string;
  readonly json: string;
}

export async function parseArgs(argv: readonly string[]): Promise<Args> {
  const a = await yargs([...argv])
    .scriptName('npm run bench:generalise --')
    .option('count', { type: 'number', default: DEFAULT_COUNT, describe: 'populations to draw' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'seed of the populations (fixed before any result was seen)' })
    .option('cases', { type: 'number', default: DEFAULT_CASES, describe: 'openings per population' })
    .option('backtest-seed', { type: 'number', default: 1, describe: 'seed of the backtests' })
    .option('workers', { type: 'number', default: 1, describe: 'worker threads of each backtest' })
    .option('informed', { type: 'boolean', default: false, describe: 'also run the informed reference engine (must be registered)' })
    .option('pace', { type: 'string', default: PACE, describe: 'the engine spec measured against the seed engines, parameters allowed (pace:carry=0)' })
    .option('engines', { type: 'string', default: '', describe: 'more engine specs to run beside, comma-separated (in the reports, not the table)' })
    .option('carry-state', { type: 'boolean', default: false, describe: 'every engine keeps its state across the openings of a run (backtest --carry-state)' })
    .option('shipped', { type: 'boolean', default: false, describe: 'run the shipped scenarios instead of drawing populations' })
    .option('out', { type: 'string', describe: 'folder for the populations and their reports (default: a new temporary folder)' })
    .option('json', { type: 'string', describe: 'where to write the JSON results (default: OUT/generalise.json)' })
    .check((x) => {
      // The shipped scenarios are drawn by nobody: options that shape a draw would be ignored.
      const drawing = ['count', 'seed', 'cases'].filter((k) => argv.some((arg) => arg === `--${k}` || arg.startsWith(`--${k}=`)));
      if (x.shipped && drawing.length > 0) throw new Error(`--shipped runs the seven shipped scenarios; ${drawing.map((k) => `--${k}`).join(', ')} shape drawn populations only`);
      for (const k of ['count', 'cases', 'workers'] as const) if (!Number.isSafeInteger(x[k]) || x[k] < 1) throw new Error(`--${k} must be a positive integer`);
      for (const k of ['seed', 'backtest-seed'] as const) if (!Number.isSafeInteger(x[k]) || x[k] < 0) throw new Error(`--${k} must be a non-negative integer`);
      return true;
    })
    .strict()
    .help()
    // One line and exit 2 for a mistyped option, not the whole help.
    .fail((message, error) => {
      throw new UserError(`${message ?? error?.message ?? 'bad arguments'} (npm run bench:generalise -- --help)`);
    })
    .parseAsync();
  const out = a.out ?? mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-'));
  const extra = a.engines
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return {
    count: a.count,
    seed: a.seed,
    cases: a.cases,
    backtestSeed: a['backtest-seed'],
    workers: a.workers,
    informed: a.informed,
    pace: a.pace,
    engines: extra,
    carryState: a['carry-state'],
    shipped: a.shipped,
    out,
    json: a.json ?? path.join(out, 'generalise.json'),
  };
}

function backtest(scenario: string, report: string, engines: readonly string[], args: Args): { summary: Summary; rows: CaseRow[] } {
  const argv = [path.join(ROOT, 'bin/pacebench.mjs'), 'backtest', '--scenario', scenario, '--engines', engines.join(','), '--seed', String(args.backtestSeed), '--workers', String(args.workers), '--out', report, '--format', 'json', '--no-html', ...(args.carryState ? ['--carry-state'] : [])];
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`backtest of ${scenario} failed (exit ${r.status}): ${r.stderr}`);
  const summaryFile = path.join(report, 'summary.json');
  const casesFile = path.join(report, 'cases.csv');
  return { summary: parseSummary(readFileSync(summaryFile, 'utf8'), summaryFile), rows: parseCasesCsv(readFileSync(casesFile, 'utf8'), casesFile) };
}

export async function runGeneralise(args: Args, command: string): Promise<GeneraliseReport> {
  // informed is a reference engine: registered beside the engines, run only when named.
  if (args.informed && ![...ENGINE_NAMES, ...REFERENCE_NAMES].includes(INFORMED)) {
    throw new Error(`--informed: no engine "${INFORMED}" is registered yet (npm run pacebench -- engines list)`);
  }
  // Each spec once, in a fixed order: the measured one, the seed engines, informed, the rest.
  const engines = [...new Set([args.pace, ...SEED_ENGINES, ...(args.informed ? [INFORMED] : []), ...args.engines])];
  // A mistyped spec is said now, in one line, not after the populations are written.
  await resolveEngines(engines.map((e) => parseEngineSpec(e)));
  let written: { dir: string; name: string; params: PopulationParams | null }[];
  if (args.shipped) {
    written = listScenarioNames().map((name) => ({ dir: name, name, params: null }));
  } else {
    const populations = path.join(args.out, 'populations');
    mkdirSync(populations, { recursive: true });
    written = writePopulations(populations, args.count, args.seed, args.cases).map(({ dir, population }) => ({ dir, name: population.name, params: population.params }));
    process.stderr.write(`wrote ${counted(written.length, 'population')} of seed ${args.seed} to ${populations}/\n`);
  }
  const results: PopulationResult[] = [];
  for (const [i, { dir, name, params }] of written.entries()) {
    const began = Date.now();
    const { summary, rows } = backtest(dir, path.join(args.out, 'reports', name), engines, args);
    const r = analyse(summary, rows, params, args.pace);
    results.push(r);
    process.stderr.write(
      `[${i + 1}/${written.length}] ${r.population}: best ${r.best_seed_engine}, pace − best ${ci(r.pace_vs_best, money)} (${r.verdict}), pace regret ${pct(r.pace_regret_share)} of the oracle · ${((Date.now() - began) / 1000).toFixed(1)} s\n`,
    );
  }
  return {
    date: new Date().toISOString(),
    command,
    population_seed: args.seed,
    backtest_seed: args.backtestSeed,
    count: written.length,
    cases: args.shipped ? 0 : args.cases,
    pace: args.pace,
    carry_state: args.carryState,
    engines,
    results,
    distribution: distribution(results),
  };
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  const args = await parseArgs(argv);
  const report = await runGeneralise(args, ['npm run bench:generalise --', ...argv].join(' '));
  process.stdout.write(markdown(report));
  writeResults(args.json, report);
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:generalise: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UserError ? 2 : 1;
  });
}
