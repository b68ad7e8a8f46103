/**
 * The cases a tuning run evaluates configurations on: every replicate of every scenario's
 * cases, in one seeded order.
 */
import type { Scenario } from '../scenario/types.ts';
import { stream } from '../stats/rng.ts';
import type { CaseKey } from './intervals.ts';

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

/** The cases in `order` by name, as the intervals and the report know them. */
export function caseKeys(scenarios: readonly Scenario[], order: readonly TuneCase[]): CaseKey[] {
  return order.map((o) => ({ scenario: (scenarios[o.scenario] as Scenario).name, caseId: (scenarios[o.scenario] as Scenario).cases[o.caseIndex]?.id ?? '', replicate: o.replicate }));
}
