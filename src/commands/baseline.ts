import path from 'node:path';
import { UserError } from '../errors.ts';
import { fromRoot } from '../paths.ts';
import { checkReportTarget } from '../report/folder.ts';
import { listScenarioNames, readScenario } from '../scenario/read.ts';
import { DEFAULT_MONEY } from '../scenario/money.ts';
import { DEFAULT_BOOTSTRAP } from '../score/summary.ts';
import { DEFAULT_MAX_CALLS } from '../sim/play.ts';
import type { Money } from '../scenario/money.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { capWorkers, commaList, workersOf, workersOption } from '../cli/options.ts';

/** Where the committed baselines live: reports/baseline/<scenario>/ in the project. */
export const BASELINE_DIR = fromRoot('reports/baseline') + path.sep;

/**
 * `pacebench baseline` (`npm run baseline`): backtests every shipped scenario with the
 * defaults CI uses (every engine, seed 1, one replicate) into reports/baseline/, the
 * reference that `pacebench compare` holds pull requests to. Run it deliberately, when a
 * change of results is intended, and commit what it writes.
 */
export interface BaselineOptions {
  readonly scenarios: readonly string[];
  readonly workers: number;
  readonly out?: string | undefined;
}

/** A backtest as a baseline asks for it; cli.ts hands in the backtest command's, so that no command imports another. */
export type Backtest = (
  options: {
    readonly scenario: string;
    readonly engines: readonly string[];
    readonly informed: boolean;
    readonly seed: number;
    readonly replicates: number;
    readonly workers: number;
    readonly out: string;
    readonly format: 'md';
    readonly carryState: boolean;
    readonly maxCalls: number;
    readonly money: Money;
    readonly bootstrap: number;
    readonly timings: boolean;
    readonly print: boolean;
    readonly html: boolean;
  },
  io: Io,
) => Promise<unknown>;

export async function baseline(options: BaselineOptions, io: Io, backtest: Backtest): Promise<number> {
  const root = options.out === undefined ? BASELINE_DIR : path.resolve(io.cwd, options.out);
  const names = options.scenarios.length > 0 ? options.scenarios : listScenarioNames();
  // Every scenario and every folder checked first: a broken one must not leave the others
  // half regenerated.
  const problems: string[] = [];
  // Each baseline in a folder named after its scenario, right under the root: a path
  // (`../sc/crlf`, `/tmp/sc/crlf`) names the scenario, never where its baseline goes.
  const folders = new Map<string, string>();
  for (const name of names) {
    try {
      const { scenario } = readScenario(name);
      const out = path.join(root, scenario.name);
      const taken = [...folders].find(([, f]) => f === out)?.[0];
      if (taken !== undefined) throw new UserError(`${name}: its baseline would replace the one of ${taken} in ${out} (both scenarios are named ${scenario.name}); give one of them another folder name`);
      folders.set(name, out);
      checkReportTarget(out, out);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UserError([`no baseline was written:`, ...problems].join('\n'));
  for (const name of names) {
    const out = folders.get(name) as string;
    await backtest(
      {
        scenario: name,
        engines: [],
        informed: true,
        seed: 1,
        replicates: 1,
        workers: options.workers,
        out,
        format: 'md',
        carryState: false,
        maxCalls: DEFAULT_MAX_CALLS,
        money: DEFAULT_MONEY,
        bootstrap: DEFAULT_BOOTSTRAP,
        timings: false,
        print: false,
        html: true,
      },
      io,
    );
    io.stdout(`baseline of ${name} written to ${path.relative(io.cwd, out) || '.'}/\n`);
  }
  return 0;
}

/** `pacebench baseline`, running its backtests with `backtest`. */
export function baselineCommand(backtest: Backtest) {
  return defineCommand({
    kind: 'baseline',
    command: 'baseline',
    describe: 'regenerate the committed baselines, reports/baseline/<scenario>/, from every shipped scenario',
    builder: (y) =>
      y.options({
        scenarios: { type: 'string', array: true, describe: 'only these scenarios, names or folders (default: all shipped); each goes to <out>/<its name>/' },
        workers: workersOption('worker threads (default and most: the machine\'s cores)'),
        out: { type: 'string', describe: 'another folder than reports/baseline' },
      }),
    parse: (a, { defaults }) => ({
      kind: 'baseline' as const,
      scenarios: commaList(a.scenarios).filter((x) => x !== ''),
      workers: workersOf(a.workers, defaults.workers),
      out: a.out,
    }),
    run: (command, io) => baseline(capWorkers({ scenarios: command.scenarios, workers: command.workers, out: command.out }, io), io, backtest),
  });
}
