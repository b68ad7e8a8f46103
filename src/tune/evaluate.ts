/**
 * A race's `Evaluate`: plays the racers' engines on the cases at the positions asked, by the
 * simulation's thread pool, and hands back one row per racer and case.
 */
import type { ResolvedEngine } from '../engines/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import type { RunConfig, Unit } from '../sim/run.ts';
import { runUnits } from '../sim/workers.ts';
import type { TuneCase } from './cases.ts';
import type { Evaluate } from './race.ts';

export interface EvaluatorInput {
  /** The run's scenarios, indexed as `TuneCase.scenario`. */
  readonly scenarios: readonly Scenario[];
  readonly order: readonly TuneCase[];
  /** One engine per racer id. */
  readonly engines: readonly ResolvedEngine[];
  readonly config: RunConfig;
  readonly workers: number;
  /** Start helper threads at once (tests of the thread path). */
  readonly helpersAtOnce?: boolean | undefined;
  readonly onUnits: (done: number, total: number) => void;
  /** Counts the units helper threads played (never in the report, which must not depend on threads). */
  readonly threads: { helperUnits: number };
}

export function evaluator(input: EvaluatorInput): Evaluate {
  const { scenarios, order, engines, config } = input;
  return async (racers, positions) => {
    const rows = racers.map((): CaseRow[] => new Array<CaseRow>(positions.length));
    const mine = racers.map((r) => engines[r.id] as ResolvedEngine);
    const labels = new Map(mine.map((e, i) => [e.label, i]));
    let done = 0;
    for (const [index, scenario] of scenarios.entries()) {
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
        workers: input.workers,
        onProgress: (d) => input.onUnits(done + d, positions.length),
        helpers: input.helpersAtOnce === true ? 'at-once' : 'when-worth-it',
      });
      done += units.length;
      input.threads.helperUnits += result.helperUnits;
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
