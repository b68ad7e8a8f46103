#!/usr/bin/env -S npx tsx
/**
 * The command line: parses arguments into a `Command` (pure, tested without IO) and hands
 * it to the command that does the work. One top-level catch turns errors into exit codes:
 * 0 done, 1 a bug or a failed check, 2 bad input (a scenario, an option, a request).
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { backtest, type BacktestOptions, type Shard } from './commands/backtest.ts';
import { baseline } from './commands/baseline.ts';
import { compare, type CompareOptions } from './commands/compare.ts';
import { conformance } from './commands/conformance.ts';
import { merge, type MergeOptions } from './commands/merge.ts';
import { tune, type TuneOptions } from './commands/tune.ts';
import type { ServeOptions } from './commands/serve.ts';
import { DEFAULT_CASE_TTL_MS, DEFAULT_MAX_CASES, DEFAULT_WARM_UP_CALLS } from './serve/defaults.ts';
import { parseDuration, parseSize } from './serve/units.ts';
import { splitEngineList } from './engines/spec.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS, DEFAULT_ENGINE_TIMEOUT_MS as DEFAULT_REMOTE_TIMEOUT_MS } from './engines/call.ts';
import { report } from './commands/report.ts';
import { DEFAULT_TOLERANCE } from './report/compare.ts';
import { decide, type DecideOptions } from './commands/decide.ts';
import { DEFAULT_FIT_BOOTSTRAP, fit, type FitCommandOptions } from './commands/fit.ts';
import { FAMILIES } from './fit/likelihood.ts';
import { isEntryPoint, processIo, type Io } from './commands/io.ts';
import { listEngines, listScenarios, validateScenarioCommand } from './commands/listing.ts';
import { UserError } from './errors.ts';
import { hostEngines } from './sim/guard.ts';
import { DEFAULT_MONEY } from './scenario/money.ts';
import { DEFAULT_BOOTSTRAP, MIN_BOOTSTRAP } from './score/summary.ts';
import { DEFAULT_MAX_CALLS } from './sim/play.ts';
import { DEFAULT_CONCURRENCY, defaultWorkers, defaultWorkersFor } from './sim/workers.ts';

export type Command =
  | { readonly kind: 'backtest'; readonly options: BacktestOptions }
  | { readonly kind: 'scenarios-list' }
  | { readonly kind: 'scenarios-validate'; readonly scenario: string }
  | { readonly kind: 'engines-list' }
  | { readonly kind: 'decide'; readonly options: DecideOptions }
  | { readonly kind: 'conformance'; readonly engines: readonly string[]; readonly timeoutMs: number }
  | { readonly kind: 'compare'; readonly options: CompareOptions }
  | { readonly kind: 'merge'; readonly options: MergeOptions }
  | { readonly kind: 'fit'; readonly options: FitCommandOptions }
  | { readonly kind: 'serve'; readonly options: ServeOptions }
  | { readonly kind: 'report'; readonly dir: string }
  | { readonly kind: 'baseline'; readonly scenarios: readonly string[]; readonly workers: number; readonly out: string | undefined }
  | { readonly kind: 'tune'; readonly options: TuneOptions }
  /** `--help` or `--version`: yargs produced text and nothing is to be run. */
  | { readonly kind: 'output'; readonly text: string };

/** The text as the user typed it, for messages: `"abc"`, not NaN. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Numeric options arrive as text (yargs would turn "abc" into NaN and 2^53 + 1 into 2^53),
 * and are read here: integers exactly, within the range a run can use.
 */
export function integer(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const text = typeof value === 'string' ? value.trim() : value;
  const x = typeof text === 'string' && /^[+-]?\d+$/.test(text) ? Number(text) : typeof text === 'number' ? text : Number.NaN;
  if (!Number.isInteger(x) || x < min) throw new UserError(`--${name} must be an integer >= ${min}, got ${shown(value)}`);
  if (x > max || (typeof text === 'string' && !Number.isSafeInteger(x))) {
    throw new UserError(`--${name} must be at most ${max}${max === Number.MAX_SAFE_INTEGER ? ' (2^53 − 1, the largest integer a double holds exactly)' : ''}, got ${shown(value)}`);
  }
  return x;
}

