import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.ts';
import { CaseBuilder, formatLogProblem, UNCORRELATED_HINT, type LogProblem, type ObservedCase } from '../fit/cases.ts';
import { fitOpenings, type DelayChoice, type FitResult } from '../fit/estimate.ts';
import { fitFiles, warningLines } from '../fit/output.ts';
import { checkReportFolder, writeFilesAtomically } from '../report/write.ts';
import { notAFile } from '../scenario/read.ts';

/** What a fitted scenario folder holds. */
export const FIT_FILES = ['pools.csv', 'behaviours.csv', 'README.md', 'fit.json'] as const;
import { parseTraceLine } from '../trace/format.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { bootstrapCount, bootstrapOption, integer, seedOption } from '../cli/options.ts';
import { FAMILIES } from '../fit/likelihood.ts';
import { MIN_BOOTSTRAP } from '../score/summary.ts';
import { counted } from '../words.ts';

export interface FitCommandOptions {
  readonly log: string;
  readonly out: string;
  readonly engine?: string | undefined;
  readonly delay: DelayChoice;
  readonly bootstrap: number;
  readonly seed: number;
}

export const DEFAULT_FIT_BOOTSTRAP = 200;

/** Problems shown before the rest are only counted: a log of a million bad lines must not flood the terminal. */
const SHOWN_PROBLEMS = 100;

export interface ReadLog {
  readonly cases: ObservedCase[];
  readonly lines: number;
  /** Bytes of the file as stored, and of its text (the same unless gzipped). */
  readonly fileBytes: number;
  readonly textBytes: number;
  readonly gzipped: boolean;
  /** Lines of other engines than the one asked for, per engine: skipped after their engine's name. */
  readonly skipped: Record<string, number>;
}

/** The engine of a line as the encoder writes it (`{"engine":"…"` first), without parsing the rest. */
const LEADING_ENGINE = /^\s*\{\s*"engine"\s*:\s*"((?:[^"\\]|\\.)*)"/;

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams a trace (plain or gzipped, told apart by the gzip magic bytes, not the name) line
 * by line into the case builder. Throws a `UserError` listing every problem, with its line
 * and field, when any line or case is wrong.
 */
export async function readLog(file: string, display: string, engine?: string): Promise<ReadLog> {
  if (!existsSync(file)) throw new UserError(`${display}: no such file`);
  const stats = statSync(file);
  if (!stats.isFile()) throw new UserError(`${display}: is ${notAFile(stats)}, expected a log file (JSON Lines, plain or gzipped)`);
  const gzipped = isGzip(file);
  const raw = createReadStream(file);
  const input: Readable = gzipped ? raw.pipe(createGunzip()) : raw;
  let failure: Error | null = null;
  raw.on('error', (e) => (failure = e));
  input.on('error', (e) => (failure = e));
  const builder = new CaseBuilder();
  const problems: LogProblem[] = builder.problems;
  let lines = 0;
  let textBytes = 0;
  const skipped: Record<string, number> = {};
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of reader) {
      lines++;
      textBytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      if (engine !== undefined) {
        // Another engine's calls are not used: skip them unparsed, which makes fitting one
        // engine out of a five-engine trace several times faster.
        const m = LEADING_ENGINE.exec(text);
        const name = m === null ? null : (JSON.parse(`"${m[1]}"`) as string);
        if (name !== null && name !== engine) {
          skipped[name] = (skipped[name] ?? 0) + 1;
          continue;
        }
      }
      const parsed = parseTraceLine(text);
      if (!parsed.ok) {
        for (const p of parsed.problems) problems.push({ line: lines, field: p.field, message: p.message });
        continue;
      }
      builder.add(parsed.line, lines);
    }
  } catch (error) {
    // The stream's error ends the loop (zlib's "unexpected end of file" on a truncated gzip).
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure !== null) {
    const reason = (failure as Error).message;
    const where = lines === 0 ? 'before its first line' : `after line ${lines}`;
    throw new UserError(
      gzipped
        ? `${display}: the gzip stream is truncated or corrupt (${reason}): reading stopped ${where}; nothing was fitted`
        : `${display}: could not be read (${reason}): reading stopped ${where}; nothing was fitted`,
    );
  }
  const cases = builder.finish();
  if (problems.length > 0) {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    const shown = sorted.slice(0, SHOWN_PROBLEMS).map((p) => formatLogProblem(display, p));
    const more = sorted.length > SHOWN_PROBLEMS ? [`... and ${sorted.length - SHOWN_PROBLEMS} more`] : [];
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    const hint = builder.uncorrelatedCalls > 0 ? [`(${builder.uncorrelatedCalls} ${builder.uncorrelatedCalls === 1 ? 'call' : 'calls'} without a correlation id: ${UNCORRELATED_HINT})`] : [];
    throw new UserError([`log ${display} has ${count}; nothing was fitted`, ...shown, ...more, ...hint].join('\n'));
  }
  if (lines === 0) throw new UserError(`${display}: the log is empty`);
  return { cases, lines, fileBytes: statSync(file).size, textBytes, gzipped, skipped };
}

