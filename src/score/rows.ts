import { INFORMED, ORACLE } from '../engines/registry.ts';
import type { Outcome } from '../world/outcome.ts';
import { value, type Money } from '../scenario/money.ts';
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
  /** Calls that asked for more candidates than remained (the harness invited what remained): a warning, not a fault. */
  readonly over_asks: number;
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
  'over_asks',
  'value',
  'regret',
  'fault',
] as const satisfies readonly (keyof CaseRow)[];

// The oracle's row is named by the registry, which reserves the name; reports read it from here.
export { INFORMED, ORACLE };

/** Decimals kept of money figures (value, regret) in rows. */
export const MONEY_DIGITS = 6;

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
  play: { invited: number; calls: number; fault: string | null; overAsks: number },
  outcome: Outcome,
  oracle: OracleResult,
  money: Money,
): CaseRow {
  const overbooked = outcome.offerAcceptances - outcome.hires;
  // Money with fractional prices (12.5 per invitation) is rounded like every other figure,
  // so what cases.csv holds reads back as the same number.
  const v = roundTo(value(money, outcome.hires, play.invited, overbooked), MONEY_DIGITS);
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
    over_asks: play.overAsks,
    value: v,
    regret: roundTo(roundTo(oracle.value, MONEY_DIGITS) - v, MONEY_DIGITS),
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
    over_asks: 0,
    value: roundTo(oracle.value, MONEY_DIGITS),
    regret: 0,
    fault: null,
  };
}

/**
 * Why a row read back from a file cannot have been written by pacebench, or `null`. Only
 * what one row can show: ranges, and the figures that follow from others in the same row.
 */
export function rowProblem(r: CaseRow): string | null {
  if (r.replicate < 1) return `column replicate: ${r.replicate} is below 1`;
  if (r.num_vacancies < 1) return `column num_vacancies: ${r.num_vacancies} is below 1`;
  if (r.pool_size < 0) return `column pool_size: ${r.pool_size} is negative`;
  if (r.invited < 0 || r.invited > r.pool_size) return `column invited: ${r.invited} is not between 0 and pool_size ${r.pool_size}`;
  if (r.hires < 0 || r.hires > r.num_vacancies || r.hires > r.invited) {
    return `column hires: ${r.hires} is not between 0 and min(invited ${r.invited}, num_vacancies ${r.num_vacancies})`;
  }
  if (r.fill_rate !== roundTo(r.hires / r.num_vacancies, 6)) {
    return `column fill_rate: ${r.fill_rate} is not hires / num_vacancies = ${roundTo(r.hires / r.num_vacancies, 6)}`;
  }
  if (r.overbooked < 0) return `column overbooked: ${r.overbooked} is negative`;
  if (r.oracle_invites < 0 || r.oracle_invites > r.pool_size) return `column oracle_invites: ${r.oracle_invites} is not between 0 and pool_size ${r.pool_size}`;
  if (r.excess_invites !== r.invited - r.oracle_invites) {
    return `column excess_invites: ${r.excess_invites} is not invited − oracle_invites = ${r.invited - r.oracle_invites}`;
  }
  if ((r.time_to_fill_minutes === null) !== (r.time_to_fill_ratio === null)) return 'columns time_to_fill_minutes and time_to_fill_ratio must be both empty or both set';
  if (r.time_to_fill_minutes !== null && r.time_to_fill_minutes < 0) return `column time_to_fill_minutes: ${r.time_to_fill_minutes} is negative`;
  if (r.time_to_fill_ratio !== null && (r.time_to_fill_ratio < 0 || r.time_to_fill_ratio > 1)) {
    return `column time_to_fill_ratio: ${r.time_to_fill_ratio} is not between 0 and 1`;
  }
  if (r.time_to_fill_minutes !== null && r.hires < r.num_vacancies) return 'column time_to_fill_minutes: set although hires < num_vacancies';
  if (r.calls < 0) return `column calls: ${r.calls} is negative`;
  if (r.over_asks < 0 || r.over_asks > r.calls) return `column over_asks: ${r.over_asks} is not between 0 and calls ${r.calls}`;
  if (r.engine === ORACLE && r.regret !== 0) return `column regret: the oracle's is ${r.regret}, not 0`;
  return null;
}

/**
 * The share of an engine's cases (rows) ending in a fault from which its figures are flagged,
 * on stderr and in summary.md: at 5 % they describe the faults (a service that went down, an
 * engine that throws on some pools) as much as the engine, and a mean over the rest would not
 * be the engine's either, since the faulted cases are scored as they stood.
 */
export const FAULT_WARNING_SHARE = 0.05;

/** Whether `faults` of `cases` is a share to warn of (see FAULT_WARNING_SHARE). */
export function tooManyFaults(faults: number, cases: number): boolean {
  return faults > 0 && cases > 0 && faults >= FAULT_WARNING_SHARE * cases;
}

export interface FaultTally {
  readonly engine: string;
  readonly cases: number;
  readonly faults: number;
  /** The first fault, or null when there was none. */
  readonly first: string | null;
}

/** Each engine's cases and faults (the oracle's left out), in the order their rows first appear. */
export function faultTallies(rows: readonly CaseRow[]): FaultTally[] {
  const byEngine = new Map<string, { cases: number; faults: number; first: string | null }>();
  for (const row of rows) {
    if (row.engine === ORACLE) continue;
    let e = byEngine.get(row.engine);
    if (e === undefined) byEngine.set(row.engine, (e = { cases: 0, faults: 0, first: null }));
    e.cases++;
    if (row.fault !== null) {
      e.faults++;
      e.first ??= row.fault;
    }
  }
  return [...byEngine].map(([engine, e]) => ({ engine, ...e }));
}

/**
 * Engines whose every row ended in a fault, in the order their rows first appear, with the first
 * fault: a run of them measures nothing (a wrong URL, an engine that always throws), which a
 * reader of the summary's fault counts might miss.
 */
export function alwaysFaulted(rows: readonly CaseRow[]): { engine: string; cases: number; first: string }[] {
  return faultTallies(rows)
    .filter((e) => e.faults === e.cases && e.first !== null)
    .map((e) => ({ engine: e.engine, cases: e.cases, first: e.first as string }));
}
