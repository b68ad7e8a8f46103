import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { holdTemporary, nearestExisting, unwritableReason, writeFailure } from '../files.ts';

/**
 * Writes a trace file from chunks that arrive in any order (one per unit of work, from
 * whichever thread played it) in unit order, so the file does not depend on the number of
 * threads. Chunks are written as soon as every earlier one is in, so only those still
 * waiting for an earlier unit are held in memory. The file grows under a temporary name
 * and is renamed into place by `commit`; `abort` leaves nothing behind. A target ending in
 * `.gz` is written gzipped, one gzip member per chunk (a valid gzip stream, read back by
 * `gunzip` and by `pacebench fit`).
 */
export class TraceFileWriter {
  readonly target: string;
  private readonly temp: string;
  private fd: number | null = null;
  private readonly release: () => void;
  private next = 0;
  private readonly waiting = new Map<number, string>();
  private readonly gzip: boolean;
  bytes = 0;

  constructor(target: string, private readonly total: number) {
    this.target = target;
    this.temp = `${target}.tmp-${process.pid}`;
    this.gzip = target.endsWith('.gz');
    this.release = holdTemporary(this.temp);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      this.fd = openSync(this.temp, 'w');
    } catch (error) {
      this.release();
      throw writeFailure(error, `trace ${target}`);
    }
  }

  /** The text of unit `index` (whole lines, each ending in a newline; may be empty). */
  accept(index: number, text: string): void {
    this.waiting.set(index, text);
    for (let chunk = this.waiting.get(this.next); chunk !== undefined; chunk = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      this.write(chunk);
    }
  }

  private write(text: string): void {
    if (this.fd === null || text === '') return;
    const data = this.gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
    let offset = 0;
    try {
      while (offset < data.length) offset += writeSync(this.fd, data, offset);
    } catch (error) {
      // A full disk midway: the partial file goes, and the run ends with one line.
      this.abort();
      throw writeFailure(error, `trace ${this.target}`);
    }
    this.bytes += data.length;
  }

  commit(): void {
    if (this.next !== this.total) throw new Error(`trace has ${this.next} of ${this.total} units`);
    try {
      this.close();
      renameSync(this.temp, this.target);
    } catch (error) {
      this.abort();
      throw writeFailure(error, `trace ${this.target}`);
    }
    this.release();
  }

  abort(): void {
    try {
      this.close();
    } finally {
      rmSync(this.temp, { force: true });
      this.release();
    }
  }

  private close(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) closeSync(fd);
  }
}

/** Whether a file starts the way a trace does: gzip, or a JSON line naming the engine. */
function looksLikeTrace(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n === 0) return true;
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return head.subarray(0, n).toString('utf8').startsWith('{"engine":');
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `target` may not receive a trace, or `null`. Checked before a run, like the report
 * folder: a trace never overwrites a file that is not a trace, never lands inside the report
 * folder (which is replaced whole), and is never a folder or the empty name.
 */
export function traceTargetProblem(given: string, target: string, reportDir: string): string | null {
  if (given.trim() === '') return '--trace "" names no file';
  const rel = path.relative(reportDir, target);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    return `--trace ${given}: is inside the report folder, which a report replaces whole; write the trace beside it`;
  }
  if (existsSync(target)) {
    const stats = statSync(target);
    if (!stats.isFile()) return `--trace ${given}: is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}, expected a file name`;
    if (!looksLikeTrace(target)) return `--trace ${given}: exists and is not a trace pacebench wrote; choose another name`;
  }
  const parent = nearestExisting(path.dirname(target));
  if (!statSync(parent).isDirectory()) return `--trace ${given}: cannot be created: ${parent} is a file, not a folder`;
  const reason = unwritableReason(parent);
  if (reason !== null) return `--trace ${given}: cannot be created: nothing can be written in ${parent} (${reason})`;
  return null;
}
