/**
 * The Vega-Lite specification of each chart of report.html, with its caption: how each
 * chart draws the data shaped in data.ts. Which charts a report has, and in what order, is
 * the registry's (../charts.ts).
 */
import { ORACLE } from '../../score/rows.ts';
import { deadlineCurve, forestRows, latencyPoints, spendMeans, spendPoints, splitSegments, valueBoxes, winCells, type ChartInput, type ForestRow, type LatencyPoint, type SpendMean, type SpendPoint } from './data.ts';
import { colourChannel, engineColour, HEIGHT, WIDTH, type Chart } from './theme.ts';

const quantitative = (field: string) => ({ field, type: 'quantitative' as const });

export function deadlineChart(input: ChartInput, engines: readonly string[]): Chart {
  return {
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

/**
 * Fill against spend: each case a dot at (share of the pool invited, fill rate), each engine's
 * mean a cross with its intervals. When no case of any engine differs in fill rate (every
 * opening filled, as on cold_start), a fill axis would be one flat line of dots: the chart then
 * gives each engine its own row and draws the share invited alone, saying why in its subtitle.
 */
export function spendChart(input: ChartInput, engines: readonly string[]): Chart {
  const { points, stride } = spendPoints(input.rows, engines);
  const means = spendMeans(input.rows, input.summary);
  const sampled = stride > 1 ? `; every ${stride}th case drawn` : '';
  const fills = new Set(input.rows.filter((r) => engines.includes(r.engine)).map((r) => r.fill_rate));
  if (fills.size === 1) return spendStrip(points, means, engines, [...fills][0] ?? 0, sampled);
  // The three marks of each engine's cross: its two intervals and its mean. Every layer keeps
  // the engine legend: one layer without it would take the merged legend away from all.
  // Its symbols drawn solid, not as faint as the dots.
  const colour = { ...engineColour(engines), legend: { symbolOpacity: 1 } };
  const meanLayer = <M extends object, E extends object>(mark: M, encoding: E) => ({ data: { values: means }, mark, encoding: { ...encoding, color: colour } });
  const interval = { type: 'rule' as const, strokeWidth: 2.5 };
  return {
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
            color: colour,
          },
        },
        meanLayer(interval, { x: quantitative('invited_lo'), x2: { field: 'invited_hi' }, y: quantitative('fill_rate') }),
        meanLayer(interval, { x: quantitative('invited_share'), y: quantitative('fill_lo'), y2: { field: 'fill_hi' } }),
        meanLayer({ type: 'point' as const, shape: 'cross', size: 160, filled: true, stroke: '#ffffff', strokeWidth: 1 }, { x: quantitative('invited_share'), y: quantitative('fill_rate') }),
      ],
    },
  };
}

/** The spend chart when fill rate does not vary: a row per engine (named on its axis), share invited across. */
function spendStrip(points: readonly SpendPoint[], means: readonly SpendMean[], engines: readonly string[], fill: number, sampled: string): Chart {
  const shown = engines.filter((e) => points.some((p) => p.engine === e));
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: shown };
  const x = (field: string, title?: string) => ({ field, type: 'quantitative' as const, ...(title === undefined ? {} : { title, axis: { format: '.0%' } }) });
  const filled = `${Math.round(fill * 1000) / 10} %`;
  return {
    title: 'Fill against spend',
    question: `Every case of every engine filled ${filled} of its vacancies, so fill rate cannot tell the engines apart: how much of the pool does each spend for it? Dots are cases, crosses the engine's mean with its 95 % interval.`,
    spec: {
      title: { text: 'Share of the pool invited', subtitle: `fill rate ${filled} on every case of every engine, so not drawn; dots: cases; crosses: means, 95 % intervals${sampled}` },
      width: WIDTH,
      height: { step: 34 },
      encoding: { y },
      layer: [
        { data: { values: points }, mark: { type: 'circle', size: 14, opacity: 0.35 }, encoding: { x: x('invited_share', 'share of the pool invited (%)'), color: engineColour(engines, false) } },
        { data: { values: means }, mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { x: x('invited_lo'), x2: { field: 'invited_hi' }, color: engineColour(engines, false) } },
        { data: { values: means }, mark: { type: 'point', shape: 'cross', size: 160, filled: true, stroke: '#ffffff', strokeWidth: 1 }, encoding: { x: x('invited_share'), color: engineColour(engines, false) } },
      ],
    },
  };
}

