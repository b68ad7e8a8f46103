import path from 'node:path';
import { UserError } from '../errors.ts';
import { resolveEngine, type ResolvedEngine } from '../engines/load.ts';
import { INFORMED, isReferenceName } from '../engines/registry.ts';
import { parseEngineSpec } from '../engines/spec.ts';
import type { ChartRenderer } from '../report/charts-loader.ts';
import { checkReportFolder, writeFilesAtomically } from '../report/write.ts';
import { readScenario } from '../scenario/read.ts';
import type { Money } from '../scenario/money.ts';
import type { RunConfig } from '../sim/run.ts';
import { caseKeys, caseOrder } from '../tune/cases.ts';
import { evaluator } from '../tune/evaluate.ts';
import { candidatePoints, checkBudget, checkScenarioNames, racersOf, raceSettings, tuneReport } from '../tune/plan.ts';
import { race, type Objective, type RaceProgress, type Racer } from '../tune/race.ts';
import { configsCsv, tuneJson, tuneMarkdown } from '../report/tune-files.ts';
import type { Method, TuneReport } from '../tune/report.ts';
import { buildSpace, parseParamArg, type Point } from '../tune/space.ts';
import { figures, holdoutEntries, holdoutRacers, summarizeConfigs } from '../tune/study.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import {
  bootstrapCount,
  bootstrapOption,
  capWorkers,
  commaList,
  htmlOption,
  integer,
  MAX_CALLS_OPTION,
  moneyOptions,
  numberText,
  readMoney,
  replicatesOption,
  seedOption,
  workersOf,
  workersOption,
} from '../cli/options.ts';
import { counted } from '../words.ts';

/** Every file a tuning report folder can hold; charts/ holds one SVG per chart of report.html. */
export const TUNE_FILES = ['tune.md', 'tune.json', 'configs.csv', 'report.html', 'charts/'] as const;

/** The file that marks a folder as a tuning report, which a later run may replace. */
export const TUNE_MARKER = 'tune.json';

export interface TuneOptions {
  readonly engine: string;
  readonly params: readonly string[];
  readonly scenarios: readonly string[];
  readonly method: Method;
  /** random: configurations drawn; race: case-evaluations; grid: not allowed. */
  readonly budget: number | null;
  readonly objective: Objective;
  readonly seed: number;
  /** Default: seed + 1. */
  readonly holdoutSeed: number | null;
  /** Independent replicates of every case (fresh candidates each), for scenarios with few cases. */
  readonly replicates: number;
  readonly workers: number;
  readonly out?: string | undefined;
  readonly bootstrap: number;
  /** Race: cases per block. */
  readonly block: number;
  readonly maxCalls: number;
  readonly money: Money;
  /** Start helper threads at once (tests of the thread path). */
  readonly helpersAtOnce?: boolean;
  /** Write report.html and charts/ (the command line's default; off when not asked, which keeps tests fast). */
  readonly html?: boolean;
  /** Also run the informed reference on every case, in sample and holdout, as a yardstick beside the configurations. */
  readonly informed?: boolean;
  /** Print tune.md on stdout (default). */
  readonly print?: boolean;
}

export interface TuneResult {
  readonly dir: string;
  readonly report: TuneReport;
  /** Units played by helper threads, in sample and holdout (never in the report, which must not depend on threads). */
  readonly helperUnits: number;
}

/** Resolves each configuration as an engine; every one that cannot be created is named before anything runs. */
async function resolveRacers(racers: readonly Racer[], cwd: string): Promise<ResolvedEngine[]> {
  const problems: string[] = [];
  const out: ResolvedEngine[] = [];
  for (const r of racers) {
    try {
      out.push(await resolveEngine(parseEngineSpec(r.spec), cwd));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5);
    throw new UserError(
      `${problems.length} of ${racers.length} configurations cannot run:\n  ${shown.join('\n  ')}` +
        (problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '') +
        '\nnarrow the ranges so that every combination is valid, or use --method random, which skips invalid draws',
    );
  }
  return out;
}

interface Progress {
  units(done: number, total: number): void;
  round(p: RaceProgress): void;
  holdout(configurations: number): void;
  end(): void;
}

function progressDisplay(io: Io, engine: string, objective: Objective): Progress {
  if (!io.progress) return { units: () => {}, round: () => {}, holdout: () => {}, end: () => {} };
  let status = '';
  let last = -Infinity;
  let shown = false;
  const draw = (tail: string): void => {
    shown = true;
    io.stderr(`\r\u001b[2Ktune ${engine}: ${status}${tail}`);
  };
  return {
    units: (done, total) => {
      const t = io.now();
      if (done < total && t - last < 100) return;
      last = t;
      draw(` (${done}/${total} cases of this round)`);
    },
    holdout: (configurations) => {
      status = `holdout of ${configurations} configurations`;
      draw('');
    },
    round: (p) => {
      const shown = p.bestScore === null ? '–' : `${objective} ${(objective === 'regret' ? -p.bestScore : p.bestScore).toFixed(1)}`;
      status = `${p.cases}/${p.totalCases} cases, ${p.alive} configurations left, best so far ${p.best?.spec ?? '–'} (${shown})`;
      draw('');
    },
    end: () => {
      if (shown) io.stderr('\n');
    },
  };
}

