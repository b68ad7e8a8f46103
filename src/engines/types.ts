import type { Decision, Request } from '../contract/types.ts';
import type { CaseTruth } from './informed/truth.ts';

/** What the harness gives an engine when it creates it. */
export interface EngineContext {
  /**
   * Uniform [0, 1) numbers from the engine's own seeded stream, reseeded for every case
   * from (seed, replicate, case id, engine name). The only randomness an engine may use.
   */
  readonly random: () => number;
  /** The engine's parameters, defaults applied (see `EngineDefinition.params`). */
  readonly params: Readonly<Record<string, number>>;
  /**
   * The current case's true behaviour and money, or `null` outside a backtest. Given only to
   * a reference engine whose definition says `needsTruth` (`informed`), never to others.
   */
  readonly truth?: (() => CaseTruth | null) | undefined;
}

/** An engine instance: called again and again over one case (or several, with `--carry-state`). */
export interface Engine {
  /**
   * Synchronous for in-process engines. An engine behind a network (or any engine written
   * that way) may answer with a Promise, which the harness awaits within the time limit.
   * The request and its list are read-only: an engine that changes them has a fault.
   */
  decide(request: Request): Decision | Promise<Decision>;
}

export interface ParamSpec {
  readonly default: number;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** What pacebench's own engines are: they answer at once. */
export interface SyncEngine extends Engine {
  decide(request: Request): Decision;
}

export interface EngineDefinition<E extends Engine = Engine> {
  /** Shown in reports; also part of the engine's random stream seed. */
  readonly name: string;
  /** One line for `pacebench engines list`. */
  readonly description: string;
  /** Numeric parameters settable as `name:key=value:key=value` on the command line. */
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /**
   * Parameters given as text (`pace:prior=PATH`), each turned into numeric parameters when the
   * spec is read; numeric parameters given beside it win. Everything downstream sees numbers.
   */
  readonly textParams?: Readonly<Record<string, { readonly description: string; expand(value: string): Record<string, number> }>>;
  /** A reference engine that is told each case's truth as the case begins (see `EngineContext.truth`). */
  readonly needsTruth?: boolean;
  create(context: EngineContext): E;
}

/** Helper for engine authors: checks the shape at compile time and returns it unchanged. */
export function defineEngine<E extends Engine>(definition: EngineDefinition<E>): EngineDefinition<E> {
  return definition;
}
