/**
 * A report folder (backtest, merge, report, baseline): the one list of the files it may hold
 * and the one assembly of those files from a run's summary and rows.
 */
import type { CaseRow } from '../score/rows.ts';
import type { Summary } from '../score/summary.ts';
import type { ChartRenderer } from './charts-loader.ts';
import { casesCsv } from './csv.ts';
import { HTML_REPORT_FILES } from './html-names.ts';
import { summaryJson } from './json.ts';
import { summaryMarkdown } from './markdown.ts';
import { runJson, type RunRecord } from './run.ts';
import type { Timings } from './timings.ts';
import { checkReportFolder, writeFilesAtomically } from './write.ts';

/**
 * Every file a report folder can hold. A folder holding anything else is not overwritten;
 * a report replaces an earlier one whole, so no file of the earlier run is left beside it.
 */
export const REPORT_FILES = ['summary.md', 'summary.json', 'cases.csv', 'run.json', 'timings.json', ...HTML_REPORT_FILES, 'charts/'] as const;

export interface ReportFolder {
  /** The whole run's summary; null in a shard's folder, which holds only its cases, run and timings. */
  readonly summary: Summary | null;
  readonly rows: readonly CaseRow[];
  /** Written as run.json (unless `kept` holds it). */
  readonly run?: RunRecord | undefined;
  /** The text of timings.json, when the folder has one. */
  readonly timings?: string | null | undefined;
  /** Data files of an earlier folder, written back byte for byte instead of being made again. */
  readonly kept?: Readonly<Record<string, string>> | undefined;
  /** Also report.html and charts/, drawn with `renderer` (or one started for them). Needs a summary. */
  readonly html?: { readonly timings: Timings | null; readonly renderer?: ChartRenderer | undefined } | null | undefined;
}

/**
 * A report folder's files, keyed by their path in the folder: without report.html and charts/,
 * so that what needs no charts (a shard, a merge with --no-html) is made at once.
 */
export function reportDataFiles(folder: ReportFolder): Record<string, string> {
  const files: Record<string, string> = { ...folder.kept };
  const make = (name: string, text: () => string): void => {
    if (files[name] === undefined) files[name] = text();
  };
  make('cases.csv', () => casesCsv(folder.rows));
  if (folder.run !== undefined) make('run.json', () => runJson(folder.run as RunRecord));
  if (folder.timings !== undefined && folder.timings !== null) make('timings.json', () => folder.timings as string);
  if (folder.summary === null) return files;
  make('summary.json', () => summaryJson(folder.summary as Summary));
  files['summary.md'] = summaryMarkdown(folder.summary, titleOf(folder) ?? folder.summary.scenario);
  return files;
}

/** The path a scenario was given as (run.json's `scenario_path`), which titles the report; undefined for a shipped one. */
function titleOf(folder: ReportFolder): string | undefined {
  if (folder.run !== undefined) return folder.run.scenario_path;
  const text = folder.kept?.['run.json'];
  if (text === undefined) return undefined;
  try {
    const path = (JSON.parse(text) as { scenario_path?: unknown } | null)?.scenario_path;
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Every file of a report folder, report.html and charts/ included when `html` asks for them (and there is a summary). */
export async function reportFolderFiles(folder: ReportFolder): Promise<Record<string, string>> {
  const files = reportDataFiles(folder);
  if (folder.summary === null || folder.html === undefined || folder.html === null) return files;
  // Loaded only here: the chart libraries cost a --no-html run nothing.
  const { htmlReportFiles } = await import('./html-files.ts');
  const drawn = await htmlReportFiles({ summary: folder.summary, rows: folder.rows, timings: folder.html.timings }, folder.html.renderer, titleOf(folder));
  return { ...files, ...drawn };
}

/** Refuses, before any work, a folder a report may not be written to (see `checkReportFolder`). */
export function checkReportTarget(given: string, dir: string): void {
  checkReportFolder(given, dir, REPORT_FILES);
}

/** Replaces the report folder `dir` with `files`, whole. */
export function writeReportFolder(dir: string, files: Readonly<Record<string, string>>): void {
  writeFilesAtomically(dir, files, REPORT_FILES);
}
