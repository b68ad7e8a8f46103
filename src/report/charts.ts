/**
 * The charts of report.html: pure builders of each chart's data from a run's rows, summary
 * and timings, and the Vega-Lite specification that draws it. No IO and no chart library at
 * run time (only its types), so the data can be tested without rendering and the quick start
 * does not pay for loading Vega when no report is written.
 */
import type { TopLevelSpec } from 'vega-lite';
import { quantileSorted } from '../stats/distributions.ts';
import { ORACLE, type CaseRow } from '../score/rows.ts';
import { bootstrapIntervals, clustersOf, type Summary } from '../score/summary.ts';
import type { Timings } from './timings.ts';

/** Okabe–Ito: told apart with any of the common colour-vision deficiencies; yellow last, being faint on white. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442'] as const;
export const ORACLE_COLOUR = '#000000';

/** One colour per engine, by its place in the summary, the oracle black; the same in every chart. */
export function engineColours(engines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  for (const e of engines) {
    if (e === ORACLE) out.set(e, ORACLE_COLOUR);
    else out.set(e, OKABE_ITO[i++ % OKABE_ITO.length] as string);
  }
  return out;
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
// Specifications

export interface ChartSpec {
  /** File name under charts/, without .svg; also the figure's id in report.html. */
  readonly name: string;
  readonly title: string;
  /** The question the chart answers, shown under it. */
  readonly question: string;
  readonly spec: TopLevelSpec;
}

export interface ChartInput {
  readonly summary: Summary;
  readonly rows: readonly CaseRow[];
  readonly timings: Timings | null;
}

const WIDTH = 460;
const HEIGHT = 300;

export const CONFIG = {
  // No ARIA label per mark: a chart of many points would carry one per point; the page's figure has a caption.
  aria: false,
  font: 'Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: '#cccccc' },
  title: { fontSize: 15, anchor: 'start' as const, subtitleColor: '#555555', subtitleFontSize: 11, offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#eeeeee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 220 },
};

function colourScale(engines: readonly string[]): { domain: string[]; range: string[] } {
  const colours = engineColours(engines);
  return { domain: [...engines], range: engines.map((e) => colours.get(e) ?? ORACLE_COLOUR) };
}

function engineColour(engines: readonly string[], legend = true) {
  return { field: 'engine', type: 'nominal' as const, title: 'engine', scale: colourScale(engines), sort: [...engines], ...(legend ? {} : { legend: null }) };
}

function deadlineSpec(input: ChartInput, engines: readonly string[]): ChartSpec {
  return {
    name: 'deadline',
    title: 'Deadline curve',
    question: 'How fast does each engine fill its openings within the window? Openings never filled keep a curve below 100 % at the right edge.',
    spec: {
      title: { text: 'Share of openings filled as the window elapses', subtitle: 'oracle dashed; a curve ends below 100 % by the share never filled' },
      width: WIDTH,
      height: HEIGHT,
      data: { values: deadlineCurve(input.rows, engines) },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'share of the window elapsed (%)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        y: { field: 'y', type: 'quantitative', title: 'openings filled (%)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        color: engineColour(engines),
        strokeDash: {
          condition: { test: `datum.engine === ${JSON.stringify(ORACLE)}`, value: [6, 4] },
          value: [1, 0],
        },
      },
    },
  };
}

function spendSpec(input: ChartInput, engines: readonly string[]): ChartSpec {
  const { points, stride } = spendPoints(input.rows, engines);
  const means = spendMeans(input.rows, input.summary);
  const sampled = stride > 1 ? `; every ${stride}th case drawn` : '';
  return {
    name: 'fill-vs-spend',
    title: 'Fill against spend',
    question: 'Where does each engine trade pool spent for openings filled? Dots are cases, crosses the engine\'s mean with its 95 % intervals.',
    spec: {
      title: { text: 'Fill rate against share of the pool invited', subtitle: `dots: cases, offset ≤ 1 point so overlaps show; crosses: means, 95 % intervals${sampled}` },
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: points },
          mark: { type: 'circle', size: 14, opacity: 0.35, clip: true },
          encoding: {
            x: { field: 'invited_share', type: 'quantitative', title: 'share of the pool invited (%)', axis: { format: '.0%' } },
            y: { field: 'fill_shown', type: 'quantitative', title: 'fill rate (%)', axis: { format: '.0%' }, scale: { domain: [-0.02, 1.02], nice: false } },
            color: engineColour(engines),
          },
        },
        {
          data: { values: means },
          mark: { type: 'rule', strokeWidth: 2.5 },
          encoding: {
            x: { field: 'invited_lo', type: 'quantitative' },
            x2: { field: 'invited_hi' },
            y: { field: 'fill_rate', type: 'quantitative' },
            color: engineColour(engines, false),
          },
        },
        {
          data: { values: means },
          mark: { type: 'rule', strokeWidth: 2.5 },
          encoding: {
            x: { field: 'invited_share', type: 'quantitative' },
            y: { field: 'fill_lo', type: 'quantitative' },
            y2: { field: 'fill_hi' },
            color: engineColour(engines, false),
          },
        },
        {
          data: { values: means },
          mark: { type: 'point', shape: 'cross', size: 160, filled: true, stroke: '#ffffff', strokeWidth: 1 },
          encoding: {
            x: { field: 'invited_share', type: 'quantitative' },
            y: { field: 'fill_rate', type: 'quantitative' },
            color: engineColour(engines, false),
          },
        },
      ],
    },
  };
}

