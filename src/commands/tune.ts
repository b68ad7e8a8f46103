import path from 'node:path';
import { UserError } from '../errors.ts';
import { resolveEngine, type ResolvedEngine } from '../engines/load.ts';
import { parseEngineSpec } from '../engines/spec.ts';
import type { ChartRenderer } from '../report/charts-loader.ts';
import { checkReportFolder, writeFilesAtomically } from '../report/write.ts';
import { readScenario } from '../scenario/read.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Money } from '../scenario/money.ts';
import type { CaseRow } from '../score/rows.ts';
import type { RunConfig, Unit } from '../sim/run.ts';
import { stream } from '../stats/rng.ts';
import { runUnits } from '../sim/workers.ts';
import type { CaseKey } from '../tune/intervals.ts';
import { DEFAULT_RACE, race, type Evaluate, type Objective, type RaceProgress, type RaceSettings, type Racer } from '../tune/race.ts';
import { configsCsv, tuneJson, tuneMarkdown } from '../report/tune-files.ts';
import { winnerEdges, type Method, type TuneReport } from '../tune/report.ts';
import {
  buildSpace,
  defaultPoint,
  gridPoints,
  parseParamArg,
  pointKey,
  pointSpec,
  randomPoints,
  type Point,
  type Space,
} from '../tune/space.ts';
import { holdoutEntries, holdoutRacers, summarizeConfigs } from '../tune/study.ts';
import type { Io } from './io.ts';

/** Every file a tuning report folder can hold; charts/ holds one SVG per chart of report.html. */
export const TUNE_FILES = ['tune.md', 'tune.json', 'configs.csv', 'report.html', 'charts/'] as const;

/** The file that marks a folder as a tuning report, which a later run may replace. */
export const TUNE_MARKER = 'tune.json';

/** Configurations random search draws when no --budget is given. */
export const DEFAULT_RANDOM_BUDGET = 20;

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
  /** Print tune.md on stdout (default). */
  readonly print?: boolean;
}

export interface TuneResult {
  readonly dir: string;
  readonly report: TuneReport;
  /** Units played by helper threads, in sample and holdout (never in the report, which must not depend on threads). */
  readonly helperUnits: number;
}

interface Loaded {
  readonly scenario: Scenario;
  readonly index: number;
}

/** One case of one replicate of one scenario: a tuning run's unit of evaluation. */
export interface TuneCase {
  readonly scenario: number;
  readonly replicate: number;
  readonly caseIndex: number;
}

/**
 * The run's cases, every replicate of every scenario's, in a seeded order that mixes the
 * scenarios (and the replicates): a race's blocks are then fair samples of all of them.
 */
export function caseOrder(scenarios: readonly Scenario[], replicates: number, seed: number): TuneCase[] {
  const all: TuneCase[] = [];
  scenarios.forEach((s, scenario) => {
    for (let replicate = 1; replicate <= replicates; replicate++) s.cases.forEach((_, caseIndex) => all.push({ scenario, replicate, caseIndex }));
  });
  const random = stream('tune', 'order', seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as (typeof all)[number], all[i] as (typeof all)[number]];
  }
  return all;
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

