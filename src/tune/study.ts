/**
 * A tuning run's results as the reports show them: configurations ranked, their figures
 * overall and per scenario, paired intervals against the defaults, the Pareto front of fill
 * rate against invitations, and the holdout. Pure.
 */
import type { Interval } from '../score/summary.ts';
import { roundTo, type CaseRow } from '../score/rows.ts';
import { caseIntervals, type CaseKey } from './intervals.ts';
import { score, type Objective, type RaceResult, type RacerResult, type Racer } from './race.ts';
import type { Point } from './space.ts';

const r6 = (x: number): number => roundTo(x, 6);

export interface Figures {
  readonly cases: number;
  readonly value: number;
  readonly fill_rate: number;
  readonly invited: number;
  readonly regret: number;
  readonly faults: number;
}

export interface VsDefaults {
  readonly value_diff: Interval;
  readonly fill_rate_diff: Interval;
  readonly invited_diff: Interval;
}

export interface ConfigSummary {
  readonly rank: number;
  readonly id: number;
  readonly spec: string;
  readonly params: Point;
  readonly is_default: boolean;
  readonly status: 'survived' | 'dropped';
  /** Cases seen when a race dropped it, and the Holm-adjusted p-value that did. */
  readonly dropped_after: number | null;
  readonly p_value: number | null;
  readonly overall: Figures;
  /** Over the cases it was run on, paired with the defaults; `null` for the defaults themselves. */
  readonly vs_defaults: VsDefaults | null;
  readonly by_scenario: readonly ({ readonly scenario: string } & Figures)[];
  readonly pareto: boolean;
}

export interface HoldoutEntry {
  /** `best`, `runner-up`, `defaults`: one configuration can hold two roles. */
  readonly roles: readonly string[];
  readonly id: number;
  readonly spec: string;
  readonly in_sample: Figures;
  readonly holdout: Figures;
  readonly holdout_vs_defaults: VsDefaults | null;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? 0 : s / xs.length;
}

export function figures(rows: readonly CaseRow[]): Figures {
  return {
    cases: rows.length,
    value: r6(mean(rows.map((r) => r.value))),
    fill_rate: r6(mean(rows.map((r) => r.fill_rate))),
    invited: r6(mean(rows.map((r) => r.invited))),
    regret: r6(mean(rows.map((r) => r.regret))),
    faults: rows.filter((r) => r.fault !== null).length,
  };
}

function column(rows: readonly CaseRow[], pick: (r: CaseRow) => number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pick(rows[i] as CaseRow);
  return out;
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => x - (b[i] as number));
}

/**
 * Paired intervals against the defaults for each entry, over the entry's first n cases
 * (the defaults, never dropped, have at least as many). Entries with the same n are
 * bootstrapped together, so their intervals come from the same resamples.
 */
export function intervalsVsDefaults(
  entries: readonly { readonly rows: readonly CaseRow[]; readonly isDefault: boolean }[],
  defaults: readonly CaseRow[],
  cases: readonly CaseKey[],
  resamples: number,
  seed: number,
): (VsDefaults | null)[] {
  const out: (VsDefaults | null)[] = entries.map(() => null);
  const byLength = new Map<number, number[]>();
  entries.forEach((e, i) => {
    if (e.isDefault) return;
    const n = Math.min(e.rows.length, defaults.length);
    byLength.set(n, [...(byLength.get(n) ?? []), i]);
  });
  for (const [n, members] of [...byLength].sort((a, b) => a[0] - b[0])) {
    const series: Float64Array[] = [];
    for (const i of members) {
      const rows = (entries[i] as (typeof entries)[number]).rows;
      for (const pick of [(r: CaseRow) => r.value, (r: CaseRow) => r.fill_rate, (r: CaseRow) => r.invited]) {
        series.push(minus(column(rows, pick, n), column(defaults, pick, n)));
      }
    }
    const intervals = caseIntervals(series, cases.slice(0, n), resamples, seed);
    members.forEach((i, k) => {
      out[i] = {
        value_diff: intervals[3 * k] as Interval,
        fill_rate_diff: intervals[3 * k + 1] as Interval,
        invited_diff: intervals[3 * k + 2] as Interval,
      };
    });
  }
  return out;
}

/**
 * The Pareto front of fill rate (higher is better) against invitations (fewer is better):
 * the entries no other entry matches or beats on both while beating on one.
 */
export function paretoFront(points: readonly { readonly id: number; readonly fill: number; readonly invited: number }[]): Set<number> {
  const front = new Set<number>();
  for (const p of points) {
    const dominated = points.some(
      (q) => q.id !== p.id && q.fill >= p.fill && q.invited <= p.invited && (q.fill > p.fill || q.invited < p.invited),
    );
    if (!dominated) front.add(p.id);
  }
  return front;
}