export async function fit(options: FitCommandOptions, io: Io): Promise<FitResult> {
  const file = path.resolve(io.cwd, options.log);
  const relative = path.relative(io.cwd, file);
  const display = relative === '' || relative.startsWith('..') ? file : relative;
  const dir = path.resolve(io.cwd, options.out);
  // A fitted scenario replaces only an earlier fit (it has fit.json), never a scenario of the user's.
  checkReportFolder(options.out, dir, FIT_FILES, 'fit.json');
  if (existsSync(path.join(dir, 'candidates.csv'))) {
    throw new UserError(`${options.out} holds a candidates.csv, which would replay recorded outcomes instead of the fitted profile: choose another folder`);
  }
  const began = io.now();
  const log = await readLog(file, display, options.engine);
  const read = io.now();
  const result = fitOpenings(log.cases, { engine: options.engine, delay: options.delay, bootstrap: options.bootstrap, seed: options.seed }, log.skipped);
  const fitted = io.now();
  const files = fitFiles(result, { log: display, name: path.basename(dir), delay: options.delay, seed: options.seed });
  writeFilesAtomically(dir, files, FIT_FILES, 'fit.json');
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const mb = log.textBytes / 1e6;
  io.stderr(
    `read ${display}: ${counted(log.lines, 'line')}, ${mb.toFixed(1)} MB${log.gzipped ? ` (${(log.fileBytes / 1e6).toFixed(1)} MB gzipped)` : ''} in ${seconds(read - began)} s (${(mb / Math.max(1e-9, (read - began) / 1000)).toFixed(0)} MB/s)\n` +
      `fitted ${counted(result.openings, 'opening')} of ${result.engine} (${counted(result.invited, 'candidate')}) in ${seconds(fitted - read)} s: 3 families and ${options.bootstrap} bootstrap refits, ${result.evaluations} likelihood evaluations\n` +
      `scenario written to ${path.relative(io.cwd, dir) || '.'}/\n` +
      warningLines(result),
  );
  io.stdout(files['README.md'] ?? '');
  return result;
}

/** `pacebench fit <log>`. */
export const fitCommand = defineCommand({
  kind: 'fit',
  command: 'fit <log>',
  describe: 'fit a scenario (pools.csv, behaviours.csv) to a request trace of backtest --trace or a service log, treating pending candidates as censored',
  builder: (y) =>
    y.positional('log', { type: 'string', demandOption: true, describe: 'JSON Lines of engine calls (docs/trace-format.md), plain or gzipped' }).options({
      out: { alias: 'o', type: 'string', demandOption: true, describe: 'folder of the fitted scenario, like scenarios/NAME' },
      engine: { alias: 'e', type: 'string', describe: 'use this engine\'s calls (required when the log holds several)' },
      delay: { choices: ['auto', ...FAMILIES] as const, default: 'auto' as const, describe: 'delay family; auto takes the lowest AIC' },
      bootstrap: bootstrapOption(`bootstrap resamples over openings for the 95 % intervals (at least ${MIN_BOOTSTRAP})`, DEFAULT_FIT_BOOTSTRAP),
      seed: seedOption('seed of the bootstrap'),
    }),
  parse: (a) => ({
    kind: 'fit' as const,
    options: { log: a.log, out: a.out, engine: a.engine, delay: a.delay, bootstrap: bootstrapCount(a.bootstrap), seed: integer('seed', a.seed, 0) } satisfies FitCommandOptions,
  }),
  run: async (command, io) => {
    await fit(command.options, io);
    return 0;
  },
});
