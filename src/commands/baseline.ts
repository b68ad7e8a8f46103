import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { checkReportTarget } from '../report/folder.ts';
import { listScenarioNames, readScenario } from '../scenario/read.ts';
import { DEFAULT_MONEY } from '../score/money.ts';
import { DEFAULT_BOOTSTRAP } from '../score/summary.ts';
import { DEFAULT_MAX_CALLS } from '../sim/play.ts';
import { backtest } from './backtest.ts';
import type { Io } from './io.ts';

/** Where the committed baselines live: reports/baseline/<scenario>/ in the project. */
export const BASELINE_DIR = fileURLToPath(new URL('../../reports/baseline/', import.meta.url));

/**
 * `pacebench baseline` (`npm run baseline`): backtests every shipped scenario with the
 * defaults CI uses (every engine, seed 1, one replicate) into reports/baseline/, the
 * reference that `pacebench compare` holds pull requests to. Run it deliberately, when a
 * change of results is intended, and commit what it writes.
 */
export async function baseline(options: { scenarios: readonly string[]; workers: number; out?: string | undefined }, io: Io): Promise<number> {
  const root = options.out === undefined ? BASELINE_DIR : path.resolve(io.cwd, options.out);
  const names = options.scenarios.length > 0 ? options.scenarios : listScenarioNames();
  // Every scenario and every folder checked first: a broken one must not leave the others
  // half regenerated.
  const problems: string[] = [];
  for (const name of names) {
    try {
      readScenario(name);
      checkReportTarget(path.join(root, name), path.join(root, name));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UserError([`no baseline was written:`, ...problems].join('\n'));
  for (const name of names) {
    const out = path.join(root, name);
    await backtest(
      {
        scenario: name,
        engines: [],
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
