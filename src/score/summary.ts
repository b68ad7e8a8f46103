import { quantileSorted } from '../stats/distributions.ts';
import { stream } from '../stats/rng.ts';
import type { Money } from '../scenario/money.ts';
import { INFORMED, ORACLE, roundTo, type CaseRow } from './rows.ts';

export const SCHEMA_VERSION = 1;
export const DEFAULT_BOOTSTRAP = 1000;

export interface Interval {
  readonly mean: number;
  /**
   * 95 % percentile bootstrap interval, or `null` when the data cannot give one: fewer than
   * two cases, or fewer than `MIN_BOOTSTRAP` resamples. No interval means no verdict.
   */
  readonly ci95: readonly [number, number] | null;
}

/**
 * Below this many resamples a percentile interval is made of the two or three most extreme
 * resamples, and its 2.5 % and 97.5 % ends mean nothing; the CLI refuses fewer.
 */
export const MIN_BOOTSTRAP = 100;

/**
 * Which rows belong to the same case. A case played in several replicates is one opening
 * seen several times, not several openings: the bootstrap resamples cases with all their
 * replicates, so intervals shrink with the number of cases, not of rows.
 */
export interface Clusters {
  /** The cluster (case) of row i. */
  readonly of: Int32Array;
  readonly count: number;
}

/** Clusters by case id, numbered in order of first appearance. */
export function clustersOf(caseIds: readonly string[]): Clusters {
  const index = new Map<string, number>();
  const of = new Int32Array(caseIds.length);
  caseIds.forEach((id, i) => {
    let k = index.get(id);
    if (k === undefined) {
      k = index.size;
      index.set(id, k);
    }
    of[i] = k;
  });
  return { of, count: index.size };
}

export interface EngineSummary {
  readonly engine: string;
  readonly fill_rate: Interval;
  readonly filled_share: number;
  readonly invited: number;
  readonly excess_invites: number;
  readonly overbooked: number;
  readonly hires: number;
  readonly time_to_fill_minutes_median: number | null;
  readonly time_to_fill_ratio: number | null;
  readonly value: Interval;
  readonly regret: Interval;
  /**
   * Only when `informed` ran (absent otherwise): the mean per-case difference of informed's
   * value minus this engine's, the learnable part of its regret. Not on the oracle's row.
   */
  readonly gap_to_informed?: Interval;
  /**
   * On informed's row only: the oracle's value minus informed's per case, the hindsight part
   * of every engine's regret. regret = hindsight + gap_to_informed, to rounding.
   */
  readonly hindsight?: Interval;
  readonly calls: number;
  readonly faults: number;
  readonly fault_examples: readonly string[];
  /** Calls, over all cases, that asked for more candidates than remained (a warning; the harness invited what remained). */
  readonly over_asks: number;
  /** Cases with at least one such call. */
  readonly over_ask_cases: number;
  readonly vs_baseline: { readonly value_diff: Interval; readonly fill_rate_diff: Interval } | null;
}

/** For a pair of engines: on how many cases the first had the higher value, the lower, the same. */
export interface WinRate {
  readonly engine: string;
  readonly opponent: string;
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** wins / (wins + losses); `null` when every case was a tie. */
  readonly win_rate: number | null;
}

export interface RunFacts {
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly replicates: number;
  /** Cases per replicate. */
  readonly cases: number;
  readonly money: Money;
  readonly baseline: string | null;
  readonly carryState: boolean;
  readonly maxCalls: number;
  readonly bootstrap: number;
}

/** A run's parameters, as summary.json and run.json both write them. */
export interface RunParams {
  readonly value_per_hire: number;
  readonly cost_per_invite: number;
  readonly cost_per_overbooking: number;
  readonly carry_state: boolean;
  readonly max_calls: number;
  readonly bootstrap: number;
}

export interface Summary {
  readonly schema_version: number;
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly replicates: number;
  readonly cases: number;
  /** Means over cases, for scale: how big the pools and openings are. */
  readonly pool_size_mean: number;
  readonly num_vacancies_mean: number;
  readonly params: RunParams;
  readonly baseline: string | null;
  readonly engines: readonly EngineSummary[];
  readonly win_rates: readonly WinRate[];
}

const DIGITS = 6;
const r6 = (x: number): number => roundTo(x, DIGITS);
const MAX_FAULT_EXAMPLES = 3;

function mean(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return xs.length === 0 ? 0 : s / xs.length;
}

