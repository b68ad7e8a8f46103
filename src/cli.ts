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
import { report } from './commands/report.ts';
import { DEFAULT_TOLERANCE } from './report/compare.ts';
import { decide, type DecideOptions } from './commands/decide.ts';
import { isEntryPoint, processIo, type Io } from './commands/io.ts';
import { listEngines, listScenarios, validateScenarioCommand } from './commands/listing.ts';
import { UserError } from './errors.ts';
import { DEFAULT_MONEY } from './score/money.ts';
import { DEFAULT_BOOTSTRAP } from './score/summary.ts';
import { DEFAULT_MAX_CALLS } from './sim/play.ts';
import { defaultWorkers } from './sim/workers.ts';

export type Command =
  | { readonly kind: 'backtest'; readonly options: BacktestOptions }
  | { readonly kind: 'scenarios-list' }
  | { readonly kind: 'scenarios-validate'; readonly scenario: string }
  | { readonly kind: 'engines-list' }
  | { readonly kind: 'decide'; readonly options: DecideOptions }
  | { readonly kind: 'conformance'; readonly engines: readonly string[] }
  | { readonly kind: 'compare'; readonly options: CompareOptions }
  | { readonly kind: 'merge'; readonly options: MergeOptions }
  | { readonly kind: 'report'; readonly dir: string }
  | { readonly kind: 'baseline'; readonly scenarios: readonly string[]; readonly workers: number; readonly out: string | undefined }
  /** `--help` or `--version`: yargs produced text and nothing is to be run. */
  | { readonly kind: 'output'; readonly text: string };

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UserError(`--${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`--${name} must be a number, got ${String(value)}`);
  return value;
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
    .option('seed', { type: 'number', default: 1, describe: 'seed of every random stream' })
    .option('replicates', { alias: 'r', type: 'number', default: 1, describe: 'independent replicates of every case' })
    .option('workers', { alias: 'w', type: 'number', describe: 'worker threads (default: the machine\'s cores); results do not depend on it' })
    .option('out', { alias: 'o', type: 'string', describe: 'report folder (default: reports/<scenario>/)' })
    .option('format', { choices: ['md', 'json'] as const, default: 'md' as const, describe: 'what goes to stdout: the markdown summary or summary.json' })
    .option('carry-state', { type: 'boolean', default: false, describe: 'one engine instance plays every case of a replicate, in pools.csv order' })
    .option('max-calls', { type: 'number', default: DEFAULT_MAX_CALLS, describe: 'calls per case after which an engine is stopped with a fault' })
    .option('value-per-hire', { type: 'number', default: DEFAULT_MONEY.valuePerHire })
    .option('cost-per-invite', { type: 'number', default: DEFAULT_MONEY.costPerInvite })
    .option('cost-per-overbooking', { type: 'number', default: DEFAULT_MONEY.costPerOverbooking })
    .option('bootstrap', { type: 'number', default: DEFAULT_BOOTSTRAP, describe: 'bootstrap resamples for the confidence intervals' })
    .option('shard', { type: 'string', describe: 'run only part i of n of the work, like 2/3; combine the parts with pacebench merge' })
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
    workers: integer('workers', a.workers ?? defaults.workers, 1),
    out: a.out,
    format: a.format,
    carryState: a['carry-state'],
    maxCalls: integer('max-calls', a['max-calls'], 1),
    money: {
      valuePerHire: finite('value-per-hire', a['value-per-hire']),
      costPerInvite: finite('cost-per-invite', a['cost-per-invite']),
      costPerOverbooking: finite('cost-per-overbooking', a['cost-per-overbooking']),
    },
    bootstrap: integer('bootstrap', a.bootstrap, 0),
    shard: a.shard === undefined ? undefined : parseShard(a.shard),
    html: a.html,
  };
}

/** Parses a command line into a `Command`; no IO, so tests can call it directly. */
export async function parseArgv(argv: readonly string[], defaults = { workers: defaultWorkers() }): Promise<Command> {
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
          .option('seed', { type: 'number', default: 1, describe: 'seed of the engine\'s random stream' }),
      (a) => {
        command = { kind: 'decide', options: { engine: a.engine, file: a.file, seed: integer('seed', a.seed, 0) } };
      },
    )
    .command(
      'conformance',
      'check engines against the contract (valid decisions, pool limits, finishing, determinism)',
      (y) =>
        y.option('engines', {
          alias: 'e',
          type: 'string',
          array: true,
          describe: 'engines to check, comma-separated, module paths included (default: every registered engine)',
        }),
      (a) => {
        command = { kind: 'conformance', engines: a.engines ?? [] };
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
            type: 'number',
            default: DEFAULT_TOLERANCE,
            describe: 'a significant drop in fill rate or value larger than this share of the old figure fails (0.01 = 1 %)',
          })
          .option('html', { type: 'string', describe: 'also write the comparison as a web page to FILE, with a forest plot per scenario' }),
      (a) => {
        command = { kind: 'compare', options: { old: a.old, new: a.new, tolerance: a.tolerance, html: a.html } };
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
      'baseline',
      'regenerate the committed baselines, reports/baseline/<scenario>/, from every shipped scenario',
      (y) =>
        y
          .option('scenarios', { type: 'string', array: true, describe: 'only these scenarios (default: all shipped)' })
          .option('workers', { alias: 'w', type: 'number', describe: 'worker threads (default: the machine\'s cores)' })
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

export async function run(command: Command, io: Io): Promise<number> {
  switch (command.kind) {
    case 'output':
      io.stdout(command.text.endsWith('\n') ? command.text : `${command.text}\n`);
      return 0;
    case 'backtest':
      await backtest(command.options, io);
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
      return conformance(command.engines, io);
    case 'compare':
      return compare(command.options, io);
    case 'merge':
      return merge(command.options, io);
    case 'report':
      return report(command.dir, io);
    case 'baseline':
      return baseline({ scenarios: command.scenarios, workers: command.workers, out: command.out }, io);
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

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await main(hideBin(process.argv));
}
