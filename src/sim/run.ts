import type { ResolvedEngine } from '../engines/load.ts';
import type { Engine, EngineContext } from '../engines/types.ts';
import type { Case, Scenario } from '../scenario/types.ts';
import type { Money } from '../score/money.ts';
import { hindsightOracle } from '../score/oracle.ts';
import { caseRow, oracleRow, type CaseFacts, type CaseRow } from '../score/rows.ts';
import { drawLatentPool } from './latent.ts';
import { LatencyHistogram } from './latency.ts';
import { readOutcome } from './outcome.ts';
import { playCase, windowMinutes, type DecisionTimer } from './play.ts';
import { engineStream, type Random } from './rng.ts';
import { traceObserver } from '../trace/observe.ts';

export interface RunConfig {
  readonly seed: number;
  readonly replicates: number;
  /** One engine instance per replicate plays every case in pools.csv order. */
  readonly carryState: boolean;
  readonly maxCalls: number;
  readonly money: Money;
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
  private readonly context: EngineContext;

  constructor(readonly engine: ResolvedEngine) {
    this.context = { random: () => this.draw(), params: engine.params };
  }

  private draw(): number {
    if (this.stream === null) {
      if (this.seedStream === null) throw new Error('engine randomness used outside a case');
      this.stream = this.seedStream();
    }
    return this.stream();
  }

  /** Installs the stream of a new case, seeded on first use. */
  reseed(seedStream: () => Random): void {
    this.seedStream = seedStream;
    this.stream = null;
  }

  get engineInstance(): Engine {
    this.instance ??= this.engine.definition.create(this.context);
    return this.instance;
  }
}

function timerFor(timing: UnitTiming | undefined, index: number): DecisionTimer | undefined {
  const histogram = timing?.latency[index];
  if (timing === undefined || histogram === undefined) return undefined;
  return { now: timing.now, record: (ms) => histogram.recordMs(ms) };
}

/** Plays one unit against every engine and scores it: the engines' rows, then the oracle's, per case. */
export function runUnit(
  scenario: Scenario,
  engines: readonly ResolvedEngine[],
  config: RunConfig,
  unit: Unit,
  timing?: UnitTiming,
  /** When given, every engine call is appended as a line of the request trace (src/trace/format.ts). */
  trace?: string[],
): CaseRow[] {
  const rows: CaseRow[] = [];
  const cases: readonly Case[] =
    unit.caseIndex === null ? scenario.cases : [scenario.cases[unit.caseIndex] as Case];
  const carried = config.carryState ? engines.map((e) => new Seat(e)) : null;
  const timers = engines.map((_, i) => timerFor(timing, i));
  for (const c of cases) {
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
    engines.forEach((engine, i) => {
      const s = carried?.[i] ?? new Seat(engine);
      s.reseed(() => engineStream(config.seed, unit.replicate, c.id, engine.label));
      let play;
      try {
        const observe = trace === undefined ? undefined : traceObserver(trace, engine.label, unit.replicate);
        play = playCase(c, pool, s.engineInstance, { maxCalls: config.maxCalls, timer: timers[i], observe });
      } catch (error) {
        // Creating the engine failed: a fault of that engine on this case, like any other.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        play = { invited: 0, invitedAt: new Float64Array(0), calls: 0, fault: `could not be created for ${c.id}: ${message}` };
      }
      const outcome = readOutcome(pool, play.invited, play.invitedAt, window, c.numVacancies);
      rows.push(caseRow(facts, engine.label, play, outcome, oracle, config.money));
    });
    rows.push(oracleRow(facts, oracle));
  }
  return rows;
}