/**
 * Percentile bootstrap over cases: `b` resamples of the cases with replacement, each case
 * bringing all its rows (its replicates), the same resamples for every series (so paired
 * differences stay paired), drawn from a stream seeded by the run's seed alone. Intervals
 * are deterministic, and adding an engine leaves the others' intervals alone. All series go
 * through one pass, so the resamples are drawn once and never stored. Without `clusters`,
 * every row is a case of its own.
 */
export function bootstrapIntervals(all: readonly Float64Array[], b: number, seed: number, clusters?: Clusters): Interval[] {
  const n = all[0]?.length ?? 0;
  const means = all.map((xs) => mean(xs));
  const of = clusters?.of ?? Int32Array.from({ length: n }, (_, i) => i);
  const count = clusters?.count ?? n;
  if (of.length !== n) throw new Error(`bootstrap: ${of.length} cluster labels for ${n} rows`);
  if (count < 2 || b < MIN_BOOTSTRAP) return means.map((x) => ({ mean: r6(x), ci95: null }));
  const random = stream('bootstrap', seed, count);
  const resampled = all.map(() => new Float64Array(b));
  // A resample as counts per case, spread to the rows: each series is then one pass over
  // contiguous numbers. Cases of unequal size still weigh by their rows, as in the mean.
  const drawn = new Float64Array(count);
  const weight = new Float64Array(n);
  for (let k = 0; k < b; k++) {
    drawn.fill(0);
    for (let i = 0; i < count; i++) {
      const j = Math.floor(random() * count);
      drawn[j] = (drawn[j] as number) + 1;
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = drawn[of[i] as number] as number;
      weight[i] = w;
      total += w;
    }
    for (let s = 0; s < all.length; s++) {
      const xs = all[s] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (weight[i] as number) * (xs[i] as number);
      (resampled[s] as Float64Array)[k] = sum / total;
    }
  }
  return means.map((x, s) => {
    const sorted = (resampled[s] as Float64Array).sort();
    return { mean: r6(x), ci95: [r6(quantileSorted(sorted, 0.025)), r6(quantileSorted(sorted, 0.975))] };
  });
}

/** Rows grouped by engine, each engine's rows in the same case order. */
export function columnsByEngine(rows: readonly CaseRow[], engines: readonly string[]): Map<string, CaseRow[]> {
  const byEngine = new Map<string, CaseRow[]>(engines.map((e) => [e, []]));
  for (const row of rows) byEngine.get(row.engine)?.push(row);
  const counts = new Set([...byEngine.values()].map((r) => r.length));
  if (counts.size > 1) throw new Error('every engine must have one row per case');
  return byEngine;
}

function series(rows: readonly CaseRow[], pick: (r: CaseRow) => number): Float64Array {
  const out = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    out[i] = pick(r);
  });
  return out;
}

function diff(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  return out;
}

/** Engines in the given order, then the references beside the oracle: informed (when it ran), oracle. */
export function reportOrder(engines: readonly string[]): string[] {
  const references = engines.includes(INFORMED) ? [INFORMED] : [];
  return [...engines.filter((e) => e !== ORACLE && e !== INFORMED), ...references, ORACLE];
}

/**
 * The report's figures (spec/metrics.md, "Per engine") from the rows of `cases.csv`,
 * engines in the given order with the references last (`reportOrder`).
 */
