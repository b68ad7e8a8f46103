import { describe, expect, it } from 'vitest';
import { loopbackEcho, measureServeAt, originalBody } from '../../bench/serve.ts';
import { resolveEngines } from '../../src/engines/load.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import { buildApp } from '../../src/serve/app.ts';

describe('the serve bench', () => {
  it('loads the original path with the body an original client sends for a live case and reports rate and latency; it asserts no time', async () => {
    const body = JSON.parse(originalBody(10)) as Record<string, unknown>;
    expect(body).toHaveProperty('now');
    expect(body).not.toHaveProperty('reference_date_time');
    expect(body.correlation_id).toMatch(/^bench10_\d+$/);
    expect((body.impacted_candidates_data as unknown[]).length).toBe(10);
    const app = await buildApp({ engines: await resolveEngines(parseEngineList(['exp'])), seed: 1, logLevel: 'silent' });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const [r, ...rest] = await measureServeAt(base, { durationS: 1, warmupS: 0, engines: ['exp'], invited: [10], connections: 4 });
      expect(rest).toEqual([]);
      expect(r).toMatchObject({ name: 'serve/exp/n=10', engine: 'exp', invited: 10, connections: 4, errors: 0, non_2xx: 0 });
      expect(r!.requests_per_s).toBeGreaterThan(0);
      expect(r!.p99_ms).toBeGreaterThanOrEqual(r!.p50_ms);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('measures the loopback control: round trips between two processes, no pacebench code; it asserts no time', async () => {
    const rate = await loopbackEcho(4, 200);
    expect(Number.isInteger(rate)).toBe(true);
    expect(rate).toBeGreaterThan(0);
  }, 30_000);
});
