import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** `pacebench … | head -1`: a reader that closes the pipe after its first chunk. */
function readFirstChunkThenClose(args: string[], input: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'pacebench.mjs'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    // pacebench may end before it has read all of its input.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

describe('a reader that closes stdout early', () => {
  it('ends pacebench quietly with 0', async () => {
    const request = {
      correlation_id: 'C_0',
      reference_date_time: '2021-01-04 09:00:00',
      deadline: '2021-01-08 09:00:00',
      num_vacancies: 9,
      num_remaining_in_pool: 400,
      impacted_candidates_data: [],
    };
    const input = `${Array.from({ length: 50_000 }, () => JSON.stringify(request)).join('\n')}\n`;
    for (let i = 0; i < 3; i++) {
      const r = await readFirstChunkThenClose(['decide', '--engine', 'exp'], input);
      expect(r.stderr).toBe('');
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    }
  }, 120_000);
});
