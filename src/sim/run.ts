import { caseTruth, type CaseTruth } from '../engines/informed/truth.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import type { Engine, EngineContext } from '../engines/types.ts';
import type { Case, Scenario } from '../scenario/types.ts';
import type { Money } from '../scenario/money.ts';
import { hindsightOracle } from '../score/oracle.ts';
import { caseRow, oracleRow, type CaseFacts, type CaseRow } from '../score/rows.ts';
import { drawLatentPool } from '../world/latent.ts';
import { LatencyHistogram } from './latency.ts';
import { readOutcome } from '../world/outcome.ts';
import { playCase, windowMinutes, type DecisionTimer, type Play, type StopAt } from './play.ts';
import { engineStream, type Random } from '../stats/rng.ts';
import { traceObserver } from '../trace/observe.ts';

export interface RunConfig {
  readonly seed: number;
  readonly replicates: number;
  /** One engine instance per replicate plays every case in pools.csv order. */
  readonly carryState: boolean;
  readonly maxCalls: number;
  readonly money: Money;
  /** Limit on one asynchronous decision; synchronous ones are limited by the guarded threads' watchdog. */
  readonly engineTimeoutMs?: number | undefined;
}

/**
 * The unit of work handed to a worker: one case of one replicate, or with carried state a
 * whole replicate, because its cases must be played in order by the same instances.
 */
export interface Unit {
  readonly replicate: number;
  /** `null`: every case of the replicate, in order. */
  readonly caseIndex: number | null;
}

export function planUnits(scenario: Scenario, config: RunConfig): Unit[] {
  const units: Unit[] = [];
  // Replicates are numbered from 1, as people count them in reports.
  for (let replicate = 1; replicate <= config.replicates; replicate++) {
    if (config.carryState) units.push({ replicate, caseIndex: null });
    else for (let caseIndex = 0; caseIndex < scenario.cases.length; caseIndex++) units.push({ replicate, caseIndex });
  }
  return units;
}

/** Per-engine wall-clock measurements; they never influence a row. */
export interface UnitTiming {
  readonly now: () => number;
  readonly latency: readonly LatencyHistogram[];
}

/**
 * An engine's place at the table: its context draws from whatever stream the harness
 * installed for the current case, so an instance carried across cases still gets per-case
 * seeded randomness. The stream is only seeded if the engine draws from it.
 */
class Seat {
  private instance: Engine | null = null;
  private stream: Random | null = null;
  private seedStream: (() => Random) | null = null;
  private truth: CaseTruth | null = null;
  private readonly context: EngineContext;

  constructor(readonly engine: ResolvedEngine) {
    // Only a reference engine that asks for it is told the case's truth.
    this.context = engine.definition.needsTruth === true
      ? { random: () => this.draw(), params: engine.params, truth: () => this.truth }
      : { random: () => this.draw(), params: engine.params };
  }

  private draw(): number {
    if (this.stream === null) {
      if (this.seedStream === null) throw new Error('engine randomness used outside a case');
      this.stream = this.seedStream();
    }
    return this.stream();
  }

  /** Installs the stream of a new case, seeded on first use, and the case's truth for a reference engine. */
  reseed(seedStream: () => Random, truth: () => CaseTruth): void {
    this.seedStream = seedStream;
    this.stream = null;
    if (this.engine.definition.needsTruth === true) this.truth = truth();
  }

  get engineInstance(): Engine {
    this.instance ??= this.engine.definition.create(this.context);
    return this.instance;
  }
}

/**
 * What a guarded thread tells its watchdog: which engine plays which case of which unit,
 * and whether a call is running and since when. An engine that hangs in a synchronous loop
 * can only be stopped from outside its thread, by someone who knows where it was.
 */
export interface CallGuard {
  enter(engine: number, caseIndex: number): void;
  begin(call: number): void;
  end(): void;
}

export interface UnitHooks {
  readonly timing?: UnitTiming | undefined;
  readonly guard?: CallGuard | undefined;
  /** Engines to stop at a given call of a given case, keyed by `stopKey`: a replay after a hang. */
  readonly stops?: ReadonlyMap<string, StopAt> | undefined;
  /** When given, every engine call is appended as a line of the request trace (src/trace/format.ts). */
  readonly trace?: string[] | undefined;
}

