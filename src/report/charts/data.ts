/**
 * The data of each chart of report.html, shaped from a run's rows, summary and timings: pure,
 * so that it can be tested without drawing.
 */
import { quantileSorted } from '../../stats/distributions.ts';
import type { CaseRow } from '../../score/rows.ts';
import { bootstrapIntervals, clustersOf, type Summary } from '../../score/summary.ts';
import type { Timings } from '../timings.ts';

/** What a run's charts are drawn from. */
export interface ChartInput {
  readonly summary: Summary;
  readonly rows: readonly CaseRow[];
  readonly timings: Timings | null;
}

/** Cases drawn as points per engine at most; beyond, every k-th case (said in the chart). */
export const MAX_POINTS_PER_ENGINE = 1500;
/** Steps of a deadline curve at most; beyond, the curve is read on a regular grid. */
export const MAX_CURVE_STEPS = 400;

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function rowsOf(rows: readonly CaseRow[], engine: string): CaseRow[] {
  return rows.filter((r) => r.engine === engine);
}

// ---------------------------------------------------------------------------------------
// The deadline curve

export interface CurvePoint {
  readonly engine: string;
  /** Share of the window elapsed. */
  readonly x: number;
  /** Share of the engine's openings filled by then. */
  readonly y: number;
}

/**
 * Per engine, the empirical distribution function of `time_to_fill_ratio` over ALL its
 * cases: an opening never filled counts in the denominator and never in the numerator, so
 * the curve ends below 1 by the share of unfilled openings. Drawn as steps (right-continuous):
 * a point (x, y) holds y from x to the next point.
 */
