/**
 * The log stream of `pacebench serve`: lines gathered in memory and handed to the file
 * writer (sonic-boom) in batches. sonic-boom's own `minLength` batching measures the whole
 * pending buffer (`Buffer.byteLength`, which flattens it) on every line it is given, a cost
 * that grows with the batch; here a line costs a string append, and the writer sees one
 * write per batch, as bytes (sonic-boom's `contentMode: 'buffer'`: a string it is given is
 * copied to bytes again after every write to count what was written).
 */
import type { DestinationStream } from 'pino';

/** What this needs of a sonic-boom destination. */
export interface LogSink {
  write(chunk: Buffer): boolean;
  flush(): void;
  flushSync(): void;
}

export class BatchedLog implements DestinationStream {
  private pending = '';
  private length = 0;

  /** `minLength`: characters gathered before they are handed on (log lines are ASCII but for user text). */
  constructor(
    private readonly sink: LogSink,
    private readonly minLength = 8192,
  ) {}

  write(line: string): void {
    this.pending += line;
    this.length += line.length;
    if (this.length >= this.minLength) this.handOn();
  }

  /** Hands on what is gathered; the writer writes it without blocking. */
  flush(): void {
    this.handOn();
    this.sink.flush();
  }

  /** Writes everything before returning: at exit. */
  flushSync(): void {
    this.handOn();
    this.sink.flushSync();
  }

  private handOn(): void {
    if (this.length === 0) return;
    const chunk = this.pending;
    this.pending = '';
    this.length = 0;
    this.sink.write(Buffer.from(chunk, 'utf8'));
  }
}