function finite(name: string, value: unknown): number {
  const x = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(x)) throw new UserError(`--${name} must be a number, got ${shown(value)}`);
  return x;
}

function tolerance(value: unknown): number {
  const x = finite('tolerance', value);
  if (x < 0) throw new UserError(`--tolerance must be >= 0 (a share of the old figure, 0.01 = 1 %), got ${shown(value)}`);
  return x;
}

function bootstrapCount(value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : String(value);
  // Not an integer, or too large: the usual message, with the same lower bound.
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return integer('bootstrap', value, MIN_BOOTSTRAP);
  const b = Number(text);
  if (b < MIN_BOOTSTRAP) {
    throw new UserError(
      `--bootstrap must be at least ${MIN_BOOTSTRAP}, got ${b}: a 95 % interval lies between the 2.5 % and 97.5 % quantiles of the resamples, ` +
        `and with fewer than ${MIN_BOOTSTRAP} those are the two or three most extreme ones (0 would make every interval a point and every difference "significant")`,
    );
  }
  return b;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard must be i/n with 1 <= i <= n, like 2/3; got "${text}"`);
  }
  return { index, count };
}

function withRunOptions<T>(y: Argv<T>) {
  return y
    .option('scenario', { alias: 's', type: 'string', demandOption: true, describe: 'a scenario name (scenarios/NAME) or a path to a scenario folder' })
    .option('engines', {
      alias: 'e',
      type: 'string',
      array: true,
      describe: 'engines to run, comma-separated: registered names, module paths (./my-engine.ts), parameters as name:key=value (default: every registered engine)',
    })
    .option('baseline', { type: 'string', describe: 'engine of the paired comparison (default: all-at-once, else the first engine)' })
    .option('seed', { type: 'string', default: '1', defaultDescription: '1', describe: 'seed of every random stream, an integer from 0 to 2^53 − 1' })
    .option('replicates', { alias: 'r', type: 'string', default: '1', defaultDescription: '1', describe: 'independent replicates of every case (intervals still count cases, not replicates)' })
    .option('workers', {
      alias: 'w',
      type: 'string',
      describe: 'worker threads (default and most: the machine\'s cores; 1 when an engine is a service on this machine); results do not depend on it',
    })
    .option('out', { alias: 'o', type: 'string', describe: 'report folder (default: reports/<scenario>/)' })
    .option('format', { choices: ['md', 'json'] as const, default: 'md' as const, describe: 'what goes to stdout: the markdown summary or summary.json' })
    .option('carry-state', { type: 'boolean', default: false, describe: 'one engine instance plays every case of a replicate, in pools.csv order' })
    .option('max-calls', { type: 'string', default: String(DEFAULT_MAX_CALLS), defaultDescription: String(DEFAULT_MAX_CALLS), describe: 'calls per case after which an engine is stopped with a fault' })
    .option('value-per-hire', { type: 'string', default: String(DEFAULT_MONEY.valuePerHire), defaultDescription: String(DEFAULT_MONEY.valuePerHire), describe: 'what a hire is worth, in the value and regret figures' })
    .option('cost-per-invite', { type: 'string', default: String(DEFAULT_MONEY.costPerInvite), defaultDescription: String(DEFAULT_MONEY.costPerInvite), describe: 'what each invitation costs' })
    .option('cost-per-overbooking', {
      type: 'string',
      default: String(DEFAULT_MONEY.costPerOverbooking),
      defaultDescription: String(DEFAULT_MONEY.costPerOverbooking),
      describe: 'what each offer acceptance beyond the vacancies costs (a candidate who said yes and is turned away)',
    })
    .option('bootstrap', { type: 'string', default: String(DEFAULT_BOOTSTRAP), defaultDescription: String(DEFAULT_BOOTSTRAP), describe: `bootstrap resamples for the 95 % intervals (at least ${MIN_BOOTSTRAP})` })
    .option('shard', { type: 'string', describe: 'run only part i of n of the work, like 2/3; combine the parts with pacebench merge' })
    .option('engine-timeout', {
      alias: 'timeout-ms',
      type: 'string',
      default: String(DEFAULT_ENGINE_TIMEOUT_MS),
      defaultDescription: `${DEFAULT_ENGINE_TIMEOUT_MS} ms`,
      describe: 'milliseconds one decision may take, a remote engine\'s included; past it the case is a fault of that engine ("no decision within …") and the run goes on',
    })
    .option('concurrency', {
      type: 'string',
      default: String(DEFAULT_CONCURRENCY),
      defaultDescription: String(DEFAULT_CONCURRENCY),
      describe: 'cases awaiting an asynchronous (remote) engine at once, per worker thread',
    })
    .option('trace', { type: 'string', describe: 'write every engine call (request and decision) to this JSON Lines file, gzipped if it ends in .gz; pacebench fit reads it' })
    .option('html', { type: 'boolean', default: true, describe: 'write report.html and charts/ beside the data (--no-html: only the data and summary.md)' });
}

type RunArgs = Awaited<ReturnType<ReturnType<typeof withRunOptions>['parseAsync']>>;

function backtestOptions(a: RunArgs, defaults: { workers: number }): BacktestOptions {
  return {
    scenario: a.scenario,
    engines: a.engines ?? [],
    baseline: a.baseline,
    seed: integer('seed', a.seed, 0),
    replicates: integer('replicates', a.replicates, 1),
    workers: a.workers === undefined ? defaultWorkersFor(splitEngineList(a.engines ?? []), defaults.workers) : integer('workers', a.workers, 1),
    out: a.out,
    format: a.format,
    carryState: a['carry-state'],
    maxCalls: integer('max-calls', a['max-calls'], 1),
    money: {
      valuePerHire: finite('value-per-hire', a['value-per-hire']),
      costPerInvite: finite('cost-per-invite', a['cost-per-invite']),
      costPerOverbooking: finite('cost-per-overbooking', a['cost-per-overbooking']),
    },
    bootstrap: bootstrapCount(a.bootstrap),
    shard: a.shard === undefined ? undefined : parseShard(a.shard),
    engineTimeoutMs: integer('engine-timeout', a['engine-timeout'], 1),
    concurrency: integer('concurrency', a.concurrency, 1, 10_000),
    trace: a.trace,
    html: a.html,
  };
}

/** Parses a command line into a `Command`; no IO, so tests can call it directly. */
const COMMANDS = ['backtest', 'scenarios', 'engines', 'decide', 'conformance', 'compare', 'merge', 'report', 'baseline', 'fit', 'tune', 'serve'] as const;

/** Edits (insertions, deletions, substitutions, swaps of neighbours) from `a` to `b`. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

export async function parseArgv(argv: readonly string[], defaults = { workers: defaultWorkers() }): Promise<Command> {
  // A mistyped command would otherwise read as unknown arguments ("scenario, backtets").
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !(COMMANDS as readonly string[]).includes(first)) {
    const near = COMMANDS.filter((c) => distance(first, c) <= 2);
    throw new UserError(`unknown command "${first}"${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}\nsee pacebench --help`);
  }
  let command: Command | null = null;
  const parser = yargs([...argv])
    .scriptName('pacebench')
    .usage('$0 <command> [options]\n\nBacktests and benchmarks invitation-pacing engines.')
    .command(
      'backtest',
      'play every case of a scenario against every engine and write a report',
      (y) => withRunOptions(y),
      (a) => {
        command = { kind: 'backtest', options: backtestOptions(a, defaults) };
      },
    )
    .command('scenarios', 'list or check scenarios', (y) =>
      y
        .command('list', 'one line per shipped scenario: name, cases, what it models', {}, () => {
          command = { kind: 'scenarios-list' };
        })
        .command(
          'validate <scenario>',
          'check a scenario and report every problem with its file and line',
          (z) => z.positional('scenario', { type: 'string', demandOption: true, describe: 'a scenario name or a folder path' }),
          (a) => {
            command = { kind: 'scenarios-validate', scenario: a.scenario };
          },
        )
        .demandCommand(1, 'name a subcommand: list or validate'),
    )
    .command('engines', 'list the registered engines', (y) =>
      y
        .command('list', 'one line per registered engine, with its parameters', {}, () => {
          command = { kind: 'engines-list' };
        })
        .demandCommand(1, 'name a subcommand: list'),
    )
    .command(
      'decide [file]',
      'answer requests (one JSON object, a JSON array or JSON Lines, from FILE or stdin) with one engine instance, one decision per line',
      (y) =>
        y
          .positional('file', { type: 'string', describe: 'requests to answer; - or nothing reads stdin' })
          .option('engine', { alias: 'e', type: 'string', demandOption: true, describe: 'a registered engine, name:key=value, or a module path' })
          .option('seed', { type: 'string', default: '1', defaultDescription: '1', describe: 'seed of the engine\'s random stream' }),
      (a) => {
        // yargs hands the conventional "-" (read stdin) over as an empty string.
        const file = a.file === '' && argv.includes('-') ? '-' : a.file;
        if (file === '') throw new UserError('decide: the file name is empty; give a file of requests, or - (or nothing) for stdin');
        command = { kind: 'decide', options: { engine: a.engine, file, seed: integer('seed', a.seed, 0) } };
      },
    )
    .command(
      'conformance',
      'check engines against the contract (valid decisions, read-only requests, finishing, determinism, time limit)',
      (y) =>
        y
          .option('engines', {
            alias: 'e',
            type: 'string',
            array: true,
            describe: 'engines to check, comma-separated, module paths included (default: every registered engine)',
          })
          .option('engine-timeout', {
            type: 'string',
            default: String(DEFAULT_ENGINE_TIMEOUT_MS),
            defaultDescription: `${DEFAULT_ENGINE_TIMEOUT_MS} ms`,
            describe: 'milliseconds one decision may take',
          }),
      (a) => {
        command = { kind: 'conformance', engines: a.engines ?? [], timeoutMs: integer('engine-timeout', a['engine-timeout'], 1) };
      },
    )
    .command(
      'compare <old> <new>',
      'compare two runs (summary.json files, report folders, or folders of them such as reports/baseline) and fail on a significant regression',
      (y) =>
        y
          .positional('old', { type: 'string', demandOption: true, describe: 'the reference run' })
          .positional('new', { type: 'string', demandOption: true, describe: 'the run to judge' })
          .option('tolerance', {
            type: 'string',
            default: String(DEFAULT_TOLERANCE),
            defaultDescription: String(DEFAULT_TOLERANCE),
            describe: 'a significant drop in fill rate or value larger than this share of the old figure fails (0.01 = 1 %)',
          })
          .option('html', { type: 'string', describe: 'also write the comparison as a web page to FILE, with a forest plot per scenario' }),
      (a) => {
        command = { kind: 'compare', options: { old: a.old, new: a.new, tolerance: tolerance(a.tolerance), html: a.html } };
      },
    )
    .command(
      'merge <dirs..>',
      'combine the report folders of backtest --shard i/n into the report of the whole run',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'shard report folders' })
          .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'folder for the merged report' })
          .option('format', { choices: ['md', 'json'] as const, default: 'md' as const, describe: 'what goes to stdout' })
          .option('html', { type: 'boolean', default: true, describe: 'write report.html and charts/ (--no-html: skip them)' }),
      (a) => {
        command = { kind: 'merge', options: { dirs: a.dirs, out: a.out, format: a.format, html: a.html } };
      },
    )
    .command(
      'report <dir>',
      'rebuild summary.md, report.html and charts/ of a report folder from its data files (summary.json, cases.csv, timings.json)',
      (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'a report folder of backtest or merge' }),
      (a) => {
        command = { kind: 'report', dir: a.dir };
      },
    )
    .command(
      'fit <log>',
      'fit a scenario (pools.csv, behaviours.csv) to a request trace of backtest --trace or a service log, treating pending candidates as censored',
      (y) =>
        y
          .positional('log', { type: 'string', demandOption: true, describe: 'JSON Lines of engine calls (docs/trace-format.md), plain or gzipped' })
          .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'folder of the fitted scenario, like scenarios/NAME' })
          .option('engine', { alias: 'e', type: 'string', describe: 'use this engine\'s calls (required when the log holds several)' })
          .option('delay', { choices: ['auto', ...FAMILIES] as const, default: 'auto' as const, describe: 'delay family; auto takes the lowest AIC' })
          .option('bootstrap', { type: 'string', default: String(DEFAULT_FIT_BOOTSTRAP), defaultDescription: String(DEFAULT_FIT_BOOTSTRAP), describe: `bootstrap resamples over openings for the 95 % intervals (at least ${MIN_BOOTSTRAP})` })
          .option('seed', { type: 'string', default: '1', defaultDescription: '1', describe: 'seed of the bootstrap' }),
      (a) => {
        command = {
          kind: 'fit',
          options: { log: a.log, out: a.out, engine: a.engine, delay: a.delay, bootstrap: bootstrapCount(a.bootstrap), seed: integer('seed', a.seed, 0) },
        };
      },
    )
    .command(
      'baseline',
      'regenerate the committed baselines, reports/baseline/<scenario>/, from every shipped scenario',
      (y) =>
        y
          .option('scenarios', { type: 'string', array: true, describe: 'only these scenarios (default: all shipped)' })
          .option('workers', { alias: 'w', type: 'string', describe: 'worker threads (default and most: the machine\'s cores)' })
          .option('out', { type: 'string', describe: 'another folder than reports/baseline' }),
      (a) => {
        command = {
          kind: 'baseline',
          scenarios: (a.scenarios ?? []).flatMap((x) => x.split(',')).filter((x) => x !== ''),
          workers: integer('workers', a.workers ?? defaults.workers, 1),
          out: a.out,
        };
      },
    )
    .command(
      'tune',
      'tune an engine\'s parameters on scenarios: grid, random search or a race, then a holdout; writes reports/tune/<engine>/',
      (y) =>
        y
          .option('engine', { alias: 'e', type: 'string', demandOption: true, describe: 'a registered engine or a module path, without parameters' })
          .option('param', { alias: 'p', type: 'string', array: true, demandOption: true, describe: 'key=LOW..HIGH[:STEP] or key=v1,v2,… (repeat for each parameter)' })
          .option('scenarios', { alias: 's', type: 'string', array: true, demandOption: true, describe: 'scenario names or folders, comma-separated' })
          .option('method', { choices: ['grid', 'random', 'race'] as const, default: 'race' as const, describe: 'every grid point, seeded random draws, or a race over the grid' })
          .option('budget', { type: 'string', describe: 'random: configurations to draw (default 20); race: case-evaluations to spend (default: no limit)' })
          .option('objective', { choices: ['value', 'regret'] as const, default: 'value' as const, describe: 'mean per case to maximise (value) or minimise (regret)' })
          .option('seed', { type: 'string', default: String(1), defaultDescription: String(1), describe: 'seed of the candidates, the case order and the random draws' })
          .option('holdout-seed', { type: 'string', describe: 'seed of the holdout\'s fresh candidates (default: seed + 1)' })
          .option('block', { type: 'string', default: String(10), defaultDescription: String(10), describe: 'race: cases per block' })
          .option('replicates', { alias: 'r', type: 'string', default: String(1), defaultDescription: String(1), describe: 'independent replicates of every case' })
          .option('workers', { alias: 'w', type: 'string', describe: 'worker threads (default: the machine\'s cores); results do not depend on it' })
          .option('out', { alias: 'o', type: 'string', describe: 'report folder (default: reports/tune/<engine>/)' })
          .option('html', { type: 'boolean', default: true, describe: 'write report.html and charts/ (--no-html: only tune.md, tune.json, configs.csv)' })
          .option('bootstrap', { type: 'string', default: String(DEFAULT_BOOTSTRAP), defaultDescription: String(DEFAULT_BOOTSTRAP), describe: 'bootstrap resamples for the confidence intervals' })
          .option('max-calls', { type: 'string', default: String(DEFAULT_MAX_CALLS), defaultDescription: String(DEFAULT_MAX_CALLS), describe: 'calls per case after which an engine is stopped with a fault' })
          .option('value-per-hire', { type: 'string', default: String(DEFAULT_MONEY.valuePerHire), defaultDescription: String(DEFAULT_MONEY.valuePerHire), describe: 'what a hire is worth' })
          .option('cost-per-invite', { type: 'string', default: String(DEFAULT_MONEY.costPerInvite), defaultDescription: String(DEFAULT_MONEY.costPerInvite), describe: 'what each invitation costs' })
          .option('cost-per-overbooking', { type: 'string', default: String(DEFAULT_MONEY.costPerOverbooking), defaultDescription: String(DEFAULT_MONEY.costPerOverbooking), describe: 'what each offer acceptance beyond the vacancies costs' }),
      (a) => {
        command = {
          kind: 'tune',
          options: {
            engine: a.engine,
            params: a.param,
            scenarios: a.scenarios.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== ''),
            method: a.method,
            budget: a.budget === undefined ? null : integer('budget', a.budget, 1),
            objective: a.objective,
            seed: integer('seed', a.seed, 0),
            holdoutSeed: a['holdout-seed'] === undefined ? null : integer('holdout-seed', a['holdout-seed'], 0),
            block: integer('block', a.block, 1),
            replicates: integer('replicates', a.replicates, 1),
            workers: integer('workers', a.workers ?? defaults.workers, 1),
            out: a.out,
            html: a.html,
            bootstrap: bootstrapCount(a.bootstrap),
            maxCalls: integer('max-calls', a['max-calls'], 1),
            money: {
              valuePerHire: finite('value-per-hire', a['value-per-hire']),
              costPerInvite: finite('cost-per-invite', a['cost-per-invite']),
              costPerOverbooking: finite('cost-per-overbooking', a['cost-per-overbooking']),
            },
          },
        };
      },
    )
    .command(
      'serve',
      'serve the engines over HTTP: the original /optim-* paths, /engines/{name}/decide, docs at /docs and /redoc',
      (y) =>
        y
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (0.0.0.0: every interface)' })
          .option('port', { alias: 'p', type: 'string', default: '8000', defaultDescription: '8000', describe: 'port to listen on (0: any free port)' })
          .option('engines', {
            alias: 'e',
            type: 'string',
            array: true,
            describe: 'engines to serve besides the registered ones: name:key=value, module paths, service URLs',
          })
          .option('seed', { type: 'string', default: '1', defaultDescription: '1', describe: 'seed of every case\'s random stream (with the case id and the engine)' })
          .option('log-level', { choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, default: 'info' as const, describe: 'info: one line per request' })
          .option('log-requests', { type: 'string', describe: 'append every answered call to FILE.jsonl (request-trace format)' })
          .option('body-limit', { type: 'string', default: '16MiB', describe: 'largest request body, e.g. 16MiB, 500kb' })
          .option('max-cases', { type: 'string', default: String(DEFAULT_MAX_CASES), defaultDescription: String(DEFAULT_MAX_CASES), describe: 'engine instances kept; the least recently used go first' })
          .option('case-ttl', { type: 'string', default: `${DEFAULT_CASE_TTL_MS / 3_600_000}h`, describe: 'forget a case idle this long, e.g. 30m, 24h, 3600 (seconds)' })
          .option('timeout-ms', { type: 'string', default: String(DEFAULT_REMOTE_TIMEOUT_MS), defaultDescription: `${DEFAULT_REMOTE_TIMEOUT_MS} ms`, describe: 'per call to a served remote engine' })
          .option('warm-up', {
            type: 'string',
            default: String(DEFAULT_WARM_UP_CALLS),
            defaultDescription: String(DEFAULT_WARM_UP_CALLS),
            describe: 'calls the server makes to itself before opening its port, so that its first clients do not pay for the JIT (0: none); not logged, their cases forgotten',
          }),
      (a) => {
        const bodyLimit = parseSize(a['body-limit']);
        if (bodyLimit === null) throw new UserError(`--body-limit must be a size like 16MiB or 500kb, got "${a['body-limit']}"`);
        const caseTtlMs = parseDuration(a['case-ttl']);
        if (caseTtlMs === null) throw new UserError(`--case-ttl must be a duration like 30m, 24h or 3600 (seconds), got "${a['case-ttl']}"`);
        command = {
          kind: 'serve',
          options: {
            host: a.host,
            port: integer('port', a.port, 0, 65_535),
            engines: a.engines ?? [],
            seed: integer('seed', a.seed, 0),
            logLevel: a['log-level'],
            bodyLimit,
            maxCases: integer('max-cases', a['max-cases'], 1),
            caseTtlMs,
            logRequests: a['log-requests'],
            timeoutMs: integer('timeout-ms', a['timeout-ms'], 1),
            warmUp: integer('warm-up', a['warm-up'], 0, 1_000_000),
          },
        };
      },
    )
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(process.stdout.isTTY === true ? Math.min(120, process.stdout.columns) : null)
    .exitProcess(false);

  const output = await new Promise<string>((resolve, reject) => {
    parser.parse([...argv], {}, (error: Error | null | undefined, _argv: unknown, text: string) => {
      if (error) reject(error instanceof UserError ? error : new UserError(`${error.message}\nsee pacebench --help`));
      else resolve(text);
    });
  });
  if (command !== null) return command;
  return { kind: 'output', text: output };
}

/**
 * More threads than cores only adds start-up and contention (1 000 workers started 99
 * threads and took 11 s instead of 1.6 s): cap them, and say so.
 */
function capWorkers<T extends { readonly workers: number }>(options: T, io: Io, cores: number = defaultWorkers()): T {
  if (options.workers <= cores) return options;
  io.stderr(`pacebench: --workers ${options.workers} is more than this machine's ${cores} cores; using ${cores}\n`);
  return { ...options, workers: cores };
}