export async function tune(options: TuneOptions, io: Io): Promise<TuneResult> {
  const spec = parseEngineSpec(options.engine);
  if (isReferenceName(spec.ref)) {
    throw new UserError(
      `--engine ${spec.ref}: a reference engine is a yardstick to measure engines against, not a candidate to tune; ` +
        `tune a registered engine (pacebench engines list) and run it beside ${spec.ref} in a backtest (--engines …,${spec.ref})`,
    );
  }
  if (spec.params.length > 0) {
    throw new UserError(`--engine ${options.engine}: give the engine's name alone; fix a parameter with --param key=value`);
  }
  if (options.scenarios.length === 0) throw new UserError('name at least one scenario: --scenarios cold_start,tight_deadlines');
  checkBudget(options.budget);
  const base = await resolveEngine(spec, io.cwd);
  const space = buildSpace(base.definition, options.params.map(parseParamArg));
  const accepts = (point: Point): boolean => {
    try {
      base.definition.create({ random: () => 0.5, params: { ...base.params, ...point } });
      return true;
    } catch {
      return false;
    }
  };
  // A module path stays as the user wrote it, so the winner's spec pastes into the same shell.
  const racers = racersOf(candidatePoints(options.method, options.budget, options.seed, space, accepts), space, spec.ref);
  const engines = await resolveRacers(racers, io.cwd);
  const yardstickEngine = options.informed === true ? await resolveEngine(parseEngineSpec(INFORMED), io.cwd) : null;

  const given = options.out ?? path.join('reports', 'tune', base.definition.name);
  const dir = path.resolve(io.cwd, given);
  // Before any work: a run must not end by refusing to write, nor overwrite what it did not write.
  checkReportFolder(given, dir, TUNE_FILES, TUNE_MARKER);

  const scenarios = options.scenarios.map((name) => {
    const { scenario, warnings } = readScenario(name);
    for (const w of warnings) io.stderr(`${w}\n`);
    return scenario;
  });
  checkScenarioNames(
    scenarios.map((s) => s.name),
    options.scenarios,
  );
  const order = caseOrder(scenarios, options.replicates, options.seed);
  const total = order.length;
  const holdoutSeed = options.holdoutSeed ?? options.seed + 1;
  if (holdoutSeed === options.seed) io.stderr(`warning: --holdout-seed ${holdoutSeed} is the tuning seed: the holdout replays the same candidates and proves nothing\n`);
  const settings = raceSettings(options.method, options.block, options.budget, total, racers.length);
  const runConfig = (seed: number): RunConfig => ({ seed, replicates: options.replicates, carryState: false, maxCalls: options.maxCalls, money: options.money });

  const progress = progressDisplay(io, base.definition.name, options.objective);
  const started = io.now();
  // The chart renderer's thread loads its libraries while the configurations run.
  const loader = options.html === true ? await import('../report/charts-loader.ts') : null;
  const renderer: ChartRenderer | null = loader === null ? null : loader.startRenderer(loader.renderThreads(options.workers));
  const threads = { helperUnits: 0 };
  const evaluate = (seed: number) =>
    evaluator({ scenarios, order, engines, config: runConfig(seed), workers: options.workers, helpersAtOnce: options.helpersAtOnce, onUnits: progress.units, threads });
  const result = await race(racers, total, options.objective, settings, evaluate(options.seed), progress.round);
  const configs = summarizeConfigs({ race: result, objective: options.objective, cases: caseKeys(scenarios, order), scenarios: scenarios.map((s) => s.name), resamples: options.bootstrap, seed: options.seed });

  const chosen = holdoutRacers(configs, racers);
  const all = Array.from({ length: total }, (_, p) => p);
  progress.holdout(chosen.length);
  const holdoutRows = await evaluate(holdoutSeed)(chosen.map((c) => c.racer), all);
  const holdout = holdoutEntries(chosen, configs, holdoutRows, caseKeys(scenarios, order), options.bootstrap, holdoutSeed);
  // The yardstick runs on every case like the holdout, by its own evaluator: it is never a racer.
  let yardstick: TuneReport['yardstick'];
  if (yardstickEngine !== null) {
    const alone = [{ id: 0, point: {}, spec: INFORMED, isDefault: false }];
    const play = (seed: number) =>
      evaluator({ scenarios, order, engines: [yardstickEngine], config: runConfig(seed), workers: options.workers, helpersAtOnce: options.helpersAtOnce, onUnits: progress.units, threads });
    const inSample = (await play(options.seed)(alone, all))[0] ?? [];
    const held = (await play(holdoutSeed)(alone, all))[0] ?? [];
    yardstick = { engine: INFORMED, in_sample: figures(inSample), holdout: figures(held) };
  }
  progress.end();
  const wallMs = io.now() - started;

  const report = tuneReport({
    engine: base.definition.name,
    engineParams: base.definition.params ?? {},
    method: options.method,
    objective: options.objective,
    seed: options.seed,
    holdoutSeed,
    replicates: options.replicates,
    scenarios: scenarios.map((s) => ({ name: s.name, cases: s.cases.length })),
    space,
    money: options.money,
    maxCalls: options.maxCalls,
    bootstrap: options.bootstrap,
    settings,
    race: result,
    racers: racers.length,
    totalCases: total,
    configurations: configs,
    holdout,
    yardstick,
    given: { engine: options.engine, params: options.params, scenarios: options.scenarios, budget: options.budget, block: options.block },
  });

  const markdown = tuneMarkdown(report);
  const files: Record<string, string> = {
    'tune.md': markdown,
    'tune.json': tuneJson(report),
    'configs.csv': configsCsv(report),
  };
  if (renderer !== null) {
    try {
      const { tuneHtmlReportFiles } = await import('../report/html-files.ts');
      Object.assign(files, await tuneHtmlReportFiles(report, renderer));
    } finally {
      await renderer.close();
    }
  }
  writeFilesAtomically(dir, files, TUNE_FILES, TUNE_MARKER);
  if (options.print !== false) io.stdout(markdown);
  io.stderr(
    `${counted(racers.length, 'configuration')}, ${counted(result.evaluations, 'case-evaluation')} of ${report.full_evaluations}, holdout ${chosen.length} × ${total}; ` +
      `report written to ${path.relative(io.cwd, dir) || '.'}/ in ${(wallMs / 1000).toFixed(2)} s\n`,
  );
  return { dir, report, helperUnits: threads.helperUnits };
}

