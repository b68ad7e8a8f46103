import { UserError } from '../errors.ts';
import { parseJson } from './json.ts';
import type { RunFacts, RunParams } from '../score/summary.ts';

/**
 * `run.json`: what was run, so that a report folder can be merged with its sibling shards
 * or compared with another run without guessing. Deterministic, like `summary.json`.
 */
export interface RunRecord {
  readonly schema_version: number;
  readonly scenario: string;
  /**
   * The path the scenario was given as, when it was not a shipped name: the title of
   * summary.md and report.html. Not in summary.json, whose figures a copy of the scenario
   * elsewhere gives byte for byte.
   */
  readonly scenario_path?: string | undefined;
  readonly description: string;
  /** Cases per replicate. */
  readonly cases: number;
  readonly seed: number;
  readonly replicates: number;
  readonly engines: readonly string[];
  readonly baseline: string | null;
  readonly params: RunParams;
  /** Units of work in the whole run: (replicate, case) pairs, or replicates with carried state. */
  readonly units: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
}

/** What the summary needs to know about the run, from its record. */
export function factsOf(run: RunRecord): RunFacts {
  return {
    scenario: run.scenario,
    description: run.description,
    seed: run.seed,
    replicates: run.replicates,
    cases: run.cases,
    money: {
      valuePerHire: run.params.value_per_hire,
      costPerInvite: run.params.cost_per_invite,
      costPerOverbooking: run.params.cost_per_overbooking,
    },
    baseline: run.baseline,
    carryState: run.params.carry_state,
    maxCalls: run.params.max_calls,
    bootstrap: run.params.bootstrap,
  };
}

export function runJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Reads a `run.json`, naming the file when it is not one. */
export function parseRunRecord(text: string, file: string): RunRecord {
  const r = parseJson(text, file) as Partial<RunRecord> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    r.schema_version === 1 &&
    typeof r.scenario === 'string' &&
    typeof r.seed === 'number' &&
    typeof r.replicates === 'number' &&
    typeof r.cases === 'number' &&
    typeof r.units === 'number' &&
    Array.isArray(r.engines) &&
    typeof r.params === 'object' &&
    r.params !== null;
  if (!ok) throw new UserError(`${file}: not a pacebench run.json`);
  return r as RunRecord;
}