export function stopKey(engine: number, caseIndex: number): string {
  return `${engine}:${caseIndex}`;
}

/** The engine whose output console lines are marked with; set for each case it plays. */
export const activeEngine = { label: '' };

function timerFor(hooks: UnitHooks | undefined, index: number): DecisionTimer | undefined {
  const timing = hooks?.timing;
  const histogram = timing?.latency[index];
  if (timing === undefined || histogram === undefined) return undefined;
  const now = timing.now;
  return { begin: () => now(), end: (began) => histogram.recordMs(now() - began) };
}

/**
 * Runs a unit's steps synchronously until one hands back a Promise (an engine that answers
 * asynchronously), then finishes it asynchronously: in-process engines never pay for it.
 */
function drive<T>(steps: Generator<Play | Promise<Play>, T, Play>): T | Promise<T> {
  let step = steps.next(undefined as unknown as Play);
  while (!step.done) {
    const value = step.value;
    if (value instanceof Promise) {
      return (async () => {
        let s = steps.next(await value);
        while (!s.done) s = steps.next(await s.value);
        return s.value;
      })();
    }
    step = steps.next(value);
  }
  return step.value;
}

/** Plays one unit against every engine and scores it: the engines' rows, then the oracle's, per case. */
export function runUnit(
  scenario: Scenario,
  engines: readonly ResolvedEngine[],
  config: RunConfig,
  unit: Unit,
  hooks?: UnitHooks,
): CaseRow[] | Promise<CaseRow[]> {
  return drive(unitSteps(scenario, engines, config, unit, hooks));
}

function* unitSteps(
  scenario: Scenario,
  engines: readonly ResolvedEngine[],
  config: RunConfig,
  unit: Unit,
  hooks: UnitHooks | undefined,
): Generator<Play | Promise<Play>, CaseRow[], Play> {
  const rows: CaseRow[] = [];
  const first = unit.caseIndex ?? 0;
  const cases: readonly Case[] =
    unit.caseIndex === null ? scenario.cases : [scenario.cases[unit.caseIndex] as Case];
  const carried = config.carryState ? engines.map((e) => new Seat(e)) : null;
  const timers = engines.map((_, i) => timerFor(hooks, i));
  const guard = hooks?.guard;
  const stops = hooks?.stops;
  for (const [k, c] of cases.entries()) {
    const caseIndex = first + k;
    const pool = drawLatentPool(scenario, c, config.seed, unit.replicate);
    const window = windowMinutes(c);
    const oracle = hindsightOracle(pool, window, c.numVacancies, config.money);
    const facts: CaseFacts = {
      replicate: unit.replicate,
      caseId: c.id,
      poolSize: pool.size,
      vacancies: c.numVacancies,
      window,
    };
    for (const [i, engine] of engines.entries()) {
      const s = carried?.[i] ?? new Seat(engine);
      s.reseed(() => engineStream(config.seed, unit.replicate, c.id, engine.label), () => caseTruth(scenario, c, config.money));
      activeEngine.label = engine.label;
      guard?.enter(i, caseIndex);
      const stopAt = stops?.get(stopKey(i, caseIndex));
      let play: Play;
      try {
        // Creating an engine is guarded like a call (call -1): a constructor can hang too.
        if (stopAt?.call === -1) throw new Error(stopAt.fault);
        guard?.begin(-1);
        const instance = s.engineInstance;
        guard?.end();
        play = yield playCase(c, pool, instance, {
          maxCalls: config.maxCalls,
          timer: timers[i],
          timeoutMs: config.engineTimeoutMs,
          stopAt,
          guard,
          observe: hooks?.trace === undefined ? undefined : traceObserver(hooks.trace, engine.label, unit.replicate),
        });
      } catch (error) {
        guard?.end();
        // Creating the engine failed: a fault of that engine on this case, like any other.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        play = { invited: 0, invitedAt: new Float64Array(0), calls: 0, fault: `could not be created for ${c.id}: ${message}`, overAsks: 0 };
      }
      activeEngine.label = '';
      const outcome = readOutcome(pool, play.invited, play.invitedAt, window, c.numVacancies);
      rows.push(caseRow(facts, engine.label, play, outcome, oracle, config.money));
    }
    rows.push(oracleRow(facts, oracle));
  }
  return rows;
}
