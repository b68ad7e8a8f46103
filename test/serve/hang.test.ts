import { describe, expect, it } from 'vitest';
import { startServer } from './server.ts';

/**
 * One engine cannot freeze `pacebench serve` (issue 21, item 1): a module engine that loops
 * forever and one whose Promise never settles each answer 500 after `--timeout-ms`, while
 * `/health`, the other engines and SIGTERM keep working. Every wait is bounded, so a server
 * that hangs fails the test instead of hanging it.
 */
const BODY = {
  correlation_id: 'Hang_0',
  reference_date_time: '2021-01-02 03:12:27',
  deadline: '2021-01-05 09:00:00',
  num_vacancies: 8,
  num_remaining_in_pool: 98,
  impacted_candidates_data: [],
};

/** A promise that fails after `ms` with `what`, for the bounded waits. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

describe('pacebench serve with an engine that never answers', () => {
  it('answers 500 for the looping and the never-settling engine within the limit, and keeps answering everything else', async () => {
    const server = startServer([
      '--engines', 'test/fixtures/engines/loop.mjs,test/fixtures/engines/never-settles.mjs,test/fixtures/engines/factory.mjs',
      '--timeout-ms', '3000', '--log-level', 'warn',
    ]);
    try {
      const url = await within(30_000, 'listening', server.url);
      const call = (p: string, body: unknown = BODY) =>
        fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
      // The module engines' threads are up once each has answered (they start with the server).
      expect((await call('/engines/factory/decide')).status).toBe(200);

      const began = performance.now();
      const loop = call('/engines/loop/decide');
      const never = call('/engines/never-settles/decide');
      let settled = false;
      void Promise.allSettled([loop, never]).then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // While both hang, the service answers.
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
      expect(health.status).toBe(200);
      expect((await call('/optim-exp/', { ...BODY, now: BODY.reference_date_time, reference_date_time: undefined })).status).toBe(200);
      expect((await call('/engines/factory/decide', { ...BODY, correlation_id: 'Other_0' })).status).toBe(200);
      expect(settled).toBe(false);

      const [looped, hung] = await Promise.all([loop, never]);
      expect(looped.status).toBe(500);
      expect(await looped.json()).toEqual({ detail: 'engine loop failed: no decision within 3000 ms at Hang_0 (its thread was stopped, and the cases it held start afresh)' });
      expect(hung.status).toBe(500);
      expect(await hung.json()).toEqual({ detail: 'engine never-settles failed: no decision within 3000 ms at Hang_0' });
      expect(performance.now() - began).toBeLessThan(10_000);

      // A new thread took the stopped one's place.
      expect((await call('/engines/loop/decide', { ...BODY, correlation_id: 'Again_0' })).status).toBe(500);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('exits 0 on SIGTERM while a call loops', async () => {
    const server = startServer(['--engines', 'test/fixtures/engines/loop.mjs', '--timeout-ms', '2000', '--log-level', 'warn']);
    try {
      const url = await within(30_000, 'listening', server.url);
      const looping = fetch(`${url}/engines/loop/decide`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
        signal: AbortSignal.timeout(15_000),
      }).then((r) => r.status, () => null);
      await new Promise((resolve) => setTimeout(resolve, 500));
      server.child.kill('SIGTERM');
      // The call in flight is finished: by the limit, with its 500.
      expect(await within(10_000, 'exit after SIGTERM', server.exit)).toBe(0);
      expect(await looping).toBe(500);
      expect(server.stderr()).toMatch(/SIGTERM: finishing the requests in flight[\s\S]*stopped/);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 90_000);
});
