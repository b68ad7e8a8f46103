import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { parseCasesCsv } from '../report/csv.ts';
import { parseJson, parseSummary } from '../report/json.ts';
import { reportFolderFiles, writeReportFolder } from '../report/folder.ts';
import type { Timings } from '../report/timings.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';

/** The data files a report is rebuilt from, kept as they are. */
const DATA_FILES = ['summary.json', 'cases.csv', 'run.json', 'timings.json'] as const;

/**
 * `pacebench report DIR`: summary.md, report.html and charts/ rebuilt from a report
 * folder's data files (summary.json, cases.csv, and timings.json when there), for an old run
 * or one made with --no-html. The data files are written back unchanged with the rest, so
 * the folder is replaced as a whole, like a backtest's.
 */
export async function report(dir: string, io: Io): Promise<number> {
  const full = path.resolve(io.cwd, dir);
  const shown = (name: string): string => path.join(dir, name);
  if (!existsSync(full)) throw new UserError(`${dir} does not exist`);
  for (const name of ['summary.json', 'cases.csv']) {
    if (!existsSync(path.join(full, name))) {
      throw new UserError(`${shown(name)} is missing; pacebench report rebuilds a report folder of backtest or merge (a shard's folder has no summary: merge the shards first)`);
    }
  }
  const data: Record<string, string> = {};
  for (const name of DATA_FILES) if (existsSync(path.join(full, name))) data[name] = readFileSync(path.join(full, name), 'utf8');
  const summary = parseSummary(data['summary.json'] ?? '', shown('summary.json'));
  const rows = parseCasesCsv(data['cases.csv'] ?? '', shown('cases.csv'));
  const engines = new Set(summary.engines.map((e) => e.engine));
  const strangers = [...new Set(rows.map((r) => r.engine))].filter((e) => !engines.has(e));
  if (strangers.length > 0) throw new UserError(`${shown('cases.csv')} has rows of ${strangers.join(', ')}, which ${shown('summary.json')} does not list: are they of the same run?`);
  const timings = data['timings.json'] === undefined ? null : (parseJson(data['timings.json'], shown('timings.json')) as Timings);

  writeReportFolder(full, await reportFolderFiles({ summary, rows, kept: data, html: { timings } }));
  io.stderr(`summary.md, report.html and charts/ rebuilt in ${path.relative(io.cwd, full) || '.'}/\n`);
  return 0;
}

/** `pacebench report <dir>`. */
export const reportCommand = defineCommand({
  kind: 'report',
  command: 'report <dir>',
  describe: 'rebuild summary.md, report.html and charts/ of a report folder from its data files (summary.json, cases.csv, timings.json)',
  builder: (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'a report folder of backtest or merge' }),
  parse: (a) => ({ kind: 'report' as const, dir: a.dir }),
  run: (command, io) => report(command.dir, io),
});
