import type { Decision, Request } from '../contract/types.ts';

/** What the harness gives an engine when it creates it. */
export interface EngineContext {
  /**
   * Uniform [0, 1) numbers from the engine's own seeded stream, reseeded for every case
   * from (seed, replicate, case id, engine name). The only randomness an engine may use.
   */
  readonly random: () => number;
  /** The engine's parameters, defaults applied (see `EngineDefinition.params`). */
  readonly params: Readonly<Record<string, number>>;
}

/** An engine instance: called again and again over one case (or several, with `--carry-state`). */
export interface Engine {
  decide(request: Request): Decision;
}

export interface ParamSpec {
  readonly default: number;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export interface EngineDefinition {
  /** Shown in reports; also part of the engine's random stream seed. */
  readonly name: string;
  /** One line for `pacebench engines list`. */
  readonly description: string;
  /** Numeric parameters settable as `name:key=value:key=value` on the command line. */
  readonly params?: Readonly<Record<string, ParamSpec>>;
  create(context: EngineContext): Engine;
}

/** Helper for engine authors: checks the shape at compile time and returns it unchanged. */
export function defineEngine(definition: EngineDefinition): EngineDefinition {
  return definition;
}
