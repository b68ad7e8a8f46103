import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { compare } from '../../src/commands/compare.ts';
import { merge } from '../../src/commands/merge.ts';
import { report } from '../../src/commands/report.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { CHART_NAMES, reportCharts } from '../../src/report/charts.ts';
import { parseCasesCsv } from '../../src/report/csv.ts';
import { escapeHtml, reportHtml } from '../../src/report/html.ts';
import { htmlReportFiles } from '../../src/report/html-files.ts';
import { localIds, roundCoordinates } from '../../src/report/render.ts';
import { writeFilesAtomically } from '../../src/report/write.ts';
import type { Summary } from '../../src/score/summary.ts';
import { backtestOptions, expectSelfContained, memoryIo, TINY } from '../helpers.ts';


function options(o: Partial<BacktestOptions>): BacktestOptions {
  // Every registered engine and the informed reference, so that every chart has something to draw.
  return backtestOptions({ seed: 3, replicates: 8, bootstrap: 200, print: false, engines: [...ENGINE_NAMES, 'informed'], ...o });
}

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-html-'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');
const CHARTS = CHART_NAMES;

let dir: string;
beforeAll(async () => {
  dir = path.join(temp(), 'run');
  await backtest(options({ out: dir, html: true }), memoryIo());
}, 60_000);

describe('report.html of a backtest', () => {
  it('is written with every chart, inline and as charts/NAME.svg', () => {
    const html = read(dir, 'report.html');
    expect(readdirSync(path.join(dir, 'charts')).sort()).toEqual(CHARTS.map((c) => `${c}.svg`).sort());
    for (const c of CHARTS) {
      const svg = read(dir, `charts/${c}.svg`);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(html).toContain(`<figure id="chart-${c}"`);
      expect(html).toContain(svg.trim());
    }
  });

  it('says where its figures come from: the latency chart is timings.json\'s, not summary.json\'s', () => {
    const html = read(dir, 'report.html');
    const footer = html.slice(html.indexOf('<footer>'), html.indexOf('</footer>'));
    expect(footer).not.toContain('every figure above is in summary.json');
    expect(footer).toContain('the tables&#39; figures are in summary.json');
    expect(footer).toContain('the latency chart timings.json');
  });

  it('needs nothing from outside: no script, no remote reference, ids unique in the page', () => {
    const html = read(dir, 'report.html');
    expectSelfContained(html);
  });

  it('tags each number of the table with its field of summary.json and value', () => {
    const summary = JSON.parse(read(dir, 'summary.json')) as Summary;
    const html = read(dir, 'report.html');
    const e = summary.engines[0]!;
    const row = html.slice(html.indexOf(`<tr data-engine="${e.engine}">`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`data-key="fill_rate.ci95.1" data-value="${e.fill_rate.ci95![1]}"`);
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`data-key="value.mean" data-value="${e.value.mean}"`);
  });

  it('is the same, byte for byte, from the same data (timings aside), whatever was drawn before', async () => {
    const summary = JSON.parse(read(dir, 'summary.json')) as Summary;
    const rows = parseCasesCsv(read(dir, 'cases.csv'), 'cases.csv');
    const first = await htmlReportFiles({ summary, rows, timings: null });
    const again = await htmlReportFiles({ summary, rows, timings: null });
    expect(again).toEqual(first);
    // Without timings, every chart but latency.
    for (const name of CHART_NAMES.filter((n) => n !== 'latency')) {
      expect(read(dir, `charts/${name}.svg`)).toBe(first[`charts/${name}.svg`]);
    }
  }, 60_000);

  it('is removed with its charts when a later run asks for none', async () => {
    const again = path.join(temp(), 'r');
    await backtest(options({ out: again, html: true, replicates: 2 }), memoryIo());
    expect(existsSync(path.join(again, 'charts', 'deadline.svg'))).toBe(true);
    await backtest(options({ out: again, replicates: 2 }), memoryIo());
    expect(existsSync(path.join(again, 'report.html'))).toBe(false);
    expect(existsSync(path.join(again, 'charts', 'deadline.svg'))).toBe(false);
  }, 60_000);
});

describe('pacebench report DIR', () => {
  it('rebuilds summary.md, report.html and charts from the data files, leaving the data as it was', async () => {
    const copy = path.join(temp(), 'copy');
    await backtest(options({ out: copy, replicates: 2 }), memoryIo());
    const before = Object.fromEntries(['summary.json', 'cases.csv', 'run.json', 'summary.md'].map((f) => [f, read(copy, f)]));
    rmSync(path.join(copy, 'summary.md'));
    expect(await report(copy, memoryIo())).toBe(0);
    for (const [f, text] of Object.entries(before)) expect(read(copy, f)).toBe(text);
    expect(read(copy, 'report.html')).toContain('<figure id="chart-deadline"');
    expect(existsSync(path.join(copy, 'charts', 'latency.svg'))).toBe(true);
  }, 60_000);

  it('names the missing file of a folder that is not a report', async () => {
    const empty = temp();
    await expect(report(empty, memoryIo())).rejects.toThrow(/summary\.json is missing/);
  });
});