export function valueChart(input: ChartInput, engines: readonly string[]): Chart {
  const boxes = valueBoxes(input.rows, engines);
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: [...engines] };
  return {
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

const SPLIT_PARTS = ['hindsight', 'learnable'] as const;
const SPLIT_COLOURS: Record<(typeof SPLIT_PARTS)[number], string> = { hindsight: '#999999', learnable: '#D55E00' };

/** Each engine's regret as two stacked parts, hindsight then learnable; none when informed did not run. */
export function splitChart(input: ChartInput, engines: readonly string[]): Chart | null {
  const { segments, totals } = splitSegments(input.summary);
  if (segments.length === 0) return null;
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: engines.filter((e) => totals.some((t) => t.engine === e)) };
  return {
    title: 'Regret split in two',
    question: 'How much of each engine\'s regret is the price of not seeing the future (hindsight), and how much could a better engine recover (learnable)?',
    spec: {
      title: { text: 'Regret per case: hindsight + learnable', subtitle: 'hindsight: oracle − informed, the same for all; learnable: informed − engine (leftward when the engine beat informed), its 95 % interval as a line; tick: regret' },
      width: WIDTH,
      height: { step: 26 },
      layer: [
        {
          data: { values: segments },
          mark: { type: 'bar', size: 16 },
          encoding: {
            y,
            x: { field: 'from', type: 'quantitative', title: 'regret per case (money units)' },
            x2: { field: 'to' },
            color: colourChannel('part', 'part', SPLIT_PARTS, (p) => SPLIT_COLOURS[p]),
            opacity: { value: 0.8 },
          },
        },
        { data: { values: totals }, mark: { type: 'rule', strokeWidth: 1.5, color: '#000000' }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        { data: { values: totals }, mark: { type: 'tick', size: 20, thickness: 2, color: '#000000' }, encoding: { y, x: { field: 'regret', type: 'quantitative' } } },
      ],
    },
  };
}

/** A forest plot of paired differences; `runs` gives each run its own row (compare's page). */
export function forestChart(rows: readonly ForestRow[], engines: readonly string[], title: string, subtitle: string, runs?: readonly string[]): Chart {
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

/** The paired differences from the baseline; none without a baseline or an engine paired with it. */
export function pairedChart(input: ChartInput, engines: readonly string[]): Chart | null {
  const { summary } = input;
  if (summary.baseline === null || !summary.engines.some((e) => e.vs_baseline !== null && e.engine !== summary.baseline)) return null;
  return forestChart(forestRows(summary), engines, `Paired difference from ${summary.baseline}`, 'mean per-case difference with its 95 % bootstrap interval; dashed line: no difference');
}

/** The win-rate matrix; none with a single engine. */
export function winChart(input: ChartInput, engines: readonly string[]): Chart | null {
  if (engines.length <= 1) return null;
  const order = [...engines];
  return {
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

/** p50 and p99 of each engine's decisions; none when the timings hold no latencies. */
export function latencyChart(input: ChartInput, engines: readonly string[]): Chart | null {
  const points: readonly LatencyPoint[] = latencyPoints(input.timings);
  if (points.length === 0) return null;
  const timed = engines.filter((e) => points.some((p) => p.engine === e));
  const y = { field: 'engine', type: 'nominal' as const, title: null, sort: timed };
  // One tick per decade: a log axis otherwise draws every 2, 3, … 9 of each decade.
  const lo = Math.floor(Math.log10(Math.min(...points.map((p) => p.us))));
  const hi = Math.ceil(Math.log10(Math.max(...points.map((p) => p.us))));
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return {
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