function valueSpec(input: ChartInput, engines: readonly string[]): ChartSpec {
  const boxes = valueBoxes(input.rows, engines);
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: [...engines] };
  return {
    name: 'value',
    title: 'Value per case',
    question: 'How wide is each engine\'s value spread, and how far below the oracle\'s?',
    spec: {
      title: { text: 'Value per case', subtitle: 'box: quartiles; line: median; whiskers: 5th to 95th percentile; dot: mean' },
      width: WIDTH,
      data: { values: boxes },
      encoding: { y },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x: { field: 'p5', type: 'quantitative', title: 'value per case (money units)' }, x2: { field: 'p95' }, color: engineColour(engines, false) } },
        { mark: { type: 'bar', size: 14, opacity: 0.45 }, encoding: { x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' }, color: engineColour(engines, false) } },
        { mark: { type: 'tick', size: 14, thickness: 2, color: '#000000' }, encoding: { x: { field: 'median', type: 'quantitative' } } },
        { mark: { type: 'point', filled: true, size: 40, stroke: '#ffffff', strokeWidth: 1 }, encoding: { x: { field: 'mean', type: 'quantitative' }, color: engineColour(engines, false) } },
      ],
    },
  };
}

/** A forest plot of paired differences; `runs` gives each run its own row (compare's page). */
export function forestSpec(name: string, rows: readonly ForestRow[], engines: readonly string[], title: string, subtitle: string, runs?: readonly string[]): ChartSpec {
  const panel = (figure: ForestRow['figure'], axisTitle: string, format: string) => {
    const data = rows.filter((r) => r.figure === figure);
    const y = { field: 'engine', type: 'nominal' as const, title: null, sort: engines.filter((e) => data.some((r) => r.engine === e)) };
    const yOffset = runs === undefined ? {} : { yOffset: { field: 'run', type: 'nominal' as const, sort: [...runs], title: 'run' } };
    const shape = runs === undefined ? {} : { shape: { field: 'run', type: 'nominal' as const, sort: [...runs], title: 'run', scale: { domain: [...runs], range: ['circle', 'square', 'diamond'] } } };
    return {
      width: 250,
      // With runs, the step is each run's row within an engine's band.
      height: { step: runs === undefined ? 26 : 16 },
      data: { values: data },
      layer: [
        { mark: { type: 'rule' as const, color: '#888888', strokeDash: [4, 3] }, data: { values: [{ zero: 0 }] }, encoding: { x: { field: 'zero', type: 'quantitative' as const } } },
        {
          mark: { type: 'rule' as const, strokeWidth: 2 },
          encoding: { y, ...yOffset, x: { field: 'lo', type: 'quantitative' as const, title: axisTitle, axis: { format } }, x2: { field: 'hi' }, color: engineColour(engines, false) },
        },
        {
          mark: { type: 'point' as const, filled: true, size: 60 },
          encoding: { y, ...yOffset, ...shape, x: { field: 'mean', type: 'quantitative' as const }, color: engineColour(engines, false) },
        },
      ],
    };
  };
  return {
    name,
    title,
    question: 'How sure are we that each engine beats the baseline? An interval clear of zero is a difference that held over the resampled cases.',
    spec: {
      title: { text: title, subtitle },
      hconcat: [panel('value', 'Δ value per case (money units)', ',.0f'), panel('fill rate', 'Δ fill rate (percentage points)', '+.0%')],
      // Each panel its own y scale: shared, the band steps of the run offsets conflict.
      resolve: { scale: { y: 'independent', yOffset: 'independent', x: 'independent' } },
    },
  };
}

