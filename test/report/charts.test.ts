import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions, type BacktestResult } from '../../src/commands/backtest.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { CHART_NAMES, reportCharts } from '../../src/report/charts.ts';
import { deadlineCurve, forestRows, latencyPoints, spendMeans, spendPoints, valueBoxes, winCells, type CurvePoint } from '../../src/report/charts/data.ts';
import { engineColours, OKABE_ITO, ORACLE_COLOUR } from '../../src/report/charts/palette.ts';
import { spendChart } from '../../src/report/charts/specs.ts';
import { ORACLE, type CaseRow } from '../../src/score/rows.ts';
import type { Summary } from '../../src/score/summary.ts';
import { memoryIo, TINY, backtestOptions } from '../helpers.ts';


function options(o: Partial<BacktestOptions>): BacktestOptions {
  // Every registered engine and the informed reference, so that every chart has something to draw.
  return backtestOptions({ seed: 3, replicates: 25, bootstrap: 200, print: false, engines: [...ENGINE_NAMES, 'informed'], ...o });
}

let run: BacktestResult;
let summary: Summary;
let casesText: string;
beforeAll(async () => {
  run = await backtest(options({ out: path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-charts-')), 'r') }), memoryIo());
  summary = run.summary as Summary;
  casesText = readFileSync(path.join(run.dir, 'cases.csv'), 'utf8');
});

/** time_to_fill_ratio per engine straight from the text of cases.csv (no field of the tiny fixture is quoted). */
function ratiosFromCsv(text: string): Map<string, (number | null)[]> {
  const [header, ...lines] = text.trim().split('\n');
  const columns = (header ?? '').split(',');
  const engineAt = columns.indexOf('engine');
  const ratioAt = columns.indexOf('time_to_fill_ratio');
  const out = new Map<string, (number | null)[]>();
  for (const line of lines) {
    const cells = line.split(',');
    const engine = cells[engineAt] as string;
    const raw = cells[ratioAt] as string;
    out.set(engine, [...(out.get(engine) ?? []), raw === '' ? null : Number(raw)]);
  }
  return out;
}

const ecdf = (ratios: readonly (number | null)[], x: number): number => ratios.filter((r) => r !== null && r <= x).length / ratios.length;

describe('the deadline curve', () => {
  it('is the ECDF of time_to_fill_ratio in cases.csv over all cases, unfilled ones never reaching the top', () => {
    const byEngine = ratiosFromCsv(casesText);
    const engines = summary.engines.map((e) => e.engine);
    const curve = deadlineCurve(run.rows, engines);
    let someUnfilled = false;
    for (const engine of engines) {
      const ratios = byEngine.get(engine) ?? [];
      const points = curve.filter((p) => p.engine === engine);
      expect(points.length).toBeGreaterThan(1);
      for (const p of points) expect(p.y).toBeCloseTo(ecdf(ratios, p.x), 6);
      // Every step of the ECDF is a point of the curve.
      for (const r of ratios) if (r !== null && r > 0 && r < 1) expect(points.some((p) => p.x === r)).toBe(true);
      const unfilled = ratios.filter((r) => r === null).length;
      const end = points[points.length - 1] as CurvePoint;
      expect(end.x).toBe(1);
      expect(end.y).toBeCloseTo(1 - unfilled / ratios.length, 6);
      if (unfilled > 0) {
        someUnfilled = true;
        expect(Math.max(...points.map((p) => p.y))).toBeLessThan(1);
      }
      // Steps only go up.
      for (let i = 1; i < points.length; i++) expect((points[i] as CurvePoint).y).toBeGreaterThanOrEqual((points[i - 1] as CurvePoint).y);
    }
    // The fixture has openings that no engine can fill: the test must see some.
    expect(someUnfilled).toBe(true);
  });

  it('is read exactly on a regular grid when it has more steps than drawn', () => {
    const rows = Array.from({ length: 1000 }, (_, i): CaseRow => row('e', i, i % 10 === 0 ? null : (i + 0.5) / 1000));
    const curve = deadlineCurve(rows, ['e'], 50);
    expect(curve.length).toBe(51);
    const ratios = rows.map((r) => r.time_to_fill_ratio);
    for (const p of curve) expect(p.y).toBeCloseTo(ecdf(ratios, p.x), 6);
    expect(curve[curve.length - 1]?.y).toBeCloseTo(0.9, 6);
  });
});

function row(engine: string, i: number, ratio: number | null, o: Partial<CaseRow> = {}): CaseRow {
  return {
    replicate: 1,
    case_id: `c${i}`,
    engine,
    pool_size: 100,
    num_vacancies: 2,
    invited: 10,
    hires: ratio === null ? 0 : 2,
    fill_rate: ratio === null ? 0 : 1,
    overbooked: 0,
    oracle_invites: 5,
    excess_invites: 5,
    time_to_fill_minutes: ratio === null ? null : ratio * 600,
    time_to_fill_ratio: ratio,
    calls: 1,
    over_asks: 0,
    value: ratio === null ? -200 : 4800,
    regret: 0,
    fault: null,
    ...o,
  };
}

describe('the other charts\' data', () => {
  it('fill against spend: a point per case at (share invited, fill rate), thinned evenly past the cap', () => {
    const engines = summary.engines.map((e) => e.engine);
    const { points, stride } = spendPoints(run.rows, engines);
    expect(stride).toBe(1);
    expect(points).toHaveLength(run.rows.length);
    const first = run.rows[0] as CaseRow;
    const point = points.find((p) => p.engine === first.engine && p.case_id === first.case_id && p.replicate === first.replicate);
    expect(point?.invited_share).toBeCloseTo(first.invited / first.pool_size, 6);
    expect(point?.fill_rate).toBe(first.fill_rate);
    for (const p of points) expect(Math.abs(p.fill_shown - p.fill_rate)).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(new Set(points.slice(0, 101).map((p) => p.fill_shown - p.fill_rate)).size).toBeGreaterThan(50);
    const thinned = spendPoints(run.rows, engines, 30);
    expect(thinned.stride).toBe(Math.ceil(run.rows.length / engines.length / 30));
    expect(thinned.points.length).toBeLessThanOrEqual(30 * engines.length);
  });

  it('fill against spend: the crosses are the summary\'s fill rate intervals and a share invited that lies inside its own', () => {
    const means = spendMeans(run.rows, summary);
    expect(means.map((m) => m.engine)).toEqual(summary.engines.map((e) => e.engine));
    for (const m of means) {
      const e = summary.engines.find((x) => x.engine === m.engine)!;
      expect([m.fill_rate, m.fill_lo, m.fill_hi]).toEqual([e.fill_rate.mean, ...e.fill_rate.ci95!]);
      const shares = run.rows.filter((r) => r.engine === m.engine).map((r) => r.invited / r.pool_size);
      expect(m.invited_share).toBeCloseTo(shares.reduce((s, x) => s + x, 0) / shares.length, 6);
      expect(m.invited_lo).toBeLessThanOrEqual(m.invited_share);
      expect(m.invited_hi).toBeGreaterThanOrEqual(m.invited_share);
    }
  });

  it('value per case: quartiles, 5th and 95th percentiles and mean per engine', () => {
    const rows = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v, i) => row('e', i, 0.5, { value: v * 100 }));
    const [box] = valueBoxes(rows, ['e']);
    expect(box).toMatchObject({ engine: 'e', min: 100, max: 1000, mean: 550, median: 550 });
    expect(box!.q1).toBeLessThan(box!.median);
    expect(box!.p5).toBeLessThan(box!.q1);
    expect(box!.p95).toBeGreaterThan(box!.q3);
  });

  it('the forest plot: each engine but the baseline, as in summary.json', () => {
    const rows = forestRows(summary);
    const others = summary.engines.filter((e) => e.engine !== summary.baseline);
    expect(rows).toHaveLength(others.length * 2);
    expect(rows.some((r) => r.engine === summary.baseline)).toBe(false);
    const e = others[0]!;
    expect(rows.find((r) => r.engine === e.engine && r.figure === 'value')).toMatchObject({
      mean: e.vs_baseline!.value_diff.mean,
      lo: e.vs_baseline!.value_diff.ci95![0],
      hi: e.vs_baseline!.value_diff.ci95![1],
    });
  });

  it('the heat map: every ordered pair of summary.json\'s win rates', () => {
    const cells = winCells(summary);
    expect(cells).toHaveLength(summary.win_rates.length);
    expect(cells.map((c) => c.win_rate)).toEqual(summary.win_rates.map((w) => w.win_rate));
  });

  it('latency: p50 and p99 of engines that decided, none without timings', () => {
    expect(latencyPoints(null)).toEqual([]);
    const timings = JSON.parse(readFileSync(path.join(run.dir, 'timings.json'), 'utf8'));
    const points = latencyPoints(timings);
    expect(points.filter((p) => p.quantile === 'p99').map((p) => p.engine)).toEqual(summary.engines.map((e) => e.engine).filter((e) => e !== ORACLE));
  });
});

describe('colours', () => {
  it('one Okabe–Ito colour per engine, the oracle black, none shared', () => {
    const colours = engineColours(['a', 'b', ORACLE, 'c']);
    expect([...colours.values()]).toEqual([OKABE_ITO[0], OKABE_ITO[1], ORACLE_COLOUR, OKABE_ITO[2]]);
    expect(new Set(colours.values()).size).toBe(4);
  });

  it('the same in every chart of a report', () => {
    const timings = JSON.parse(readFileSync(path.join(run.dir, 'timings.json'), 'utf8'));
    const charts = reportCharts({ summary, rows: run.rows, timings });
    expect(charts.map((c) => c.name)).toEqual(CHART_NAMES);
    const expected = engineColours(summary.engines.map((e) => e.engine));
    let scales = 0;
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x !== null && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (o.field === 'engine' && typeof o.scale === 'object' && o.scale !== null) {
          const { domain, range } = o.scale as { domain: string[]; range: string[] };
          domain.forEach((engine, i) => expect(range[i]).toBe(expected.get(engine)));
          scales++;
        }
        Object.values(o).forEach(walk);
      }
    };
    for (const c of charts) walk(c.spec);
    expect(scales).toBeGreaterThanOrEqual(charts.length);
  });
});