/**
 * Survivors first, by mean score on the cases they saw (all the same cases); then the
 * dropped, those that lasted longer first, each group by mean score; ties by id.
 */
export function rankRacers(results: readonly RacerResult[], objective: Objective): RacerResult[] {
  const meanScore = (r: RacerResult): number => mean(r.rows.map((row) => score(row, objective)));
  const lasted = (r: RacerResult): number => (r.droppedAfter === null ? Number.POSITIVE_INFINITY : r.droppedAfter);
  return [...results].sort((a, b) => lasted(b) - lasted(a) || meanScore(b) - meanScore(a) || a.racer.id - b.racer.id);
}

export interface StudyInput {
  readonly race: RaceResult;
  readonly objective: Objective;
  /** The run's cases in the order they were met. */
  readonly cases: readonly CaseKey[];
  /** Scenario names in the order the user gave them. */
  readonly scenarios: readonly string[];
  readonly resamples: number;
  readonly seed: number;
}

/** Ranks the configurations and computes what the report shows of each. */
export function summarizeConfigs(input: StudyInput): ConfigSummary[] {
  const ranked = rankRacers(input.race.racers, input.objective);
  const defaults = input.race.racers.find((r) => r.racer.isDefault);
  if (defaults === undefined) throw new Error('the defaults must be among the configurations');
  const vs = intervalsVsDefaults(
    ranked.map((r) => ({ rows: r.rows, isDefault: r.racer.isDefault })),
    defaults.rows,
    input.cases,
    input.resamples,
    input.seed,
  );
  // Only configurations that saw every case the race ran are comparable on the front.
  const longest = Math.max(...ranked.map((r) => r.rows.length));
  const front = paretoFront(
    ranked
      .filter((r) => r.rows.length === longest)
      .map((r) => ({ id: r.racer.id, fill: figures(r.rows).fill_rate, invited: figures(r.rows).invited })),
  );
  return ranked.map((r, i) => ({
    rank: i + 1,
    id: r.racer.id,
    spec: r.racer.spec,
    params: r.racer.point,
    is_default: r.racer.isDefault,
    status: r.droppedAfter === null ? 'survived' : 'dropped',
    dropped_after: r.droppedAfter,
    p_value: r.pValue === null ? null : r6(r.pValue),
    overall: figures(r.rows),
    vs_defaults: vs[i] ?? null,
    by_scenario: input.scenarios.flatMap((scenario) => {
      const rows = r.rows.filter((_, k) => input.cases[k]?.scenario === scenario);
      return rows.length === 0 ? [] : [{ scenario, ...figures(rows) }];
    }),
    pareto: front.has(r.racer.id),
  }));
}

/** Who goes to the holdout: the best, the runner-up and the defaults, each once, with their roles. */
export function holdoutRacers(ranked: readonly ConfigSummary[], racers: readonly Racer[]): { racer: Racer; roles: string[] }[] {
  const out: { racer: Racer; roles: string[] }[] = [];
  const add = (id: number | undefined, role: string): void => {
    if (id === undefined) return;
    const seen = out.find((e) => e.racer.id === id);
    if (seen !== undefined) seen.roles.push(role);
    else out.push({ racer: racers[id] as Racer, roles: [role] });
  };
  add(ranked[0]?.id, 'best');
  add(ranked[1]?.id, 'runner-up');
  add(racers.find((r) => r.isDefault)?.id, 'defaults');
  return out;
}

/** In-sample and holdout figures side by side, with the holdout's paired intervals against the defaults. */
export function holdoutEntries(
  chosen: readonly { racer: Racer; roles: string[] }[],
  ranked: readonly ConfigSummary[],
  holdoutRows: readonly (readonly CaseRow[])[],
  holdoutCases: readonly CaseKey[],
  resamples: number,
  seed: number,
): HoldoutEntry[] {
  const d = chosen.findIndex((c) => c.racer.isDefault);
  const vs = intervalsVsDefaults(
    chosen.map((c, i) => ({ rows: holdoutRows[i] ?? [], isDefault: c.racer.isDefault })),
    holdoutRows[d] ?? [],
    holdoutCases,
    resamples,
    seed,
  );
  return chosen.map((c, i) => ({
    roles: c.roles,
    id: c.racer.id,
    spec: c.racer.spec,
    in_sample: ranked.find((s) => s.id === c.racer.id)?.overall ?? figures([]),
    holdout: figures(holdoutRows[i] ?? []),
    holdout_vs_defaults: vs[i] ?? null,
  }));
}
