import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstance } from '../../src/engines/call.ts';
import { resolveEngines } from '../../src/engines/load.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import { buildApp, type AppOptions } from '../../src/serve/app.ts';
import { SERVED_REPLICATE } from '../../src/serve/defaults.ts';
import type { Engine } from '../../src/engines/types.ts';
import { engineStream } from '../../src/stats/rng.ts';
import { CONTRACT_REQUEST } from '../helpers.ts';

/**
 * Engines from users' modules are served from threads of their own (src/serve/engine-threads.ts):
 * they answer exactly as they would in the main thread, and one that loops or never settles
 * costs its own call a 500 after the time limit, never the service.
 */
const SERVED = path.join(import.meta.dirname, '..', 'fixtures', 'engines', 'served.mjs');

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function app(options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const engines = await resolveEngines(parseEngineList(['exp', SERVED]));
  const a = await buildApp({ engines, seed: 7, logLevel: 'silent', ...options });
  apps.push(a);
  return a;
}

const post = (a: FastifyInstance, correlationId: string) =>
  a.inject({ method: 'POST', url: '/engines/served/decide', payload: { ...CONTRACT_REQUEST, correlation_id: correlationId } });

describe('serve: engines from modules, in threads', () => {
  it('answers exactly what the engine answers in the main thread, case by case, from the same seeded streams', async () => {
    const a = await app();
    const calls = ['A_0', 'B_0', 'A_1', 'A_2', 'B_1', 'A_0', 'A_1'];
    const served: string[] = [];
    for (const id of calls) {
      const r = await post(a, id);
      expect(r.statusCode).toBe(200);
      served.push(r.body);
    }
    // In the main thread: one instance per case, a fresh one at call 0.
    const [engine] = await resolveEngines(parseEngineList([SERVED]));
    const instances = new Map<string, Engine>();
    const direct = calls.map((id) => {
      const caseId = id.split('_')[0] as string;
      if (id.endsWith('_0') || !instances.has(caseId)) instances.set(caseId, createInstance(engine!, engineStream(7, SERVED_REPLICATE, caseId, 'served')));
      return JSON.stringify(instances.get(caseId)!.decide({ ...CONTRACT_REQUEST, correlation_id: id }));
    });
    expect(served).toEqual(direct);
    expect(served.map((d) => (JSON.parse(d) as { num_candidates_needed: number }).num_candidates_needed)).toEqual([1, 1, 2, 3, 2, 1, 2]);
  }, 60_000);

  it('frees an evicted case in its thread: the case starts afresh, as in the main thread', async () => {
    const a = await app({ maxCases: 1 });
    const needed = async (id: string) => (await post(a, id)).json().num_candidates_needed as number;
    expect([await needed('A_0'), await needed('A_1'), await needed('B_0'), await needed('A_2'), await needed('B_1')]).toEqual([1, 2, 1, 1, 1]);
  }, 60_000);

  it('answers 500 with the reason, as in the main thread, when the engine throws, exits or answers nonsense', async () => {
    const a = await app();
    const threw = await post(a, 'Throw_0');
    expect(threw.statusCode).toBe(500);
    expect(threw.json()).toEqual({ detail: 'engine served failed: the model file is missing' });
    // In its thread, process.exit ends neither the thread nor the server.
    const exit = await post(a, 'Exit_0');
    expect(exit.statusCode).toBe(500);
    expect(exit.json()).toEqual({ detail: 'engine served failed: called process.exit(3); an engine must return a decision, not end the process' });
    expect((await post(a, 'K_0')).statusCode).toBe(200);
    const liar = await post(a, 'Liar_0');
    expect(liar.statusCode).toBe(500);
    expect(liar.json().detail).toMatch(/^engine served returned an invalid decision: /);
  }, 60_000);

  it('answers 500 after the time limit when a call loops or never settles, while every other route answers', async () => {
    const a = await app({ timeoutMs: 2000 });
    // A case the thread held before it was stopped.
    expect((await post(a, 'K_0')).json().num_candidates_needed).toBe(1);
    expect((await post(a, 'K_1')).json().num_candidates_needed).toBe(2);

    const began = performance.now();
    const looping = post(a, 'Loop_0');
    const never = post(a, 'Never_0');
    const health = await a.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const exp = await a.inject({ method: 'POST', url: '/engines/exp/decide', payload: CONTRACT_REQUEST });
    expect(exp.statusCode).toBe(200);

    const [loop, hung] = await Promise.all([looping, never]);
    expect(loop.statusCode).toBe(500);
    expect(loop.json().detail).toMatch(/^engine served failed: no decision within 2000 ms at Loop_0 \(its thread was stopped, and the cases it held start afresh\)$/);
    expect(hung.statusCode).toBe(500);
    // The Promise is bounded where the call was made, or its thread stopped with the loop's.
    expect(hung.json().detail).toMatch(/^engine served failed: no decision/);
    expect(performance.now() - began).toBeLessThan(10_000);

    // A new thread took the place of the stopped one: the engine answers again, its cases afresh.
    const after = await post(a, 'K_2');
    expect(after.statusCode).toBe(200);
    expect(after.json().num_candidates_needed).toBe(1);
  }, 60_000);

  it('bounds a Promise that never settles by the time limit, and keeps the thread and its cases', async () => {
    const a = await app({ timeoutMs: 2000 });
    expect((await post(a, 'K_0')).json().num_candidates_needed).toBe(1);
    const hung = await post(a, 'Never_0');
    expect(hung.statusCode).toBe(500);
    expect(hung.json()).toEqual({ detail: 'engine served failed: no decision within 2000 ms at Never_0' });
    expect((await post(a, 'K_1')).json().num_candidates_needed).toBe(2);
  }, 60_000);
});