/** `pacebench tune`. */
export const tuneCommand = defineCommand({
  kind: 'tune',
  command: 'tune',
  describe: 'tune an engine\'s parameters on scenarios: grid, random search or a race, then a holdout; writes reports/tune/<engine>/',
  builder: (y) =>
    y.options({
      engine: { alias: 'e', type: 'string', demandOption: true, describe: 'a registered engine or a module path, without parameters' },
      param: { alias: 'p', type: 'string', array: true, demandOption: true, describe: 'key=LOW..HIGH[:STEP] or key=v1,v2,… (repeat for each parameter)' },
      scenarios: { alias: 's', type: 'string', array: true, demandOption: true, describe: 'scenario names or folders, comma-separated' },
      method: { choices: ['grid', 'random', 'race'] as const, default: 'race' as const, describe: 'every grid point, seeded random draws, or a race over the grid' },
      budget: { type: 'string', describe: 'random: configurations to draw (default 20); race: case-evaluations to spend (default: no limit)' },
      objective: { choices: ['value', 'regret'] as const, default: 'value' as const, describe: 'mean per case to maximise (value) or minimise (regret)' },
      seed: seedOption('seed of the candidates, the case order and the random draws'),
      'holdout-seed': { type: 'string', describe: 'seed of the holdout\'s fresh candidates (default: seed + 1)' },
      block: numberText(10, 'race: cases per block'),
      replicates: replicatesOption('independent replicates of every case'),
      workers: workersOption('worker threads (default: the machine\'s cores); results do not depend on it'),
      out: { alias: 'o', type: 'string', describe: 'report folder (default: reports/tune/<engine>/)' },
      informed: { type: 'boolean', default: false, describe: 'also run the informed reference on every case, as a yardstick beside the configurations (never tuned)' },
      html: htmlOption('write report.html and charts/ (--no-html: only tune.md, tune.json, configs.csv)'),
      bootstrap: bootstrapOption('bootstrap resamples for the confidence intervals'),
      'max-calls': MAX_CALLS_OPTION,
      ...moneyOptions({ valuePerHire: 'what a hire is worth', costPerOverbooking: 'what each offer acceptance beyond the vacancies costs' }),
    }),
  parse: (a, { defaults }) => ({
    kind: 'tune' as const,
    options: {
      engine: a.engine,
      params: a.param,
      scenarios: commaList(a.scenarios).map((x) => x.trim()).filter((x) => x !== ''),
      method: a.method,
      budget: a.budget === undefined ? null : integer('budget', a.budget, 1),
      objective: a.objective,
      seed: integer('seed', a.seed, 0),
      holdoutSeed: a['holdout-seed'] === undefined ? null : integer('holdout-seed', a['holdout-seed'], 0),
      block: integer('block', a.block, 1),
      replicates: integer('replicates', a.replicates, 1),
      workers: workersOf(a.workers, defaults.workers),
      out: a.out,
      html: a.html,
      // Only when asked: the parsed options of a plain run stay as they were.
      ...(a.informed === true ? { informed: true } : {}),
      bootstrap: bootstrapCount(a.bootstrap),
      maxCalls: integer('max-calls', a['max-calls'], 1),
      money: readMoney(a),
    } satisfies TuneOptions,
  }),
  run: async (command, io) => {
    await tune(capWorkers(command.options, io), io);
    return 0;
  },
});