describe('merge and compare --html', () => {
  it('merge writes report.html for the whole run, without latencies', async () => {
    const root = temp();
    const dirs = [1, 2].map((i) => path.join(root, `s${i}`));
    for (const [i, d] of dirs.entries()) await backtest(options({ out: d, replicates: 2, shard: { index: i + 1, count: 2 }, html: true }), memoryIo());
    expect(existsSync(path.join(dirs[0]!, 'report.html'))).toBe(false);
    const out = path.join(root, 'merged');
    expect(await merge({ dirs, out, format: 'md', html: true }, memoryIo())).toBe(0);
    expect(read(out, 'report.html')).toContain('No decision-latency chart');
    const merged = read(out, 'report.html');
    expect(merged.slice(merged.indexOf('<footer>'), merged.indexOf('</footer>'))).not.toContain('timings.json');
    expect(existsSync(path.join(out, 'charts', 'latency.svg'))).toBe(false);
    expect(existsSync(path.join(out, 'charts', 'paired.svg'))).toBe(true);
  }, 60_000);

  it('compare --html writes one forest plot per scenario, old and new for each engine', async () => {
    const other = path.join(temp(), 'other');
    await backtest(options({ out: other, seed: 4 }), memoryIo());
    const file = path.join(temp(), 'sub', 'compare.html');
    const io = memoryIo();
    await compare({ old: dir, new: other, tolerance: 0.5, html: file }, io);
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<figure /g)).toHaveLength(1);
    const summary = JSON.parse(read(dir, 'summary.json')) as Summary;
    const engines = summary.engines.filter((e) => e.engine !== summary.baseline && e.engine !== 'oracle').length;
    // A dot per compared engine, run and figure (value and fill rate).
    const dots = html.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)?.join('').match(/<path /g)?.length ?? 0;
    expect(dots).toBe(engines * 2 * 2);
    expect(io.out).toContain('## pacebench compare');
    // Written again over its own page; a folder or someone else's file is refused before any work (exit 2).
    await compare({ old: dir, new: other, tolerance: 0.5, html: file }, memoryIo());
    const folder = temp();
    await expect(compare({ old: dir, new: other, tolerance: 0.5, html: folder }, memoryIo())).rejects.toThrow(/--html .*: is a folder, expected a file name/);
    const notes = path.join(temp(), 'notes.html');
    writeFileSync(notes, '<p>mine</p>');
    await expect(compare({ old: dir, new: other, tolerance: 0.5, html: notes }, memoryIo())).rejects.toThrow(/exists and is not a comparison page pacebench wrote/);
    expect(readFileSync(notes, 'utf8')).toBe('<p>mine</p>');
  }, 60_000);
});

describe('pieces', () => {
  it('escapes what users name: engines, scenario descriptions', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
    const summary = JSON.parse(read(dir, 'summary.json')) as Summary;
    const html = reportHtml({ ...summary, description: '</script><b>x</b>' }, []);
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('</script><b>');
  });

  it('ids made local to a chart; coordinates to two decimals, text left alone', () => {
    const svg = '<svg><clipPath id="clip7"><rect x="0.123456" width="10"/></clipPath><g clip-path="url(#clip7)"><path d="M1.23456,7.5e-7L2,3"/><text>0.123456</text></g></svg>';
    expect(localIds(svg, 'value')).toBe(svg.replace(/clip7/g, 'value-1'));
    expect(roundCoordinates(svg)).toBe('<svg><clipPath id="clip7"><rect x="0.12" width="10"/></clipPath><g clip-path="url(#clip7)"><path d="M1.23,0L2,3"/><text>0.123456</text></g></svg>');
  });

  it('writes a file under a subfolder of the report folder', () => {
    const d = temp();
    writeFilesAtomically(d, { 'charts/a.svg': '<svg/>', 'x.txt': 'x' });
    expect(read(d, 'charts/a.svg')).toBe('<svg/>');
  });

  it('draws no paired chart without a baseline to compare with', () => {
    const summary = JSON.parse(read(dir, 'summary.json')) as Summary;
    const names = reportCharts({ summary: { ...summary, baseline: null }, rows: [], timings: null }).map((c) => c.name);
    expect(names).toEqual(CHART_NAMES.filter((n) => n !== 'paired' && n !== 'latency'));
  });
});