export async function run(command: Command, io: Io): Promise<number> {
  switch (command.kind) {
    case 'output':
      io.stdout(command.text.endsWith('\n') ? command.text : `${command.text}\n`);
      return 0;
    case 'backtest':
      await backtest(capWorkers(command.options, io), io);
      return 0;
    case 'scenarios-list':
      return listScenarios(io);
    case 'scenarios-validate':
      return validateScenarioCommand(command.scenario, io);
    case 'engines-list':
      return listEngines(io);
    case 'decide':
      return decide(command.options, io);
    case 'conformance':
      return conformance({ engines: command.engines, timeoutMs: command.timeoutMs }, io);
    case 'compare':
      return compare(command.options, io);
    case 'merge':
      return merge(command.options, io);
    case 'fit':
      await fit(command.options, io);
      return 0;
    case 'serve':
      // Loaded only here: the server and its dependencies cost every other command nothing.
      return (await import('./commands/serve.ts')).serve(command.options, io);
    case 'report':
      return report(command.dir, io);
    case 'baseline':
      return baseline(capWorkers({ scenarios: command.scenarios, workers: command.workers, out: command.out }, io), io);
    case 'tune':
      await tune(capWorkers(command.options, io), io);
      return 0;
  }
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    return await run(await parseArgv(argv), io);
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr(`pacebench: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`pacebench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** Runs the process's command line: `bin/pacebench.mjs` calls this, as does `tsx src/cli.ts`. */
export async function start(): Promise<void> {
  // stdout is pacebench's: an engine's console output goes to stderr, marked with its name,
  // and an engine that calls process.exit gets a fault instead of ending the run.
  hostEngines({ trapExit: true });
  process.exitCode = await main(hideBin(process.argv));
}

// Not awaited at the top level: bin/pacebench.mjs bundles this file as CommonJS.
if (isEntryPoint(import.meta.url)) void start();
