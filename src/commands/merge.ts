import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { parseCasesCsv } from '../report/csv.ts';
import { checkReportTarget, reportDataFiles, reportFolderFiles, writeReportFolder, type ReportFolder } from '../report/folder.ts';
import { mergeShards, type ShardInput } from '../report/merge.ts';
import { factsOf, parseRunRecord } from '../report/run.ts';
import type { Timings } from '../report/timings.ts';
import { summarize } from '../score/summary.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { formatOption, htmlOption } from '../cli/options.ts';

export interface MergeOptions {
  readonly dirs: readonly string[];
  readonly out: string;
  readonly format: 'md' | 'json';
  /** Write report.html and charts/ (the command line's default). */
  readonly html?: boolean;
}

function readShard(dir: string, cwd: string): ShardInput {
  const full = path.resolve(cwd, dir);
  const runFile = path.join(full, 'run.json');
  const casesFile = path.join(full, 'cases.csv');
  for (const f of [runFile, casesFile]) if (!existsSync(f)) throw new UserError(`${dir}: no ${path.basename(f)}; is it a report folder of backtest --shard?`);
  return {
    dir,
    run: parseRunRecord(readFileSync(runFile, 'utf8'), path.join(dir, 'run.json')),
    rows: parseCasesCsv(readFileSync(casesFile, 'utf8'), path.join(dir, 'cases.csv')),
  };
}

/** Wall-clock figures of the shards added up: each ran on its own machine or thread. */
function mergeTimings(dirs: readonly string[], cwd: string): Record<string, unknown> | null {
  const all: Timings[] = [];
  for (const dir of dirs) {
    const f = path.join(path.resolve(cwd, dir), 'timings.json');
    if (!existsSync(f)) return null;
    all.push(JSON.parse(readFileSync(f, 'utf8')) as Timings);
  }
  const sum = (pick: (t: Timings) => number): number => Math.round(all.reduce((s, t) => s + pick(t), 0) * 1000) / 1000;
  return {
    scenario: all[0]?.scenario,
    shards: all.length,
    simulation_s_total: sum((t) => t.simulation_s),
    simulation_s_longest: Math.max(...all.map((t) => t.simulation_s)),
    cases: sum((t) => t.cases),
    calls: sum((t) => t.calls),
    note: 'merged from shards: times are the shards\' own, added up (total) or the slowest (longest); decision latencies stay in each shard\'s timings.json',
  };
}

/**
 * `pacebench merge DIR… --out DIR`: the report of the whole run from its shards. The shards
 * are checked at once (a mismatch throws before anything is drawn or written); with `html`
 * the charts are drawn and the folder written when the returned promise settles.
 */
export function merge(options: MergeOptions, io: Io): Promise<number> {
  checkReportTarget(options.out, path.resolve(io.cwd, options.out));
  const shards = options.dirs.map((d) => readShard(d, io.cwd));
  const { run, rows } = mergeShards(shards);
  const timings = mergeTimings(options.dirs, io.cwd);
  const folder: ReportFolder = {
    summary: summarize(rows, run.engines, factsOf(run)),
    rows,
    run,
    timings: timings === null ? null : `${JSON.stringify(timings, null, 2)}\n`,
    // A merged timings.json holds no latencies: the latency chart is left out.
    html: { timings: null },
  };
  const dir = path.resolve(io.cwd, options.out);
  const finish = (files: Record<string, string>): number => {
    writeReportFolder(dir, files);
    io.stdout(options.format === 'json' ? (files['summary.json'] ?? '') : (files['summary.md'] ?? ''));
    io.stderr(`merged ${shards.length} shard${shards.length === 1 ? '' : 's'} into ${path.relative(io.cwd, dir) || '.'}/\n`);
    return 0;
  };
  if (options.html !== true) return Promise.resolve(finish(reportDataFiles(folder)));
  return reportFolderFiles(folder).then(finish);
}

/** `pacebench merge <dirs..>`. */
export const mergeCommand = defineCommand({
  kind: 'merge',
  command: 'merge <dirs..>',
  describe: 'combine the report folders of backtest --shard i/n into the report of the whole run',
  builder: (y) =>
    y.positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'shard report folders' }).options({
      out: { alias: 'o', type: 'string', demandOption: true, describe: 'folder for the merged report' },
      format: formatOption('what goes to stdout'),
      html: htmlOption('write report.html and charts/ (--no-html: skip them)'),
    }),
  parse: (a) => ({ kind: 'merge' as const, options: { dirs: a.dirs, out: a.out, format: a.format, html: a.html } satisfies MergeOptions }),
  run: (command, io) => merge(command.options, io),
});
