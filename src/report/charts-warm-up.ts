/**
 * Charts drawn from made-up numbers while the simulation runs, and thrown away. vega's code
 * runs about three times slower the first time a process draws a chart than once the JIT has
 * compiled it: on this project's 2-core machine a `cold_start` report's six charts took
 * ~0.9 s cold and ~0.3 s warm in one thread. The renderer's thread has nothing else to do
 * between loading its libraries and the end of the simulation, so it draws these then, with
 * the same engines, the same kinds of marks and the same encodings as the real charts. What
 * it draws never reaches a report: the real charts are drawn afterwards from the real rows,
 * and a chart's bytes do not depend on what the thread drew before (render.ts).
 */
import { DEFAULT_MONEY } from '../scenario/money.ts';
import { ORACLE, type CaseRow } from '../score/rows.ts';
import { MIN_BOOTSTRAP, summarize } from '../score/summary.ts';
import { reportCharts, type ChartSpec } from './charts.ts';
import type { Timings } from './timings.ts';

/** Cases per engine in the made-up run: enough for every mark kind, few enough to build in a millisecond or two. */
const CASES = 40;

/** A deterministic spread in [0, 1) without a random stream (nothing here may draw one). */
function spread(i: number, salt: number): number {
  const x = Math.sin((i + 1) * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

function madeUpRows(engines: readonly string[]): CaseRow[] {
  const rows: CaseRow[] = [];
  const labels = [...engines.filter((e) => e !== ORACLE), ORACLE];
  labels.forEach((engine, e) => {
    for (let i = 0; i < CASES; i++) {
      const vacancies = 1 + Math.floor(spread(i, 1) * 5);
      const pool = 50 + Math.floor(spread(i, 2) * 200);
      const hires = Math.min(vacancies, Math.floor(spread(i, e + 3) * (vacancies + 1)));
      const filled = hires === vacancies;
      const invited = Math.min(pool, 5 + Math.floor(spread(i, e + 10) * pool * 0.5));
      const ratio = filled ? Math.round(spread(i, e + 20) * 1e6) / 1e6 : null;
      const value = hires * DEFAULT_MONEY.valuePerHire - invited * DEFAULT_MONEY.costPerInvite;
      rows.push({
        replicate: 1,
        case_id: `warm-up-${i}`,
        engine,
        pool_size: pool,
        num_vacancies: vacancies,
        invited,
        hires,
        fill_rate: hires / vacancies,
        overbooked: 0,
        oracle_invites: Math.min(invited, vacancies * 4),
        excess_invites: invited - Math.min(invited, vacancies * 4),
        time_to_fill_minutes: ratio === null ? null : Math.round(ratio * 1440),
        time_to_fill_ratio: ratio,
        calls: 1 + (i % 9),
        over_asks: 0,
        value,
        regret: Math.max(0, vacancies * DEFAULT_MONEY.valuePerHire - value),
        fault: null,
      });
    }
  });
  return rows;
}

function madeUpTimings(engines: readonly string[]): Timings {
  return {
    scenario: 'warm-up',
    node: '',
    date: '',
    workers: 1,
    helper_threads: 0,
    helper_units: 0,
    simulation_s: 1,
    summary_s: 0,
    wall_s: 1,
    cases: CASES,
    calls: CASES,
    cases_per_s: CASES,
    calls_per_s: CASES,
    engines: engines.map((engine, i) => ({ engine, decisions: CASES, mean_us: 2 + i, p50_us: 1 + i, p99_us: 10 + 7 * i, max_us: 30 + 9 * i })),
    note: '',
  };
}

/** The report's charts for these engines, drawn from made-up rows: only for warming the renderer up. */
export function warmUpCharts(engines: readonly string[], baseline: string | null): ChartSpec[] {
  const rows = madeUpRows(engines);
  const summary = summarize(rows, engines, {
    scenario: 'warm-up',
    description: '',
    seed: 1,
    replicates: 1,
    cases: CASES,
    money: DEFAULT_MONEY,
    baseline,
    carryState: false,
    maxCalls: 1,
    bootstrap: MIN_BOOTSTRAP,
  });
  return reportCharts({ summary, rows, timings: madeUpTimings(engines.filter((e) => e !== ORACLE)) });
}
