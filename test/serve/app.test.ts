import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CONTRACT_REQUEST } from '../helpers.ts';
import type { Decision, Request } from '../../src/contract/types.ts';
import { resolveEngines, type ResolvedEngine } from '../../src/engines/load.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import type { EngineDefinition } from '../../src/engines/types.ts';
import { buildApp, type AppOptions } from '../../src/serve/app.ts';
import { traceLine } from '../../src/serve/trace.ts';
import { engineStream } from '../../src/stats/rng.ts';

const BODY = { ...CONTRACT_REQUEST, correlation_id: 'Case7_0' };

function original(body: Record<string, unknown> = BODY): Record<string, unknown> {
  const { reference_date_time, correlation_id: _c, ...rest } = body;
  return { ...rest, now: reference_date_time };
}

function testEngine(name: string, decide: (request: Request, calls: number, random: () => number) => unknown): ResolvedEngine {
  const definition: EngineDefinition = {
    name,
    description: `test engine ${name}`,
    create: ({ random }) => {
      let calls = 0;
      return { decide: (request) => decide(request, ++calls, random) as Decision };
    },
  };
  return { label: name, spec: { text: name, ref: name, params: [] }, definition, params: {} };
}

/** Counts calls per instance: shows which requests share an engine instance. */
const counter = testEngine('counter', (_r, calls) => ({ finished: false, num_candidates_needed: calls, callback_time_minutes: 1 }));
const thrower = testEngine('thrower', () => {
  throw new Error('the model file is missing');
});
const liar = testEngine('liar', () => ({ finished: false, num_candidates_needed: -2, callback_time_minutes: 1 }));
const later = testEngine('later', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { finished: false, num_candidates_needed: request.num_vacancies, callback_time_minutes: 7 };
});

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
let shared: Promise<FastifyInstance> | null = null;
afterAll(async () => {
  if (shared !== null) await (await shared).close();
});

/** The app with every registered engine and the test engines; built once unless options differ. */
async function app(options?: Partial<AppOptions>, extra?: ResolvedEngine[]): Promise<FastifyInstance> {
  if (options === undefined && extra === undefined) return (shared ??= build({}, [counter, thrower, liar, later]));
  const a = await build(options ?? {}, extra ?? [counter, thrower, liar, later]);
  apps.push(a);
  return a;
}

async function build(options: Partial<AppOptions>, extra: ResolvedEngine[]): Promise<FastifyInstance> {
  const registered = await resolveEngines(parseEngineList([...ENGINE_NAMES]));
  return buildApp({ engines: [...registered, ...extra], seed: 1, logLevel: 'silent', ...options });
}

/** A log stream that keeps every line the app writes. */
function captureLog(): { lines: string[]; logStream: Writable } {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, logStream };
}

const post = (a: FastifyInstance, url: string, payload: unknown) => a.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

describe('the original paths', () => {
  it('answer [finished, num_candidates_needed, callback_time_minutes] for the body with `now`, with or without the trailing slash', async () => {
    const a = await app();
    const direct = (await resolveEngines(parseEngineList(['exp'])))[0]!.definition.create({ random: () => 0.5, params: { spread: 18, last: 0.15 } });
    const expected = await direct.decide({ ...BODY, correlation_id: '' } as Request);
    for (const url of ['/optim-exp/', '/optim-exp']) {
      const r = await post(a, url, original());
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual([expected.finished, expected.num_candidates_needed, expected.callback_time_minutes]);
    }
    for (const name of ['nbinomial', 'stoch-constraint']) {
      const r = await post(a, `/optim-${name}/`, original());
      expect(r.statusCode).toBe(200);
      const [finished, n, callback] = r.json() as [boolean, number, number];
      expect([typeof finished, Number.isInteger(n), Number.isInteger(callback)]).toEqual(['boolean', true, true]);
    }
  });

  it('accept reference_date_time, a correlation id, and both time names when they agree', async () => {
    const a = await app();
    expect((await post(a, '/optim-exp/', BODY)).statusCode).toBe(200);
    expect((await post(a, '/optim-exp/', { ...BODY, now: '2021-01-02T03:12:27Z' })).statusCode).toBe(200);
    const r = await post(a, '/optim-exp/', { ...BODY, now: '2021-01-02 03:12:28' });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toEqual([expect.objectContaining({ loc: ['body', 'now'], type: 'value_error' })]);
  });
});

