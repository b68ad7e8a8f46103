import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { holdTemporary, nearestExisting, unwritableReason, writeFailure } from '../files.ts';
import { DEFAULT_TOLERANCE, compareRuns, comparisonMarkdown, missingOf, moneyProblem, regressionsOf, verdictLine, type RunSide, type ScenarioComparison } from '../report/compare.ts';
import { parseCasesCsv } from '../report/csv.ts';
import { parseSummary } from '../report/json.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { numberText, tolerance } from '../cli/options.ts';

export interface CompareOptions {
  readonly old: string;
  readonly new: string;
  readonly tolerance: number;
  /** Also write the comparison as a web page to this file. */
  readonly html?: string | undefined;
}

function side(summaryFile: string, label: string): RunSide {
  const summary = parseSummary(readFileSync(summaryFile, 'utf8'), summaryFile);
  const casesFile = path.join(path.dirname(summaryFile), 'cases.csv');
  const rows = existsSync(casesFile) ? parseCasesCsv(readFileSync(casesFile, 'utf8'), casesFile) : null;
  return { label, summary, rows };
}

/**
 * A run as named on the command line: a summary.json, a report folder, or a folder of
 * report folders (one per scenario, like reports/baseline/). Keyed by scenario.
 */
export function readRuns(arg: string, cwd: string): Map<string, RunSide> {
  const target = path.resolve(cwd, arg);
  const label = arg;
  if (!existsSync(target)) throw new UserError(`${arg} does not exist`);
  const runs = new Map<string, RunSide>();
  if (statSync(target).isFile()) {
    const s = side(target, label);
    runs.set(s.summary.scenario, s);
    return runs;
  }
  if (existsSync(path.join(target, 'summary.json'))) {
    const s = side(path.join(target, 'summary.json'), label);
    runs.set(s.summary.scenario, s);
    return runs;
  }
  for (const entry of readdirSync(target, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(target, entry.name, 'summary.json');
    if (entry.isDirectory() && existsSync(file)) {
      const s = side(file, path.join(arg, entry.name));
      runs.set(s.summary.scenario, s);
    }
  }
  if (runs.size === 0) throw new UserError(`${arg}: no summary.json in it or in its subfolders`);
  return runs;
}

/**
 * What is wrong with writing the comparison page at `target`, or null: checked before any
 * work, so that a run never ends by refusing to write, nor replaces a file it did not write.
 */
export function htmlTargetProblem(given: string, target: string): string | null {
  if (given.trim() === '') return '--html "" names no file';
  if (existsSync(target)) {
    const stats = statSync(target);
    if (!stats.isFile()) return `--html ${given}: is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}, expected a file name like compare.html`;
    if (!readFileSync(target, 'utf8').slice(0, 2000).includes('<title>pacebench compare')) {
      return `--html ${given}: exists and is not a comparison page pacebench wrote; choose another name`;
    }
  }
  const parent = nearestExisting(path.dirname(target));
  if (!statSync(parent).isDirectory()) return `--html ${given}: cannot be created: ${parent} is a file, not a folder`;
  const reason = unwritableReason(parent);
  if (reason !== null) return `--html ${given}: cannot be created: nothing can be written in ${parent} (${reason})`;
  return null;
}

/**
 * `pacebench compare OLD NEW`: the markdown comparison on stdout; exit 1 when a figure of
 * an engine got significantly worse by more than the tolerance, or an engine of the old run
 * is missing from the new one, each named on stderr; exit 2, with no verdict, when the runs'
 * money parameters differ.
 */
export async function compare(options: CompareOptions, io: Io): Promise<number> {
  if (!(options.tolerance >= 0)) throw new UserError(`--tolerance must be a share >= 0 (0.01 is 1 %), got ${options.tolerance}`);
  if (options.html !== undefined) {
    const problem = htmlTargetProblem(options.html, path.resolve(io.cwd, options.html));
    if (problem !== null) throw new UserError(problem);
  }
  const olds = readRuns(options.old, io.cwd);
  const news = readRuns(options.new, io.cwd);
  // Value and regret are defined by the money parameters (and engines are told them): runs with
  // other money measure other things, and a verdict between them would be made up.
  const moneyDiffers = [...news].flatMap(([scenario, n]) => {
    const o = olds.get(scenario);
    const problem = o === undefined ? null : moneyProblem(o.summary, n.summary);
    return problem === null ? [] : [`${scenario}: ${problem}`];
  });
  if (moneyDiffers.length > 0) {
    throw new UserError(
      `cannot compare ${options.old} with ${options.new}: their money parameters differ (${moneyDiffers.join('; ')}), so value and regret ` +
        'are defined differently and engines were told other costs. Run both with the same --value-per-hire, --cost-per-invite and --cost-per-overbooking',
    );
  }
  const out: string[] = ['## pacebench compare', ''];
  const regressions: string[] = [];
  const missing: string[] = [];
  const pages: { comparison: ScenarioComparison; old: RunSide; new: RunSide }[] = [];
  let compared = 0;
  for (const [scenario, n] of news) {
    const o = olds.get(scenario);
    if (o === undefined) continue;
    const c = compareRuns(o, n, options.tolerance);
    compared++;
    out.push(comparisonMarkdown(c));
    pages.push({ comparison: c, old: o, new: n });
    regressions.push(...regressionsOf(c));
    missing.push(...missingOf(c));
  }
  const onlyOld = [...olds.keys()].filter((s) => !news.has(s));
  const onlyNew = [...news.keys()].filter((s) => !olds.has(s));
  if (onlyOld.length > 0) out.push(`Scenarios only in ${options.old}: ${onlyOld.join(', ')}.`, '');
  if (onlyNew.length > 0) out.push(`Scenarios only in ${options.new}: ${onlyNew.join(', ')}.`, '');
  if (compared === 0) throw new UserError(`${options.old} and ${options.new} have no scenario in common`);
  if (options.html !== undefined) {
    const notes = [...out.slice(2).filter((line) => line.startsWith('Scenarios only in'))];
    await writeComparisonPage(path.resolve(io.cwd, options.html), `pacebench compare: ${options.old} → ${options.new}`, pages, notes);
    io.stderr(`comparison page written to ${options.html}\n`);
  }
  io.stdout(out.join('\n'));
  for (const r of regressions) io.stderr(`regression: ${r}\n`);
  for (const m of missing) io.stderr(`missing: ${m}\n`);
  return regressions.length > 0 || missing.length > 0 ? 1 : 0;
}

/**
 * The page of `compare --html`: per scenario, its table and one forest plot of each engine's
 * paired difference from its run's baseline, old and new side by side.
 */
async function writeComparisonPage(file: string, title: string, pages: readonly { comparison: ScenarioComparison; old: RunSide; new: RunSide }[], notes: readonly string[]): Promise<void> {
  const { forestRows } = await import('../report/charts/data.ts');
  const { forestChart } = await import('../report/charts/specs.ts');
  const { drawCharts } = await import('../report/html-files.ts');
  const { compareHtml } = await import('../report/html.ts');
  const runs = ['old', 'new'];
  const specs = pages.flatMap(({ comparison: c, old: o, new: n }, i) => {
    const rows = [...forestRows(o.summary, 'old'), ...forestRows(n.summary, 'new')].filter((r) => c.engines.some((e) => e.engine === r.engine));
    if (rows.length === 0) return [];
    const engines = n.summary.engines.map((e) => e.engine);
    const baselines = o.summary.baseline === n.summary.baseline ? `\`${n.summary.baseline ?? ''}\`` : `${o.summary.baseline ?? 'none'} (old) and ${n.summary.baseline ?? 'none'} (new)`;
    return [{ index: i, spec: { name: `compare-${i + 1}`, ...forestChart(rows, engines, `${c.scenario}: paired difference from ${baselines.replace(/`/g, '')}, old and new`, 'mean per-case difference with its 95 % interval; circle: old run, square: new run', runs) } }];
  });
  const drawn = await drawCharts(specs.map((s) => s.spec));
  const sections = pages.map(({ comparison }, i) => {
    const at = specs.findIndex((s) => s.index === i);
    return { comparison, verdict: verdictLine(comparison).replace(/\*\*|`/g, ''), chart: at < 0 ? null : (drawn[at] ?? null) };
  });
  const html = compareHtml(title, sections, notes);
  // One file, not a report folder: written beside its name and renamed, touching nothing else there.
  const temp = `${file}.tmp-${process.pid}`;
  const release = holdTemporary(temp);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, html);
    renameSync(temp, file);
  } catch (error) {
    throw writeFailure(error, `--html ${file}`);
  } finally {
    rmSync(temp, { force: true });
    release();
  }
}

/** `pacebench compare <old> <new>`. */
export const compareCommand = defineCommand({
  kind: 'compare',
  command: 'compare <old> <new>',
  describe: 'compare two runs (summary.json files, report folders, or folders of them such as reports/baseline) and fail on a significant regression or an engine gone missing',
  builder: (y) =>
    y
      .positional('old', { type: 'string', demandOption: true, describe: 'the reference run' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the run to judge' })
      .options({
        tolerance: numberText(DEFAULT_TOLERANCE, 'a significant drop in fill rate or value larger than this share of the old figure fails (0.01 = 1 %)'),
        html: { type: 'string', describe: 'also write the comparison as a web page to FILE, with a forest plot per scenario' },
      }),
  parse: (a) => ({ kind: 'compare' as const, options: { old: a.old, new: a.new, tolerance: tolerance(a.tolerance), html: a.html } satisfies CompareOptions }),
  run: (command, io) => compare(command.options, io),
});
