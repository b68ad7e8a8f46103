import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { compareRuns, comparisonMarkdown, regressionsOf, type RunSide } from '../report/compare.ts';
import { parseCasesCsv } from '../report/csv.ts';
import { parseSummary } from '../report/json.ts';
import type { Io } from './io.ts';

export interface CompareOptions {
  readonly old: string;
  readonly new: string;
  readonly tolerance: number;
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
 * `pacebench compare OLD NEW`: the markdown comparison on stdout; exit 1 when a figure of
 * an engine got significantly worse by more than the tolerance, with the engine and figure
 * named on stderr.
 */
export function compare(options: CompareOptions, io: Io): number {
  if (!(options.tolerance >= 0)) throw new UserError(`--tolerance must be a share >= 0 (0.01 is 1 %), got ${options.tolerance}`);
  const olds = readRuns(options.old, io.cwd);
  const news = readRuns(options.new, io.cwd);
  const out: string[] = ['## pacebench compare', ''];
  const regressions: string[] = [];
  let compared = 0;
  for (const [scenario, n] of news) {
    const o = olds.get(scenario);
    if (o === undefined) continue;
    const c = compareRuns(o, n, options.tolerance);
    compared++;
    out.push(comparisonMarkdown(c));
    regressions.push(...regressionsOf(c));
  }
  const onlyOld = [...olds.keys()].filter((s) => !news.has(s));
  const onlyNew = [...news.keys()].filter((s) => !olds.has(s));
  if (onlyOld.length > 0) out.push(`Scenarios only in ${options.old}: ${onlyOld.join(', ')}.`, '');
  if (onlyNew.length > 0) out.push(`Scenarios only in ${options.new}: ${onlyNew.join(', ')}.`, '');
  if (compared === 0) throw new UserError(`${options.old} and ${options.new} have no scenario in common`);
  io.stdout(out.join('\n'));
  if (regressions.length > 0) {
    for (const r of regressions) io.stderr(`regression: ${r}\n`);
    return 1;
  }
  return 0;
}
