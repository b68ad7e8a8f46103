/**
 * `run.json`: what was run, so that a report folder can be merged with its sibling shards
 * or compared with another run without guessing. Deterministic, like `summary.json`.
 */
export interface RunRecord {
  readonly schema_version: number;
  readonly scenario: string;
  readonly description: string;
  /** Cases per replicate. */
  readonly cases: number;
  readonly seed: number;
  readonly replicates: number;
  readonly engines: readonly string[];
  readonly baseline: string | null;
  readonly params: {
    readonly value_per_hire: number;
    readonly cost_per_invite: number;
    readonly cost_per_overbooking: number;
    readonly carry_state: boolean;
    readonly max_calls: number;
    readonly bootstrap: number;
  };
  /** Units of work in the whole run: (replicate, case) pairs, or replicates with carried state. */
  readonly units: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
}

export function runJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