function winSpec(input: ChartInput, engines: readonly string[]): ChartSpec {
  const order = [...engines];
  return {
    name: 'win-rates',
    title: 'Win rates',
    question: 'On what share of cases does the row engine earn more than the column engine?',
    spec: {
      title: { text: 'Win rate on value, row engine against column engine', subtitle: 'per cent of cases won, ties left out; 50 is even' },
      data: { values: winCells(input.summary) },
      width: { step: 56 },
      height: { step: 30 },
      encoding: {
        x: { field: 'opponent', type: 'nominal', title: 'against (column engine)', sort: order, axis: { labelAngle: -30, orient: 'top' } },
        y: { field: 'engine', type: 'nominal', title: 'engine (row)', sort: order },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: '#ffffff' },
          encoding: {
            color: { field: 'win_rate', type: 'quantitative', title: 'win rate (%)', scale: { scheme: 'blueorange', domain: [0, 1], domainMid: 0.5 }, legend: { format: '.0%' } },
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            text: { field: 'label' },
            // Dark cells get white figures.
            color: { condition: { test: 'datum.win_rate !== null && (datum.win_rate < 0.2 || datum.win_rate > 0.8)', value: '#ffffff' }, value: '#000000' },
          },
        },
      ],
    },
  };
}

function latencySpec(points: readonly LatencyPoint[], engines: readonly string[]): ChartSpec {
  const timed = engines.filter((e) => points.some((p) => p.engine === e));
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: timed };
  // One tick per decade: a log axis otherwise draws every 2, 3, … 9 of each decade.
  const lo = Math.floor(Math.log10(Math.min(...points.map((p) => p.us))));
  const hi = Math.ceil(Math.log10(Math.max(...points.map((p) => p.us))));
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return {
    name: 'latency',
    title: 'Decision latency',
    question: 'How long does each engine take to decide, typically (p50) and at its slowest (p99)?',
    spec: {
      title: { text: 'Decision latency per engine', subtitle: 'wall time of each decide() call; circle p50, square p99; log scale; varies run to run' },
      width: WIDTH,
      height: { step: 26 },
      data: { values: points },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: { y, detail: { field: 'engine' }, x: { field: 'us', type: 'quantitative' }, color: engineColour(timed, false) },
        },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 'us', type: 'quantitative', title: 'latency per decision (µs, log scale)', scale: { type: 'log', domain: [decades[0] ?? 1, decades[decades.length - 1] ?? 10] }, axis: { values: decades, format: ',~g' } },
            color: engineColour(timed, false),
            shape: { field: 'quantile', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p99'], range: ['circle', 'square'] } },
          },
        },
      ],
    },
  };
}

/** Every chart of a report, in the page's order; latency only when timings hold latencies. */
export function reportCharts(input: ChartInput): ChartSpec[] {
  const engines = input.summary.engines.map((e) => e.engine);
  const charts = [deadlineSpec(input, engines), spendSpec(input, engines), valueSpec(input, engines)];
  if (input.summary.baseline !== null && input.summary.engines.some((e) => e.vs_baseline !== null && e.engine !== input.summary.baseline)) {
    charts.push(
      forestSpec('paired', forestRows(input.summary), engines, `Paired difference from ${input.summary.baseline}`, 'mean per-case difference with its 95 % bootstrap interval; dashed line: no difference'),
    );
  }
  if (engines.length > 1) charts.push(winSpec(input, engines));
  const latency = latencyPoints(input.timings);
  if (latency.length > 0) charts.push(latencySpec(latency, engines));
  return charts.map((c) => ({ ...c, spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...c.spec } as TopLevelSpec }));
}
