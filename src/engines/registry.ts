import { allAtOnce } from './all-at-once.ts';
import { expDecay } from './exp-decay.ts';
import { exp } from './exp.ts';
import { informed } from './informed/index.ts';
import { nbinomial } from './nbinomial.ts';
import { pace } from './pace/index.ts';
import { stochConstraint } from './stoch-constraint.ts';
import type { EngineDefinition, SyncEngine } from './types.ts';

/**
 * Every engine pacebench ships, by name. Adding an engine is one file and one line here;
 * the conformance suite and the CLI pick it up from this map.
 */
export const ENGINES = {
  exp,
  'exp-decay': expDecay,
  nbinomial,
  'stoch-constraint': stochConstraint,
  pace,
  'all-at-once': allAtOnce,
} as const satisfies Record<string, EngineDefinition<SyncEngine>>;

export type EngineName = keyof typeof ENGINES;

/** Reserved: the hindsight row of every report, never an engine to run. */
export const ORACLE = 'oracle';

export const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];

export function isEngineName(name: string): name is EngineName {
  return Object.hasOwn(ENGINES, name);
}

/** The baseline of paired comparisons unless `--baseline` says otherwise. */
export const DEFAULT_BASELINE: EngineName = 'all-at-once';

/**
 * Reference engines: run only when named (`--engines informed,…`), never by default, and
 * listed beside the hindsight `oracle`. They are yardsticks, not candidates to tune or serve.
 */
export const REFERENCE_ENGINES = { informed } as const satisfies Record<string, EngineDefinition<SyncEngine>>;

export type ReferenceName = keyof typeof REFERENCE_ENGINES;

export const REFERENCE_NAMES = Object.keys(REFERENCE_ENGINES) as ReferenceName[];

/**
 * The reference whose value splits every engine's regret in two (oracle − informed, the
 * hindsight part; informed − engine, the learnable part) when it ran.
 */
export const INFORMED: ReferenceName = 'informed';

export function isReferenceName(name: string): name is ReferenceName {
  return Object.hasOwn(REFERENCE_ENGINES, name);
}
