/** Rows of a synthetic run with and without `informed`, for the tests of the regret split. */
import { INFORMED, ORACLE, roundTo, type CaseRow } from '../../src/score/rows.ts';
import type { RunFacts } from '../../src/score/summary.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { stream } from '../../src/stats/rng.ts';

const CASES = 30;
const REPLICATES = 3;

/** A row with the figures the summary reads; value and regret as a run writes them (6 decimals). */
function row(replicate: number, caseId: string, engine: string, value: number, oracle: number): CaseRow {
  const v = roundTo(value, 6);
  return {
    replicate,
    case_id: caseId,
    engine,
    pool_size: 50,
    num_vacancies: 2,
    invited: 10,
    hires: 2,
    fill_rate: 1,
    overbooked: 0,
    oracle_invites: 8,
    excess_invites: 2,
    time_to_fill_minutes: 30,
    time_to_fill_ratio: 0.5,
    calls: engine === ORACLE ? 0 : 3,
    over_asks: 0,
    value: v,
    regret: engine === ORACLE ? 0 : roundTo(roundTo(oracle, 6) - v, 6),
    fault: null,
  };
}

/** Rows of a run in run order (replicate, case, engines then the oracle), values with awkward decimals. */
export function splitRows(engines: readonly string[]): CaseRow[] {
  const random = stream('split-test', 5);
  const rows: CaseRow[] = [];
  for (let r = 1; r <= REPLICATES; r++) {
    for (let c = 0; c < CASES; c++) {
      const oracle = 4000 + 1000 * random() + 1 / 3;
      const informed = oracle - 300 * random() - 1 / 7;
      const values: Record<string, number> = { a: informed - 400 * random(), b: informed + 50 - 200 * random(), [INFORMED]: informed };
      for (const e of engines) rows.push(row(r, `case${c}`, e, values[e] ?? 0, oracle));
      rows.push(row(r, `case${c}`, ORACLE, oracle, oracle));
    }
  }
  return rows;
}

export const FACTS: RunFacts = {
  scenario: 'split',
  description: '',
  seed: 4,
  replicates: REPLICATES,
  cases: CASES,
  money: DEFAULT_MONEY,
  baseline: null,
  carryState: false,
  maxCalls: 1000,
  bootstrap: 500,
};