function makeEvaluator(
  loaded: readonly Loaded[],
  order: readonly TuneCase[],
  engines: readonly ResolvedEngine[],
  config: RunConfig,
  options: TuneOptions,
  onUnits: (done: number, total: number) => void,
  threads: { helperUnits: number },
): Evaluate {
  return async (racers, positions) => {
    const rows = racers.map((): CaseRow[] => new Array<CaseRow>(positions.length));
    const mine = racers.map((r) => engines[r.id] as ResolvedEngine);
    const labels = new Map(mine.map((e, i) => [e.label, i]));
    let done = 0;
    for (const { scenario, index } of loaded) {
      const ks = positions.flatMap((p, k) => (order[p]?.scenario === index ? [k] : []));
      if (ks.length === 0) continue;
      const units: Unit[] = ks.map((k) => {
        const c = order[positions[k] as number] as TuneCase;
        return { replicate: c.replicate, caseIndex: c.caseIndex };
      });
      const result = await runUnits({
        scenario,
        engines: mine,
        config,
        units,
        workers: options.workers,
        onProgress: (d) => onUnits(done + d, positions.length),
        helpers: options.helpersAtOnce === true ? 'at-once' : 'when-worth-it',
      });
      done += units.length;
      threads.helperUnits += result.helperUnits;
      result.rowsByUnit.forEach((unitRows, u) => {
        const k = ks[u] as number;
        for (const row of unitRows) {
          const i = labels.get(row.engine);
          if (i !== undefined) (rows[i] as CaseRow[])[k] = row;
        }
      });
    }
    return rows;
  };
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

function spaceOf(options: TuneOptions, space: Space, definitionCreate: (point: Point) => boolean): Point[] {
  switch (options.method) {
    case 'grid':
      if (options.budget !== null) throw new UserError('--budget applies to --method random (configurations) and race (case-evaluations), not to grid');
      return gridPoints(space);
    case 'race':
      return gridPoints(space);
    case 'random': {
      const points = randomPoints(space, options.budget ?? DEFAULT_RANDOM_BUDGET, options.seed, definitionCreate);
      if (points.length === 0) throw new UserError('random search drew no configuration the engine accepts; widen or move the ranges');
      return points;
    }
  }
}

export async function tune(options: TuneOptions, io: Io): Promise<TuneResult> {
  const spec = parseEngineSpec(options.engine);
  if (spec.params.length > 0) {
    throw new UserError(`--engine ${options.engine}: give the engine's name alone; fix a parameter with --param key=value`);
  }
  if (options.scenarios.length === 0) throw new UserError('name at least one scenario: --scenarios cold_start,tight_deadlines');
  if (options.budget !== null && !(Number.isInteger(options.budget) && options.budget >= 1)) throw new UserError(`--budget must be an integer >= 1, got ${options.budget}`);
  const base = await resolveEngine(spec, io.cwd);
  // A module path stays as the user wrote it, so the winner's spec pastes into the same shell.
  const ref = spec.ref;
  const space = buildSpace(base.definition, options.params.map(parseParamArg));
  const accepts = (point: Point): boolean => {
    try {
      base.definition.create({ random: () => 0.5, params: { ...base.params, ...point } });
      return true;
    } catch {
      return false;
    }
  };
  const points = spaceOf(options, space, accepts);
  const defaults = defaultPoint(space);
  const defaultKey = pointKey(space, defaults);
  const racers: Racer[] = points.map((point, id) => ({ id, point, spec: pointSpec(ref, space, point), isDefault: pointKey(space, point) === defaultKey }));
  if (!racers.some((r) => r.isDefault)) racers.push({ id: racers.length, point: defaults, spec: pointSpec(ref, space, defaults), isDefault: true });
  const engines = await resolveRacers(racers, io.cwd);

  const given = options.out ?? path.join('reports', 'tune', base.definition.name);
  const dir = path.resolve(io.cwd, given);
  // Before any work: a run must not end by refusing to write, nor overwrite what it did not write.
  checkReportFolder(given, dir, TUNE_FILES, TUNE_MARKER);

  const loaded: Loaded[] = options.scenarios.map((name, index) => {
    const { scenario, warnings } = readScenario(name);
    for (const w of warnings) io.stderr(`${w}\n`);
    return { scenario, index };
  });
  const scenarios = loaded.map((l) => l.scenario);
  const names = scenarios.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError(`--scenarios names "${twice}" twice (reports key scenarios by folder name): ${options.scenarios.join(', ')}`);
  const order = caseOrder(scenarios, options.replicates, options.seed);
  const keys = (): CaseKey[] =>
    order.map((o) => ({ scenario: (scenarios[o.scenario] as Scenario).name, caseId: (scenarios[o.scenario] as Scenario).cases[o.caseIndex]?.id ?? '', replicate: o.replicate }));
  const total = order.length;
  const holdoutSeed = options.holdoutSeed ?? options.seed + 1;
  if (holdoutSeed === options.seed) io.stderr(`warning: --holdout-seed ${holdoutSeed} is the tuning seed: the holdout replays the same candidates and proves nothing\n`);
  if (options.method === 'race' && options.budget !== null && options.budget < racers.length) {
    throw new UserError(`--budget ${options.budget} case-evaluations cannot run each of the ${racers.length} configurations on even one case`);
  }
  const runConfig = (seed: number): RunConfig => ({ seed, replicates: options.replicates, carryState: false, maxCalls: options.maxCalls, money: options.money });

  const settings: RaceSettings =
    options.method === 'race'
      ? { ...DEFAULT_RACE, block: options.block, minCases: Math.max(DEFAULT_RACE.minCases, options.block), budget: options.budget }
      : { block: total, minCases: Number.POSITIVE_INFINITY, alpha: DEFAULT_RACE.alpha, budget: null };

  const progress = progressDisplay(io, base.definition.name, options.objective);
  const started = io.now();
  // The chart renderer's thread loads its libraries while the configurations run.
  const loader = options.html === true ? await import('../report/charts-loader.ts') : null;
  const renderer: ChartRenderer | null = loader === null ? null : loader.startRenderer(loader.renderThreads(options.workers));
  const threads = { helperUnits: 0 };
  const evaluate = makeEvaluator(loaded, order, engines, runConfig(options.seed), options, progress.units, threads);
  const result = await race(racers, total, options.objective, settings, evaluate, progress.round);
  const configs = summarizeConfigs({ race: result, objective: options.objective, cases: keys(), scenarios: scenarios.map((s) => s.name), resamples: options.bootstrap, seed: options.seed });

  const chosen = holdoutRacers(configs, racers);
  const holdoutEvaluate = makeEvaluator(loaded, order, engines, runConfig(holdoutSeed), options, progress.units, threads);
  const all = Array.from({ length: total }, (_, p) => p);
  progress.holdout(chosen.length);
  const holdoutRows = await holdoutEvaluate(chosen.map((c) => c.racer), all);
  const holdout = holdoutEntries(chosen, configs, holdoutRows, keys(), options.bootstrap, holdoutSeed);
  progress.end();
  const wallMs = io.now() - started;

  const reportSpace = space.dimensions.map((d) => ({ key: d.key, integer: d.integer, default: d.default, low: d.low, high: d.high, values: d.values }));
  const winner = configs[0];
  if (winner === undefined) throw new Error('no configuration was evaluated');
  const report: TuneReport = {
    schema_version: 1,
    engine: base.definition.name,
    method: options.method,
    objective: options.objective,
    seed: options.seed,
    holdout_seed: holdoutSeed,
    replicates: options.replicates,
    scenarios: scenarios.map((s) => ({ name: s.name, cases: s.cases.length })),
    space: reportSpace,
    params: {
      value_per_hire: options.money.valuePerHire,
      cost_per_invite: options.money.costPerInvite,
      cost_per_overbooking: options.money.costPerOverbooking,
      max_calls: options.maxCalls,
      bootstrap: options.bootstrap,
    },
    race:
      options.method === 'race'
        ? {
            block: settings.block,
            min_cases: settings.minCases,
            alpha: settings.alpha,
            budget: settings.budget,
            test: `a one-sided paired t-test of each living configuration against the current best on the per-case ${options.objective} over every case seen, Holm-corrected at ${settings.alpha} over the round's comparisons; the defaults are never dropped`,
          }
        : null,
    rounds: result.rounds,
    stopped: result.stopped,
    configurations_evaluated: racers.length,
    evaluations: result.evaluations,
    full_evaluations: racers.length * total,
    winner: { spec: winner.spec, params: winner.params },
    edges: winnerEdges(reportSpace, winner.params, base.definition.params ?? {}),
    configurations: configs,
    holdout,
  };

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
    `${racers.length} configurations, ${result.evaluations} case-evaluations of ${report.full_evaluations}, holdout ${chosen.length} × ${total}; ` +
      `report written to ${path.relative(io.cwd, dir) || '.'}/ in ${(wallMs / 1000).toFixed(2)} s\n`,
  );
  return { dir, report, helperUnits: threads.helperUnits };
}