describe('POST /engines/{name}/decide', () => {
  it('answers the decision object of every served engine, parameterised ones included', async () => {
    const extra = await resolveEngines(parseEngineList(['nbinomial:mean=0.05']));
    const a = await app({}, extra);
    for (const name of [...ENGINE_NAMES, 'nbinomial:mean=0.05']) {
      const r = await post(a, `/engines/${encodeURIComponent(name)}/decide`, BODY);
      expect(r.statusCode, name).toBe(200);
      expect(Object.keys(r.json() as object).sort()).toEqual(['callback_time_minutes', 'finished', 'num_candidates_needed']);
    }
    const plain = (await post(a, '/engines/nbinomial/decide', BODY)).json();
    const tuned = (await post(a, '/engines/nbinomial:mean=0.05/decide', BODY)).json();
    expect(tuned).not.toEqual(plain);
  });

  it('awaits engines that answer with a Promise', async () => {
    const r = await post(await app(), '/engines/later/decide', BODY);
    expect(r.json()).toEqual({ finished: false, num_candidates_needed: 8, callback_time_minutes: 7 });
  });

  it('answers 500 when an engine\'s Promise rejects or settles on an invalid decision', async () => {
    const rejecter = testEngine('rejecter', async () => {
      throw new Error('the service behind it is down');
    });
    const lateLiar = testEngine('late-liar', async () => ({ finished: false, num_candidates_needed: 1.5, callback_time_minutes: 1 }));
    const a = await app({}, [rejecter, lateLiar]);
    const rejected = await post(a, '/engines/rejecter/decide', BODY);
    expect(rejected.statusCode).toBe(500);
    expect(rejected.json()).toEqual({ detail: 'engine rejecter failed: the service behind it is down' });
    const invalid = await post(a, '/engines/late-liar/decide', BODY);
    expect(invalid.statusCode).toBe(500);
    expect(invalid.json().detail).toMatch(/^engine late-liar returned an invalid decision: /);
  });

  it('requires the correlation id the original paths make optional', async () => {
    const { correlation_id: _c, ...rest } = BODY;
    const r = await post(await app(), '/engines/exp/decide', rest);
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toEqual([{ loc: ['body', 'correlation_id'], msg: 'Field required', type: 'missing' }]);
  });

  it('answers 404 naming the served engines for an unknown one', async () => {
    const r = await post(await app(), '/engines/nope/decide', BODY);
    expect(r.statusCode).toBe(404);
    expect(r.json().detail).toMatch(/unknown engine "nope" \(served: exp, exp-decay/);
    // Whatever the body: the engine is looked up before the body is validated.
    const empty = await post(await app(), '/engines/nope/decide', {});
    expect(empty.statusCode).toBe(404);
    expect(empty.json().detail).toMatch(/unknown engine "nope"/);
  });
});

describe('errors, as FastAPI clients expect them', () => {
  it('422 names every bad field with its location', async () => {
    const { reference_date_time: _t, ...rest } = BODY;
    const r = await post(await app(), '/engines/exp/decide', {
      ...rest,
      deadline: '2021-02-30 00:00:00',
      num_vacancies: 0,
      num_remaining_in_pool: 'many',
      extra: 1,
      impacted_candidates_data: [
        BODY.impacted_candidates_data[0],
        { notification_status: 'accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: -1 },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    const detail = (r.json() as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
    expect(detail.map((d) => d.loc)).toEqual(
      expect.arrayContaining([
        ['body', 'reference_date_time'],
        ['body', 'deadline'],
        ['body', 'num_vacancies'],
        ['body', 'num_remaining_in_pool'],
        ['body', 'extra'],
        ['body', 'impacted_candidates_data', 1, 'notification_status'],
        ['body', 'impacted_candidates_data', 1, 'time_to_respond_ir_minutes'],
      ]),
    );
    expect(detail).toHaveLength(7);
    expect(detail.find((d) => d.loc[1] === 'num_vacancies')).toEqual({
      loc: ['body', 'num_vacancies'],
      msg: 'Input should be greater than or equal to 1',
      type: 'greater_than_equal',
    });
    expect(detail.find((d) => d.loc[1] === 'extra')?.type).toBe('extra_forbidden');
    expect(detail.find((d) => d.loc[1] === 'deadline')?.type).toBe('datetime_parsing');
    expect(detail.find((d) => d.loc[3] === 'notification_status')?.msg).toBe("Input should be 'ir_pending', 'ir_accepted' or 'ir_rejected'");
  });

  it('422 for a body that is not an object', async () => {
    const r = await a422('[1, 2]');
    expect(r).toEqual([{ loc: ['body'], msg: 'Input should be a valid dictionary or object', type: 'dict_type' }]);
  });

  async function a422(payload: string) {
    const r = await (await app()).inject({ method: 'POST', url: '/optim-exp/', headers: { 'content-type': 'application/json' }, payload });
    expect(r.statusCode).toBe(422);
    return r.json().detail as unknown;
  }

  it('400 for malformed JSON', async () => {
    const r = await (await app()).inject({ method: 'POST', url: '/optim-exp/', headers: { 'content-type': 'application/json' }, payload: '{"now": ' });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
  });

  it('413 for a body over the limit', async () => {
    const a = await app({ bodyLimit: 1000 });
    const big = { ...BODY, impacted_candidates_data: Array.from({ length: 50 }, () => BODY.impacted_candidates_data[1]) };
    const r = await post(a, '/optim-exp/', big);
    expect(r.statusCode).toBe(413);
    expect(typeof r.json().detail).toBe('string');
    expect((await post(a, '/optim-exp/', BODY)).statusCode).toBe(200);
  });

  it('404 and 405 as JSON', async () => {
    const a = await app();
    const missing = await a.inject({ method: 'GET', url: '/optim-nothing/' });
    expect([missing.statusCode, missing.json()]).toEqual([404, { detail: 'Not Found' }]);
    for (const [method, url] of [
      ['GET', '/optim-exp/'],
      ['PUT', '/optim-exp'],
      ['GET', '/engines/exp/decide'],
      ['POST', '/health'],
      ['DELETE', '/engines'],
    ] as const) {
      const r = await a.inject({ method, url });
      expect([method, url, r.statusCode, r.json()]).toEqual([method, url, 405, { detail: 'Method Not Allowed' }]);
      expect(r.headers.allow).toBeDefined();
    }
  });

  it('500 with the reason when an engine throws or returns an invalid decision, logged with the correlation id; serving goes on', async () => {
    const { lines, logStream } = captureLog();
    const a = await app({ logLevel: 'info', logStream });
    const thrown = await post(a, '/engines/thrower/decide', { ...BODY, correlation_id: 'Boom_3' });
    expect(thrown.statusCode).toBe(500);
    expect(thrown.json()).toEqual({ detail: 'engine thrower failed: the model file is missing' });
    const invalid = await post(a, '/engines/liar/decide', BODY);
    expect(invalid.statusCode).toBe(500);
    expect(invalid.json().detail).toMatch(/engine liar returned an invalid decision: num_candidates_needed must be an integer >= 0, got -2/);
    expect((await post(a, '/engines/exp/decide', BODY)).statusCode).toBe(200);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, engine: 'thrower', correlation_id: 'Boom_3', msg: 'engine thrower failed: the model file is missing' }));
  });
});

describe('operations', () => {
  it('logs one line per request with the correlation id, the engine and the latency', async () => {
    const { lines, logStream } = captureLog();
    const a = await app({ logLevel: 'info', logStream });
    await post(a, '/optim-nbinomial/', BODY);
    await post(a, '/engines/exp/decide', { ...BODY, num_vacancies: 0 });
    await a.inject({ method: 'GET', url: '/health' });
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ engine: 'nbinomial', correlation_id: 'Case7_0', status: 200, url: '/optim-nbinomial/' });
    expect(requests[1]).toMatchObject({ engine: 'exp', correlation_id: 'Case7_0', status: 422 });
    for (const r of requests) expect(typeof r.latency_ms).toBe('number');
  });

  it('neither logs nor traces the warm-up\'s calls, and forgets their cases when it ends', async () => {
    const { lines, logStream } = captureLog();
    const traced: string[] = [];
    const a = await app({ logLevel: 'info', logStream, onDecision: (engine) => traced.push(engine) });
    a.warmingUp = true;
    for (const k of [0, 1, 2]) expect((await post(a, '/engines/counter/decide', { ...BODY, correlation_id: `Warm_${k}` })).json()).toMatchObject({ num_candidates_needed: k + 1 });
    expect((await a.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ cases: { live: 1 } });
    a.warmingUp = false;
    expect((await a.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ cases: { live: 0, evicted: 0, expired: 0 } });
    // The case starts afresh, and this call is the first one logged, traced and numbered.
    expect((await post(a, '/engines/counter/decide', { ...BODY, correlation_id: 'Warm_3' })).json()).toMatchObject({ num_candidates_needed: 1 });
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.map((r) => [r.reqId, r.url, r.correlation_id])).toEqual([
      ['req-1', '/health', null],
      ['req-2', '/engines/counter/decide', 'Warm_3'],
    ]);
    expect(traced).toEqual(['counter']);
  });

  it('lists the engines with descriptions and parameters, and answers /health', async () => {
    const extra = await resolveEngines(parseEngineList(['exp:spread=10']));
    const a = await app({}, extra);
    const engines = (await a.inject({ method: 'GET', url: '/engines' })).json() as { name: string; params: { name: string; value: number; default: number }[]; original_path: string | null }[];
    expect(engines.map((e) => e.name)).toEqual([...ENGINE_NAMES, 'exp:spread=10']);
    expect(engines.find((e) => e.name === 'exp:spread=10')?.params.find((p) => p.name === 'spread')).toMatchObject({ value: 10, default: 18 });
    expect(engines.find((e) => e.name === 'exp')?.original_path).toBe('/optim-exp/');
    const health = await a.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', engines: ENGINE_NAMES.length + 1 });
  });

  it('hands every answered call to onDecision in the trace format', async () => {
    const lines: string[] = [];
    const a = await app({ onDecision: (engine, request, decision) => lines.push(traceLine(engine, request, decision)) });
    const answer = (await post(a, '/optim-exp/', original())).json() as [boolean, number, number];
    await post(a, '/engines/exp/decide', { ...BODY, num_vacancies: 0 });
    expect(lines).toHaveLength(1);
    const { correlation_id: _c, ...expected } = BODY;
    expect(JSON.parse(lines[0]!)).toEqual({
      engine: 'exp',
      request: { correlation_id: '', ...expected },
      decision: { finished: answer[0], num_candidates_needed: answer[1], callback_time_minutes: answer[2] },
    });
  });

  it('serves Swagger UI and ReDoc from local assets only', async () => {
    const a = await app();
    const docs = await a.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    const redoc = await a.inject({ method: 'GET', url: '/redoc' });
    expect(redoc.statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/redoc/' })).body).toBe(redoc.body);
    for (const page of [docs.body, redoc.body]) {
      const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) expect(s).not.toMatch(/^(https?:)?\/\//);
    }
    const bundle = await a.inject({ method: 'GET', url: '/redoc/redoc.standalone.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
    for (const asset of [...docs.body.matchAll(/src="\.\/([^"]+)"/g)].map((m) => m[1])) {
      expect((await a.inject({ method: 'GET', url: `/docs/${asset}` })).statusCode, asset).toBe(200);
    }
  });
});

describe('state and seeds', () => {
  it('keeps one instance per (engine, case id) and a fresh one without a correlation id', async () => {
    const a = await app();
    const n = async (payload: unknown) => ((await post(a, '/engines/counter/decide', payload)).json() as Decision).num_candidates_needed;
    expect(await n({ ...BODY, correlation_id: 'A_0' })).toBe(1);
    expect(await n({ ...BODY, correlation_id: 'A_1' })).toBe(2);
    expect(await n({ ...BODY, correlation_id: 'B_0' })).toBe(1);
    expect(await n({ ...BODY, correlation_id: 'A_2' })).toBe(3);
    // Call 0 again: the case starts over (a replay, another replicate).
    expect(await n({ ...BODY, correlation_id: 'A_0' })).toBe(1);
    expect(await n({ ...BODY, correlation_id: 'A_1' })).toBe(2);
    const fresh = async () => ((await post(a, '/optim-exp/', original())).statusCode);
    expect(await fresh()).toBe(200);
  });

  it('draws each case from the stream of (seed, case, engine): replays agree, on a fresh server or a running one, and match the in-process engine of replicate 1', async () => {
    const calls = [0, 1, 2].map((i) => ({ ...BODY, correlation_id: `Case3_${i}`, num_remaining_in_pool: 98 - 10 * i }));
    const answers = async (seed: number) => {
      const a = await app({ seed });
      const out: unknown[] = [];
      for (const c of calls) out.push((await post(a, '/engines/stoch-constraint/decide', c)).json());
      return out;
    };
    const first = await answers(5);
    expect(await answers(5)).toEqual(first);
    const running = await app({ seed: 5 });
    for (let replay = 0; replay < 2; replay++) {
      const out: unknown[] = [];
      for (const c of calls) out.push((await post(running, '/engines/stoch-constraint/decide', c)).json());
      expect(out).toEqual(first);
    }
    const [engine] = await resolveEngines(parseEngineList(['stoch-constraint']));
    const local = engine!.definition.create({ random: engineStream(5, 1, 'Case3', 'stoch-constraint'), params: engine!.params });
    expect(calls.map((c) => local.decide(c as Request))).toEqual(first);
    expect(await answers(6)).not.toEqual(first);
  });

  it('keeps memory bounded: at most max-cases instances under any sequence, and none idle past the TTL', async () => {
    let now = 0;
    const a = await app({ maxCases: 50, caseTtlMs: 60_000, clock: () => now });
    const live = async () => ((await a.inject({ method: 'GET', url: '/health' })).json() as { cases: { live: number; evicted: number; expired: number } }).cases;
    for (let i = 0; i < 400; i++) {
      await post(a, '/engines/counter/decide', { ...BODY, correlation_id: `Case${i}_${i % 3}` });
      if (i % 20 === 0) expect((await live()).live).toBeLessThanOrEqual(50);
    }
    expect(await live()).toEqual({ live: 50, evicted: 350, expired: 0 });
    // The most recent case survived; the first was evicted and starts again.
    expect(((await post(a, '/engines/counter/decide', { ...BODY, correlation_id: 'Case399_1' })).json() as Decision).num_candidates_needed).toBe(2);
    expect(((await post(a, '/engines/counter/decide', { ...BODY, correlation_id: 'Case0_1' })).json() as Decision).num_candidates_needed).toBe(1);
    now += 60_001;
    await post(a, '/engines/counter/decide', { ...BODY, correlation_id: 'Late_0' });
    expect(await live()).toMatchObject({ live: 1, expired: 50 });
  }, 30_000);
});
