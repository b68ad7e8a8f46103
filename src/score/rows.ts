import type { Outcome } from '../sim/outcome.ts';
import { value, type Money } from './money.ts';
import type { OracleResult } from './oracle.ts';

/**
 * One row of `cases.csv`: one engine on one case of one replicate (spec/metrics.md).
 * Real-valued fields are rounded here, once, and the summary is computed from rows
 * exactly as written, so a report merged from shards' `cases.csv` is byte-identical
 * to one computed in a single run.
 */
export interface CaseRow {
  readonly replicate: number;
  readonly case_id: string;
  readonly engine: string;
  readonly pool_size: number;
  readonly num_vacancies: number;
  readonly invited: number;
  readonly hires: number;
  readonly fill_rate: number;
  readonly overbooked: number;
  readonly oracle_invites: number;
  readonly excess_invites: number;
  readonly time_to_fill_minutes: number | null;
  readonly time_to_fill_ratio: number | null;
  readonly calls: number;
  readonly value: number;
  readonly regret: number;
  readonly fault: string | null;
}

export const CASE_COLUMNS = [
  'replicate',
  'case_id',
  'engine',
  'pool_size',
  'num_vacancies',
  'invited',
  'hires',
  'fill_rate',
  'overbooked',
  'oracle_invites',
  'excess_invites',
  'time_to_fill_minutes',
  'time_to_fill_ratio',
  'calls',
  'value',
  'regret',
  'fault',
] as const satisfies readonly (keyof CaseRow)[];

export const ORACLE = 'oracle';

export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no "-0" in files
}

export interface CaseFacts {
  readonly replicate: number;
  readonly caseId: string;
  readonly poolSize: number;
  readonly vacancies: number;
  readonly window: number;
}

export function caseRow(
  facts: CaseFacts,
  engine: string,
  play: { invited: number; calls: number; fault: string | null },
  outcome: Outcome,
  oracle: OracleResult,
  money: Money,
): CaseRow {
  const overbooked = outcome.offerAcceptances - outcome.hires;
  const v = value(money, outcome.hires, play.invited, overbooked);
  const ttf = outcome.timeToFill === null ? null : roundTo(outcome.timeToFill, 3);
  return {
    replicate: facts.replicate,
    case_id: facts.caseId,
    engine,
    pool_size: facts.poolSize,
    num_vacancies: facts.vacancies,
    invited: play.invited,
    hires: outcome.hires,
    fill_rate: roundTo(outcome.hires / facts.vacancies, 6),
    overbooked,
    oracle_invites: oracle.invited,
    excess_invites: play.invited - oracle.invited,
    time_to_fill_minutes: ttf,
    time_to_fill_ratio: ttf === null ? null : roundTo(ttf / facts.window, 6),
    calls: play.calls,
    value: v,
    regret: oracle.value - v,
    fault: play.fault,
  };
}

export function oracleRow(facts: CaseFacts, oracle: OracleResult): CaseRow {
  const ttf = oracle.timeToFill === null ? null : roundTo(oracle.timeToFill, 3);
  return {
    replicate: facts.replicate,
    case_id: facts.caseId,
    engine: ORACLE,
    pool_size: facts.poolSize,
    num_vacancies: facts.vacancies,
    invited: oracle.invited,
    hires: oracle.hires,
    fill_rate: roundTo(oracle.hires / facts.vacancies, 6),
    overbooked: oracle.overbooked,
    oracle_invites: oracle.invited,
    excess_invites: 0,
    time_to_fill_minutes: ttf,
    time_to_fill_ratio: ttf === null ? null : roundTo(ttf / facts.window, 6),
    calls: 0,
    value: oracle.value,
    regret: 0,
    fault: null,
  };
}
