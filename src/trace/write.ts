import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

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
  private fd: number | null;
  private next = 0;
  private readonly waiting = new Map<number, string>();
  private readonly gzip: boolean;
  bytes = 0;

  constructor(target: string, private readonly total: number) {
    this.target = target;
    this.temp = `${target}.tmp-${process.pid}`;
    this.gzip = target.endsWith('.gz');
    mkdirSync(path.dirname(target), { recursive: true });
    this.fd = openSync(this.temp, 'w');
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
    while (offset < data.length) offset += writeSync(this.fd, data, offset);
    this.bytes += data.length;
  }

  commit(): void {
    if (this.next !== this.total) throw new Error(`trace has ${this.next} of ${this.total} units`);
    this.close();
    renameSync(this.temp, this.target);
  }

  abort(): void {
    this.close();
    rmSync(this.temp, { force: true });
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
