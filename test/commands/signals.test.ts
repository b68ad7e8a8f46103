import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
// Resolved here: the child runs in a folder of its own, where `--import tsx` would not be found.
const TSX = import.meta.resolve('tsx');

const temporaries = (dir: string): string[] => readdirSync(dir).filter((f) => f.includes('.tmp-'));

/**
 * Starts a long backtest with a trace in a child process, waits until its trace is growing
 * under its temporary name, sends `signal`, and returns how the child ended.
 */
async function interrupted(signal: NodeJS.Signals): Promise<{ dir: string; code: number | null; signal: NodeJS.Signals | null; seen: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-signal-'));
  const child = spawn(
    process.execPath,
    ['--import', TSX, path.join(ROOT, 'src', 'cli.ts'), 'backtest', '--scenario', 'cold_start', '--replicates', '5', '--workers', '1', '--no-html', '--out', 'r', '--trace', 't.jsonl.gz'],
    { cwd: dir, stdio: 'ignore' },
  );
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, s) => resolve({ code, signal: s })));
  let seen: string[] = [];
  for (let waited = 0; waited < 60_000; waited += 50) {
    seen = temporaries(dir);
    if (seen.length > 0 && statSync(path.join(dir, seen[0] as string)).size > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  // A child that ignored the signal is not left running after the test.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    return { dir, ...(await ended), seen };
  } finally {
    clearTimeout(timer);
  }
}

describe('a backtest stopped by a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`leaves no temporary file when stopped by ${signal}`, async () => {
      const { dir, code, signal: by, seen } = await interrupted(signal);
      expect(seen, 'the trace was being written under a temporary name').toHaveLength(1);
      expect(temporaries(dir)).toEqual([]);
      // Nothing partial either: neither the trace nor the report is in place.
      expect(readdirSync(dir)).toEqual([]);
      // Ended by the signal, as the shell expects of Ctrl-C.
      expect({ code, signal: by }).toEqual({ code: null, signal });
    }, 90_000);
  }
});
