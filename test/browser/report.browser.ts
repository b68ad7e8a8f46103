/**
 * `npm run test:browser`: a real backtest's report.html opened in headless Chromium (Debian's
 * `chromium` package, driven by playwright-core through its executable path; never a
 * downloaded browser). Checks what a reader relies on: no console error, no network request
 * at all, every chart drawn with marks, the table's numbers those of summary.json; leaves a
 * screenshot in the report folder. Not part of `npm test`: it needs the browser.
 *
 *   npm run test:browser [-- --scenario NAME] [--out DIR] [--readme-image docs/img/report-cold_start.png]
 *
 * --readme-image also saves a smaller screenshot (two thirds of the size) for the README.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../../src/cli.ts';
import { CHART_NAMES, type ChartName } from '../../src/report/charts.ts';
import type { Summary } from '../../src/score/summary.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

let passed = 0;
let failed = 0;
function check(what: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail === '' ? '' : `: ${detail}`}\n`);
}

/** The value at a data-key path (fill_rate.ci95.0) of an engine's entry in summary.json. */
function at(summary: Summary, engine: string, key: string): unknown {
  let x: unknown = summary.engines.find((e) => e.engine === engine);
  for (const part of key.split('.')) x = x === null || typeof x !== 'object' ? undefined : (x as Record<string, unknown>)[part];
  return x;
}

/** A number as the page shows it (−1,234 · +0.012 · 97 % · 12.5 %) read back, and the half-unit of its last digit. */
export function readShown(text: string): { value: number; tolerance: number } | null {
  const t = text.trim().replace('−', '-').replace(/,/g, '');
  const m = /^([+-]?\d+(?:\.(\d+))?)( %)?$/.exec(t);
  if (m === null) return null;
  const decimals = m[2]?.length ?? 0;
  const scale = m[3] === undefined ? 1 : 100;
  return { value: Number(m[1]) / scale, tolerance: (0.5 * 10 ** -decimals) / scale + 1e-9 };
}

async function run(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const scenario = flag('scenario') ?? 'cold_start';
  const out = path.resolve(flag('out') ?? path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-browser-')), scenario));
  const code = await main(['backtest', '--scenario', scenario, '--informed', '--out', out, '--workers', '2'], {
    stdout: () => {},
    stderr: (t) => process.stderr.write(t),
    progress: false,
    now: () => performance.now(),
    cwd: process.cwd(),
  });
  check(`backtest ${scenario} exits 0`, code === 0, String(code));
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const expectedCharts: readonly string[] = CHART_NAMES;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1680, height: 1000 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // Every request the page makes, file:// included, is seen here; any other scheme is refused and counted.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const url = pathToFileURL(path.join(out, 'report.html')).href;
    await page.goto(url, { waitUntil: 'load' });

    check('no console error', consoleErrors.length === 0, consoleErrors.join(' | '));
    check('no network request', requests.length === 0, [...new Set(requests)].join(', '));

    const charts = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          name: f.getAttribute('data-chart') ?? '',
          marks: svg === null ? 0 : svg.querySelectorAll('.role-mark > *').length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          title: svg?.querySelector('.role-title-text')?.textContent ?? '',
          axisTitles: svg === null ? 0 : svg.querySelectorAll('.role-axis-title').length,
        };
      }),
    );
    check('every chart present', expectedCharts.every((c) => charts.some((x) => x.name === c)), charts.map((c) => c.name).join(', '));
    for (const c of charts) {
      check(`chart ${c.name}: ${c.marks} marks drawn, ${Math.round(c.width)}×${Math.round(c.height)} px, titled`, c.marks > 0 && c.width > 100 && c.height > 50 && c.title !== '' && c.axisTitles > 0);
    }
    const engines = summary.engines.length;
    const minimum: Partial<Record<ChartName, number>> = {
      // A line per engine; a dot per case and engine; a rule, a box, a tick and a dot per engine; a cell per pair.
      deadline: engines,
      'fill-vs-spend': engines * summary.cases * summary.replicates,
      value: engines * 4,
      'win-rates': engines * (engines - 1),
    };
    for (const [name, n] of Object.entries(minimum)) {
      const c = charts.find((x) => x.name === name);
      check(`chart ${name} has at least ${n} marks`, (c?.marks ?? 0) >= n, String(c?.marks));
    }

    const cells = await page.$$eval('[data-key]', (spans) =>
      spans.map((s) => ({
        engine: s.closest('tr')?.getAttribute('data-engine') ?? '',
        key: s.getAttribute('data-key') ?? '',
        raw: s.getAttribute('data-value') ?? '',
        text: s.textContent ?? '',
      })),
    );
    let wrong = 0;
    for (const cell of cells) {
      const expected = at(summary, cell.engine, cell.key);
      if (expected === null) {
        if (cell.raw !== 'null' || cell.text !== '–') wrong++;
        continue;
      }
      const shown = readShown(cell.text);
      const ok = typeof expected === 'number' && Number(cell.raw) === expected && shown !== null && Math.abs(shown.value - expected) <= shown.tolerance;
      if (!ok) {
        wrong++;
        process.stdout.write(`     ${cell.engine} ${cell.key}: page "${cell.text}" (${cell.raw}), summary.json ${String(expected)}\n`);
      }
    }
    const perEngine = summary.engines.length * 14;
    check(`the table's ${cells.length} numbers equal summary.json's`, wrong === 0 && cells.length >= perEngine, `${wrong} differ`);

    const screenshot = path.join(out, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    check(`screenshot saved: ${screenshot}`, existsSync(screenshot));

    const readmeImage = flag('readme-image');
    if (readmeImage !== undefined) {
      const small = await browser.newContext({ viewport: { width: 1680, height: 1000 }, deviceScaleFactor: 2 / 3, serviceWorkers: 'block' });
      const smallPage = await small.newPage();
      await smallPage.goto(url, { waitUntil: 'load' });
      await smallPage.screenshot({ path: path.resolve(readmeImage), fullPage: true });
      await small.close();
    }
    await tunePageFits(browser);
  } finally {
    await browser.close();
  }
}

/**
 * A tuning report's page at a 1 280 × 800 window: nothing wider than the window, no table wider
 * than its box (a race's long ranking with long specs once was cut off on the right).
 */
async function tunePageFits(browser: Awaited<ReturnType<typeof chromium.launch>>): Promise<void> {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-browser-tune-')), 'tune');
  const peak = path.join(import.meta.dirname, '..', 'fixtures', 'tune-peak');
  const args = ['tune', '--engine', 'stoch-constraint', '--param', 'quantile=0..0.5:0.05', '--param', 'draws=3,8,15,30', '--scenarios', peak, '--out', out, '--workers', '2'];
  const code = await main(args, { stdout: () => {}, stderr: () => {}, progress: false, now: () => performance.now(), cwd: process.cwd() });
  check('tune exits 0', code === 0, String(code));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href, { waitUntil: 'load' });
    const fit = {
      page: await page.$eval('html', (h) => h.scrollWidth),
      window: 1280,
      tables: await page.$$eval('.table-wrap', (wraps) => wraps.map((w) => w.scrollWidth - w.clientWidth)),
    };
    check(`tune page fits 1280 px: ${fit.page} px wide`, fit.page <= fit.window);
    check('every table of the tune page fits its box', fit.tables.every((over) => over <= 0), fit.tables.join(', '));
    await page.screenshot({ path: path.join(out, 'report.png'), fullPage: true });
  } finally {
    await context.close();
  }
}

await run().catch((error: unknown) => {
  failed++;
  process.stdout.write(`FAIL ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
});
process.stdout.write(`browser: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
