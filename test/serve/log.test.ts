import { describe, expect, it } from 'vitest';
import { BatchedLog, type LogSink } from '../../src/serve/log.ts';

function sink(): LogSink & { chunks: string[]; flushes: number; syncFlushes: number } {
  const s = {
    chunks: [] as string[],
    flushes: 0,
    syncFlushes: 0,
    write(chunk: Buffer) {
      s.chunks.push(chunk.toString('utf8'));
      return true;
    },
    flush() {
      s.flushes++;
    },
    flushSync() {
      s.syncFlushes++;
    },
  };
  return s;
}

describe('BatchedLog', () => {
  it('hands lines on in batches of at least minLength characters, in order, and the rest when flushed', () => {
    const out = sink();
    const log = new BatchedLog(out, 20);
    log.write('{"a":1}\n');
    log.write('{"b":2}\n');
    expect(out.chunks).toEqual([]);
    log.write('{"c":3}\n');
    expect(out.chunks).toEqual(['{"a":1}\n{"b":2}\n{"c":3}\n']);
    log.write('{"d":4}\n');
    log.flush();
    expect(out.chunks).toEqual(['{"a":1}\n{"b":2}\n{"c":3}\n', '{"d":4}\n']);
    expect(out.flushes).toBe(1);
    log.flush();
    expect(out.chunks).toHaveLength(2);
    log.write('{"e":5}\n');
    log.flushSync();
    expect(out.chunks.at(-1)).toBe('{"e":5}\n');
    expect(out.syncFlushes).toBe(1);
  });
});