export function deadlineCurve(rows: readonly CaseRow[], engines: readonly string[], maxSteps: number = MAX_CURVE_STEPS): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const engine of engines) {
    const mine = rowsOf(rows, engine);
    const n = mine.length;
    if (n === 0) continue;
    const ratios = mine
      .map((r) => r.time_to_fill_ratio)
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    const share = (k: number): number => r6(k / n);
    // Filled by x: the count of ratios <= x, by binary search on the sorted ratios.
    const filledBy = (x: number): number => {
      let lo = 0;
      let hi = ratios.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((ratios[mid] as number) <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const distinct = [...new Set(ratios)].filter((x) => x > 0 && x < 1);
    const xs = distinct.length <= maxSteps ? distinct : Array.from({ length: maxSteps - 1 }, (_, k) => (k + 1) / maxSteps);
    for (const x of [0, ...xs, 1]) out.push({ engine, x: r6(x), y: share(filledBy(x)) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Fill against spend

export interface SpendPoint {
  readonly engine: string;
  readonly case_id: string;
  readonly replicate: number;
  /** Share of the pool invited. */
  readonly invited_share: number;
  readonly fill_rate: number;
  /**
   * The fill rate moved up or down by at most one percentage point, by a fixed rule from the
   * point's place, so that equal points stay visible and the chart the same run to run.
   */
  readonly fill_shown: number;
}

/** Up to ±0.01, spread evenly over 101 values by a multiplicative step. */
export function jitterOf(i: number): number {
  return r6((((i + 1) * 7919) % 101) / 101 - 0.5) * 0.02;
}

export interface SpendMean {
  readonly engine: string;
  readonly invited_share: number;
  readonly invited_lo: number;
  readonly invited_hi: number;
  readonly fill_rate: number;
  readonly fill_lo: number;
  readonly fill_hi: number;
}

const invitedShare = (r: CaseRow): number => (r.pool_size > 0 ? r.invited / r.pool_size : 0);

/** Each case as a point, at most `max` per engine (every k-th case, the same cases for every engine). */
export function spendPoints(rows: readonly CaseRow[], engines: readonly string[], max: number = MAX_POINTS_PER_ENGINE): { points: SpendPoint[]; stride: number } {
  const perEngine = engines.map((e) => rowsOf(rows, e));
  const n = Math.max(0, ...perEngine.map((r) => r.length));
  const stride = Math.max(1, Math.ceil(n / max));
  const points: SpendPoint[] = [];
  for (const mine of perEngine) {
    for (let i = 0; i < mine.length; i += stride) {
      const r = mine[i] as CaseRow;
      const fill_shown = r6(Math.min(1.01, Math.max(-0.01, r.fill_rate + jitterOf(points.length))));
      points.push({ engine: r.engine, case_id: r.case_id, replicate: r.replicate, invited_share: r6(invitedShare(r)), fill_rate: r.fill_rate, fill_shown });
    }
  }
  return { points, stride };
}

/**
 * Each engine's mean share invited and mean fill rate with 95 % intervals: the fill rate's
 * is the summary's; the share invited's is bootstrapped here the same way (same resamples
 * over cases, same seed), the summary having no interval for it.
 */
export function spendMeans(rows: readonly CaseRow[], summary: Summary): SpendMean[] {
  const engines = summary.engines.map((e) => e.engine);
  const shares = engines.map((e) => Float64Array.from(rowsOf(rows, e), invitedShare));
  const counts = new Set(shares.map((s) => s.length));
  // Resampled like the summary: cases with all their replicates.
  const caseIds = rowsOf(rows, engines[0] ?? '').map((r) => r.case_id);
  const intervals = counts.size === 1 ? bootstrapIntervals(shares, summary.params.bootstrap, summary.seed, clustersOf(caseIds)) : null;
  return summary.engines.flatMap((e, i) => {
    const share = intervals?.[i];
    if (share === undefined) return [];
    return [
      {
        engine: e.engine,
        invited_share: share.mean,
        // No interval (one case): the cross shrinks to its centre rather than claiming one.
        invited_lo: share.ci95?.[0] ?? share.mean,
        invited_hi: share.ci95?.[1] ?? share.mean,
        fill_rate: e.fill_rate.mean,
        fill_lo: e.fill_rate.ci95?.[0] ?? e.fill_rate.mean,
        fill_hi: e.fill_rate.ci95?.[1] ?? e.fill_rate.mean,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------
// Value per case

export interface ValueBox {
  readonly engine: string;
  readonly p5: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** The distribution of value per case of each engine, as the numbers of a box plot. */
export function valueBoxes(rows: readonly CaseRow[], engines: readonly string[]): ValueBox[] {
  return engines.flatMap((engine) => {
    const values = Float64Array.from(rowsOf(rows, engine), (r) => r.value).sort();
    if (values.length === 0) return [];
    const q = (p: number): number => r6(quantileSorted(values, p));
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    return [{ engine, p5: q(0.05), q1: q(0.25), median: q(0.5), q3: q(0.75), p95: q(0.95), mean: r6(mean), min: values[0] as number, max: values[values.length - 1] as number }];
  });
}

// ---------------------------------------------------------------------------------------
// Paired differences from the baseline

export interface ForestRow {
  readonly engine: string;
  readonly figure: 'value' | 'fill rate';
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  /** For a comparison of two runs: which one. */
  readonly run?: string;
}

export function forestRows(summary: Summary, run?: string): ForestRow[] {
  const out: ForestRow[] = [];
  for (const e of summary.engines) {
    if (e.engine === summary.baseline || e.vs_baseline === null) continue;
    const d = e.vs_baseline;
    const extra = run === undefined ? {} : { run };
    const v = d.value_diff;
    const f = d.fill_rate_diff;
    out.push({ engine: e.engine, figure: 'value', mean: v.mean, lo: v.ci95?.[0] ?? v.mean, hi: v.ci95?.[1] ?? v.mean, ...extra });
    out.push({ engine: e.engine, figure: 'fill rate', mean: f.mean, lo: f.ci95?.[0] ?? f.mean, hi: f.ci95?.[1] ?? f.mean, ...extra });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Win rates and latency

export interface WinCell {
  readonly engine: string;
  readonly opponent: string;
  readonly win_rate: number | null;
  readonly label: string;
}

export function winCells(summary: Summary): WinCell[] {
  return summary.win_rates.map((w) => ({
    engine: w.engine,
    opponent: w.opponent,
    win_rate: w.win_rate,
    label: w.win_rate === null ? 'ties' : `${Math.round(w.win_rate * 100)}`,
  }));
}

export interface LatencyPoint {
  readonly engine: string;
  readonly quantile: 'p50' | 'p99';
  readonly us: number;
}

/** p50 and p99 per engine; none when the timings hold no latencies (a merged run's). */
export function latencyPoints(timings: Timings | null): LatencyPoint[] {
  if (timings === null || !Array.isArray(timings.engines)) return [];
  return timings.engines
    .filter((e) => e.decisions > 0)
    .flatMap((e) => [
      { engine: e.engine, quantile: 'p50' as const, us: Math.max(e.p50_us, 0.01) },
      { engine: e.engine, quantile: 'p99' as const, us: Math.max(e.p99_us, 0.01) },
    ]);
}

// ---------------------------------------------------------------------------------------
// Regret split in two

export interface SplitSegment {
  readonly engine: string;
  readonly part: 'hindsight' | 'learnable';
  /** Where the part starts and ends on the regret axis: hindsight from 0, learnable from there on (back, when negative). */
  readonly from: number;
  readonly to: number;
}

export interface SplitTotal {
  readonly engine: string;
  readonly regret: number;
  /** The learnable part's 95 % interval, placed after the hindsight part. */
  readonly lo: number;
  readonly hi: number;
}

/** Each engine's regret as its two stacked parts; nothing when informed did not run. */
export function splitSegments(summary: Summary): { segments: SplitSegment[]; totals: SplitTotal[] } {
  const hindsight = summary.engines.find((e) => e.hindsight !== undefined)?.hindsight;
  if (hindsight === undefined) return { segments: [], totals: [] };
  const h = hindsight.mean;
  const segments: SplitSegment[] = [];
  const totals: SplitTotal[] = [];
  for (const e of summary.engines) {
    const gap = e.gap_to_informed;
    if (gap === undefined) continue;
    segments.push({ engine: e.engine, part: 'hindsight', from: 0, to: h });
    segments.push({ engine: e.engine, part: 'learnable', from: h, to: r6(h + gap.mean) });
    totals.push({ engine: e.engine, regret: e.regret.mean, lo: r6(h + (gap.ci95?.[0] ?? gap.mean)), hi: r6(h + (gap.ci95?.[1] ?? gap.mean)) });
  }
  return { segments, totals };
}
