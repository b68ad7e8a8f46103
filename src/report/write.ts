import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { holdTemporary, nearestExisting, unwritableReason, writeFailure } from '../files.ts';

/** The file that marks a folder as a pacebench report: every report folder has one. */
export const REPORT_MARKER = 'run.json';

/**
 * Names a report folder may hold: plain names, and folder prefixes ending in `/`
 * (`charts/`), whose whole content is the report's.
 */
export type KnownFiles = readonly string[];

function isKnown(entry: string, isDir: boolean, known: KnownFiles): boolean {
  return known.some((k) => (k.endsWith('/') ? isDir && `${entry}/` === k : k === entry));
}

/** A marker that pacebench wrote: a JSON object with a schema_version (run.json, tune.json, fit.json). */
function isPacebenchFile(file: string): boolean {
  if (!file.endsWith('.json')) return true;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { schema_version?: unknown } | null;
    return typeof value === 'object' && value !== null && value.schema_version !== undefined;
  } catch {
    return false;
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `dir` may not receive a report, or `null` when it may. A report never deletes or
 * overwrites a file pacebench did not write: the folder must not exist yet, be empty, or
 * be an earlier report (it holds `run.json`) holding nothing but report files. Also checks,
 * before any work is done, that the folder can be created and written.
 */
export function reportFolderProblem(dir: string, known: KnownFiles, marker: string = REPORT_MARKER): string | null {
  if (path.parse(dir).root === dir) return 'is the root of the file system; name a folder for the report';
  const existing = nearestExisting(dir);
  if (existing !== dir) {
    if (!statSync(existing).isDirectory()) return `cannot be created: ${existing} is a file, not a folder`;
    const reason = unwritableReason(existing);
    if (reason !== null) return `cannot be created: nothing can be written in ${existing} (${reason})`;
    return null;
  }
  const stats = statSync(dir);
  if (!stats.isDirectory()) return 'is a file, not a folder';
  const reason = writable(dir) ? unwritableReason(path.dirname(dir)) : 'permission denied';
  if (reason !== null) return `is not writable (${reason}; the report replaces the folder, so its parent must be writable too)`;
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.length === 0) return null;
  if (!entries.some((e) => e.name === marker && e.isFile()) || !isPacebenchFile(path.join(dir, marker))) {
    return `is not empty and holds no earlier pacebench report (no ${marker}); pacebench writes only into a new or empty folder or over its own report`;
  }
  const foreign = entries.filter((e) => !isKnown(e.name, e.isDirectory(), known)).map((e) => e.name);
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    return `holds files pacebench did not write (${shown}); move them or choose another folder`;
  }
  return null;
}

/** Throws the problem of `reportFolderProblem` as a `UserError` that names the folder as the user gave it. */
export function checkReportFolder(given: string, dir: string, known: KnownFiles, marker?: string): void {
  if (given.trim() === '') throw new UserError('--out "" names no folder; give the folder for the report');
  const problem = reportFolderProblem(dir, known, marker);
  if (problem !== null) throw new UserError(`--out ${given}: ${problem}`);
}

/**
 * Writes a report folder so that nothing partial and nothing mixed is ever left behind:
 * the new folder is written whole beside the old one, then swapped in with two renames,
 * and the old one removed. A failure while writing leaves the old folder untouched. Keys of
 * `files` may hold one level of folder (`charts/value.svg`). `known` lists what an earlier
 * report may hold; anything else in the folder stops the write before it starts.
 */
export function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>, known: KnownFiles = [], marker?: string): string[] {
  const names = Object.keys(files);
  const allKnown = [...known, ...names, ...names.filter((n) => n.includes('/')).map((n) => `${n.split('/')[0]}/`)];
  const problem = reportFolderProblem(dir, allKnown, marker ?? (names.includes(REPORT_MARKER) ? REPORT_MARKER : (names[0] ?? REPORT_MARKER)));
  if (problem !== null) throw new UserError(`${dir}: ${problem}`);
  try {
    swapIn(dir, files);
  } catch (error) {
    // Full disk, a folder made read-only meanwhile: one line, never a stack trace.
    const shown = path.relative(process.cwd(), dir);
    throw writeFailure(error, shown === '' || shown.startsWith('..') ? dir : shown);
  }
  return names.map((name) => path.join(dir, name));
}

/** Writes `files` beside `dir` and swaps them in; the old folder is kept if anything fails. */
function swapIn(dir: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const staged = `${dir}.tmp-${suffix}`;
  const release = holdTemporary(staged);
  try {
    try {
      mkdirSync(staged);
      for (const [name, text] of Object.entries(files)) {
        const target = path.join(staged, name);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
    } catch (error) {
      rmSync(staged, { recursive: true, force: true });
      throw error;
    }
    if (existsSync(dir)) {
      const old = `${dir}.old-${suffix}`;
      renameSync(dir, old);
      try {
        renameSync(staged, dir);
      } catch (error) {
        renameSync(old, dir);
        rmSync(staged, { recursive: true, force: true });
        throw error;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staged, dir);
    }
  } finally {
    release();
  }
}