export function summarize(rows: readonly CaseRow[], engines: readonly string[], facts: RunFacts): Summary {
  const names = reportOrder(engines);
  const byEngine = columnsByEngine(rows, names);
  const n = byEngine.get(ORACLE)?.length ?? 0;
  const baselineRows = facts.baseline === null ? undefined : byEngine.get(facts.baseline);
  const informedRows = byEngine.get(INFORMED);
  // Informed's value, paired with each engine's case by case: the learnable part of regret.
  const informedValue = informedRows === undefined ? null : series(informedRows, (r) => r.value);

  // Every series that gets an interval, registered first, then bootstrapped in one pass.
  const wanted: Float64Array[] = [];
  const want = (xs: Float64Array): number => wanted.push(xs) - 1;
  const baseFill = baselineRows === undefined ? null : series(baselineRows, (r) => r.fill_rate);
  const baseValue = baselineRows === undefined ? null : series(baselineRows, (r) => r.value);
  const slots = names.map((engine) => {
    const rs = byEngine.get(engine) ?? [];
    const fill = series(rs, (r) => r.fill_rate);
    const value = series(rs, (r) => r.value);
    return {
      fill: want(fill),
      value: want(value),
      regret: want(series(rs, (r) => r.regret)),
      valueDiff: baseValue === null ? -1 : want(diff(value, baseValue)),
      fillDiff: baseFill === null ? -1 : want(diff(fill, baseFill)),
      gap: informedValue === null || engine === ORACLE ? -1 : want(diff(informedValue, value)),
    };
  });
  const oracleRows = byEngine.get(ORACLE) ?? [];
  const intervals = bootstrapIntervals(wanted, facts.bootstrap, facts.seed, clustersOf(oracleRows.map((r) => r.case_id)));
  const at = (slot: number): Interval => intervals[slot] as Interval;

  const summaries = names.map((engine, e): EngineSummary => {
    const rs = byEngine.get(engine) ?? [];
    const slot = slots[e] as (typeof slots)[number];
    const filled = rs.filter((r) => r.time_to_fill_minutes !== null);
    const ttf = filled.map((r) => r.time_to_fill_minutes as number).sort((a, b) => a - b);
    const faults = rs.filter((r) => r.fault !== null);
    return {
      engine,
      fill_rate: at(slot.fill),
      filled_share: r6(n === 0 ? 0 : filled.length / n),
      invited: r6(mean(series(rs, (r) => r.invited))),
      excess_invites: r6(mean(series(rs, (r) => r.excess_invites))),
      overbooked: r6(mean(series(rs, (r) => r.overbooked))),
      hires: r6(mean(series(rs, (r) => r.hires))),
      time_to_fill_minutes_median: ttf.length === 0 ? null : r6(quantileSorted(ttf, 0.5)),
      time_to_fill_ratio: filled.length === 0 ? null : r6(mean(series(filled, (r) => r.time_to_fill_ratio ?? 0))),
      value: at(slot.value),
      regret: at(slot.regret),
      ...(slot.gap < 0 ? {} : { gap_to_informed: at(slot.gap) }),
      // Informed's regret is the oracle minus informed case by case: the hindsight part.
      ...(engine === INFORMED ? { hindsight: at(slot.regret) } : {}),
      calls: r6(mean(series(rs, (r) => r.calls))),
      faults: faults.length,
      fault_examples: faults.slice(0, MAX_FAULT_EXAMPLES).map((r) => `replicate ${r.replicate}: ${r.fault}`),
      over_asks: rs.reduce((sum, r) => sum + r.over_asks, 0),
      over_ask_cases: rs.filter((r) => r.over_asks > 0).length,
      vs_baseline:
        slot.valueDiff < 0 ? null : { value_diff: at(slot.valueDiff), fill_rate_diff: at(slot.fillDiff) },
    };
  });

  return {
    schema_version: SCHEMA_VERSION,
    scenario: facts.scenario,
    description: facts.description,
    seed: facts.seed,
    replicates: facts.replicates,
    cases: facts.cases,
    pool_size_mean: r6(mean(series(byEngine.get(ORACLE) ?? [], (r) => r.pool_size))),
    num_vacancies_mean: r6(mean(series(byEngine.get(ORACLE) ?? [], (r) => r.num_vacancies))),
    params: {
      value_per_hire: facts.money.valuePerHire,
      cost_per_invite: facts.money.costPerInvite,
      cost_per_overbooking: facts.money.costPerOverbooking,
      carry_state: facts.carryState,
      max_calls: facts.maxCalls,
      bootstrap: facts.bootstrap,
    },
    baseline: facts.baseline,
    engines: summaries,
    win_rates: winRates(byEngine, names),
  };
}

export function winRates(byEngine: ReadonlyMap<string, readonly CaseRow[]>, names: readonly string[]): WinRate[] {
  const out: WinRate[] = [];
  for (const engine of names) {
    for (const opponent of names) {
      if (engine === opponent) continue;
      const a = byEngine.get(engine) ?? [];
      const b = byEngine.get(opponent) ?? [];
      let wins = 0;
      let losses = 0;
      let ties = 0;
      a.forEach((row, i) => {
        const other = b[i]?.value ?? 0;
        if (row.value > other) wins++;
        else if (row.value < other) losses++;
        else ties++;
      });
      out.push({ engine, opponent, wins, losses, ties, win_rate: wins + losses === 0 ? null : r6(wins / (wins + losses)) });
    }
  }
  return out;
}