describe('the registry', () => {
  it('names the charts/ files users see, in the page\'s order: renaming one is a change users see', () => {
    expect(CHART_NAMES).toEqual(['deadline', 'fill-vs-spend', 'value', 'regret-split', 'paired', 'win-rates', 'latency']);
  });
});

describe('fill against spend, as a reader sees it', () => {
  // The spec as plain data: its title, its shared encoding and its layers' colour channels.
  type Shape = { title: { text: string; subtitle: string }; encoding?: { y?: { field: string } }; layer: { encoding: { color?: { legend?: unknown } } }[] };
  const shape = (chart: { spec: unknown }) => chart.spec as Shape;

  it('names each engine in a legend: no layer takes it away', () => {
    const engines = summary.engines.map((e) => e.engine);
    const rows = run.rows.map((r, i) => (i === 0 ? { ...r, fill_rate: 0.5 } : r));
    const spec = shape(spendChart({ summary, rows, timings: null }, engines));
    expect(spec.title.text).toBe('Fill rate against share of the pool invited');
    const colours = spec.layer.map((l) => l.encoding.color);
    expect(colours.every((c) => c !== undefined && c.legend !== null)).toBe(true);
  });

  it('draws the share invited per engine, and says why, when no case differs in fill rate', () => {
    const engines = summary.engines.map((e) => e.engine);
    const rows = run.rows.map((r) => ({ ...r, fill_rate: 1 }));
    const chart = spendChart({ summary, rows, timings: null }, engines);
    const spec = shape(chart);
    expect(spec.title.text).toBe('Share of the pool invited');
    expect(spec.title.subtitle).toMatch(/^fill rate 100 % on every case of every engine, so not drawn/);
    expect(spec.encoding?.y?.field).toBe('engine');
    expect(chart.question).toMatch(/^Every case of every engine filled 100 % of its vacancies/);
  });
});
