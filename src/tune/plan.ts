/**
 * A tuning run's plan and its result: which configurations race, under which rules, and the
 * report of what was found. Pure: the command reads the engine and scenarios, runs the race and
 * writes the files.
 */
import { UserError } from '../errors.ts';
import type { ParamSpec } from '../engines/types.ts';
import type { Money } from '../scenario/money.ts';
import { backtestCommands, chooseWinner, studyCommand, type StudyArguments } from './headline.ts';
import { DEFAULT_RACE, type Objective, type RaceResult, type RaceSettings, type Racer } from './race.ts';
import { winnerEdges, type Method, type TuneReport } from './report.ts';
import { defaultPoint, gridPoints, pointKey, pointSpec, randomPoints, type Point, type Space } from './space.ts';
import type { ConfigSummary, HoldoutEntry } from './study.ts';

/** Configurations random search draws when no --budget is given. */
export const DEFAULT_RANDOM_BUDGET = 20;

export function checkBudget(budget: number | null): void {
  if (budget !== null && !(Number.isInteger(budget) && budget >= 1)) throw new UserError(`--budget must be an integer >= 1, got ${budget}`);
}

/** The points to evaluate: the grid (grid, race) or seeded random draws the engine accepts. */
export function candidatePoints(method: Method, budget: number | null, seed: number, space: Space, accepts: (point: Point) => boolean): Point[] {
  switch (method) {
    case 'grid':
      if (budget !== null) throw new UserError('--budget applies to --method random (configurations) and race (case-evaluations), not to grid');
      return gridPoints(space);
    case 'race':
      return gridPoints(space);
    case 'random': {
      const points = randomPoints(space, budget ?? DEFAULT_RANDOM_BUDGET, seed, accepts);
      if (points.length === 0) throw new UserError('random search drew no configuration the engine accepts; widen or move the ranges');
      return points;
    }
  }
}

/** One racer per point, its spec as `ref` with the point's parameters; the defaults always race. */
export function racersOf(points: readonly Point[], space: Space, ref: string): Racer[] {
  const defaults = defaultPoint(space);
  const defaultKey = pointKey(space, defaults);
  const racers: Racer[] = points.map((point, id) => ({ id, point, spec: pointSpec(ref, space, point), isDefault: pointKey(space, point) === defaultKey }));
  if (!racers.some((r) => r.isDefault)) racers.push({ id: racers.length, point: defaults, spec: pointSpec(ref, space, defaults), isDefault: true });
  return racers;
}

/** A race's rules; grid and random search are one block of every case, nobody dropped. */
export function raceSettings(method: Method, block: number, budget: number | null, totalCases: number, racers: number): RaceSettings {
  if (method !== 'race') return { block: totalCases, minCases: Number.POSITIVE_INFINITY, alpha: DEFAULT_RACE.alpha, budget: null };
  if (budget !== null && budget < racers) throw new UserError(`--budget ${budget} case-evaluations cannot run each of the ${racers} configurations on even one case`);
  return { ...DEFAULT_RACE, block, minCases: Math.max(DEFAULT_RACE.minCases, block), budget };
}

/** Scenario names key the report: the same one twice is refused. */
export function checkScenarioNames(names: readonly string[], given: readonly string[]): void {
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError(`--scenarios names "${twice}" twice (reports key scenarios by folder name): ${given.join(', ')}`);
}

export interface StudyFacts {
  readonly engine: string;
  /** The engine's declared parameter bounds, to tell whether the winner sits at an edge the engine would allow past. */
  readonly engineParams: Readonly<Record<string, ParamSpec>>;
  readonly method: Method;
  readonly objective: Objective;
  readonly seed: number;
  readonly holdoutSeed: number;
  readonly replicates: number;
  readonly scenarios: readonly { readonly name: string; readonly cases: number }[];
  readonly space: Space;
  readonly money: Money;
  readonly maxCalls: number;
  readonly bootstrap: number;
  readonly settings: RaceSettings;
  readonly race: RaceResult;
  readonly racers: number;
  readonly totalCases: number;
  /** Ranked, best first. */
  readonly configurations: readonly ConfigSummary[];
  readonly holdout: readonly HoldoutEntry[];
  readonly yardstick?: TuneReport['yardstick'];
  /** The command line's arguments as given, for the command that reruns the study. */
  readonly given: Pick<StudyArguments, 'engine' | 'params' | 'scenarios' | 'budget' | 'block'>;
}

/** `tune.json`'s content: what a tuning run found. */
export function tuneReport(f: StudyFacts): TuneReport {
  const space = f.space.dimensions.map((d) => ({ key: d.key, integer: d.integer, default: d.default, low: d.low, high: d.high, values: d.values }));
  const best = f.configurations[0];
  if (best === undefined) throw new Error('no configuration was evaluated');
  const { winner, basis } = chooseWinner(f.configurations, f.holdout);
  const command = studyCommand({
    ...f.given,
    method: f.method,
    objective: f.objective,
    seed: f.seed,
    holdoutSeed: f.holdoutSeed,
    replicates: f.replicates,
    bootstrap: f.bootstrap,
    maxCalls: f.maxCalls,
    money: f.money,
  });
  return {
    // 2: the winner is what held on the holdout; best_in_sample, winner_basis and command added.
    schema_version: 2,
    engine: f.engine,
    method: f.method,
    objective: f.objective,
    seed: f.seed,
    holdout_seed: f.holdoutSeed,
    replicates: f.replicates,
    scenarios: f.scenarios,
    space,
    params: {
      value_per_hire: f.money.valuePerHire,
      cost_per_invite: f.money.costPerInvite,
      cost_per_overbooking: f.money.costPerOverbooking,
      max_calls: f.maxCalls,
      bootstrap: f.bootstrap,
    },
    race:
      f.method === 'race'
        ? {
            block: f.settings.block,
            min_cases: f.settings.minCases,
            alpha: f.settings.alpha,
            budget: f.settings.budget,
            test: `a one-sided paired t-test of each living configuration against the current best on the per-case ${f.objective} over every case seen, Holm-corrected at ${f.settings.alpha} over the round's comparisons; the defaults are never dropped`,
          }
        : null,
    rounds: f.race.rounds,
    stopped: f.race.stopped,
    configurations_evaluated: f.racers,
    evaluations: f.race.evaluations,
    full_evaluations: f.racers * f.totalCases,
    winner: { spec: winner.spec, params: winner.params },
    winner_basis: basis,
    best_in_sample: { spec: best.spec, params: best.params },
    command,
    backtest_commands: basis === 'held' ? backtestCommands(winner.spec, f.given.scenarios, f.money) : [],
    edges: winnerEdges(space, winner.params, f.engineParams),
    configurations: f.configurations,
    holdout: f.holdout,
    ...(f.yardstick === undefined ? {} : { yardstick: f.yardstick }),
  };
}
