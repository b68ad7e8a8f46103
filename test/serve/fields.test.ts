import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_REQUEST } from '../helpers.ts';
import type { Decision, Request } from '../../src/contract/types.ts';
import { resolveEngines } from '../../src/engines/load.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import { buildApp } from '../../src/serve/app.ts';

const BODY = { ...CONTRACT_REQUEST, correlation_id: 'Fields_0' };
const RECORD = CONTRACT_REQUEST.impacted_candidates_data[1];

let app: FastifyInstance;
const lines: Record<string, unknown>[] = [];
const seen: Request[] = [];
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const registered = await resolveEngines(parseEngineList([...ENGINE_NAMES]));
  // The engine exp as served, seeing what the server hands it.
  const exp = registered.find((e) => e.label === 'exp')!;
  const watched = {
    ...exp,
    definition: {
      ...exp.definition,
      create: (context: Parameters<typeof exp.definition.create>[0]) => {
        const inner = exp.definition.create(context);
        return { decide: (r: Request) => (seen.push(r), inner.decide(r)) as Decision };
      },
    },
  };
  app = await buildApp({ engines: registered.map((e) => (e.label === 'exp' ? watched : e)), seed: 1, logLevel: 'info', logStream });
});
afterAll(async () => app.close());

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
const logOf = (url: string) => lines.filter((l) => l.msg === 'request' && l.url === url).at(-1);

describe('unknown fields', () => {
  it('are accepted and ignored on the original paths, as the original service did, and counted in the request log', async () => {
    const plain = await post('/optim-exp/', BODY);
    expect(plain.statusCode).toBe(200);
    expect(logOf('/optim-exp/')).not.toHaveProperty('ignored_fields');
    seen.length = 0;
    const extra = await post('/optim-exp', {
      ...BODY,
      client_version: '3.1',
      priority: { level: 'high' },
      impacted_candidates_data: [BODY.impacted_candidates_data[0], { ...RECORD, candidate_id: 'c-17' }],
    });
    expect(extra.statusCode, extra.body).toBe(200);
    expect(extra.json()).toEqual(plain.json());
    expect(logOf('/optim-exp')).toMatchObject({ status: 200, engine: 'exp', ignored_fields: 3 });
    // The engine sees the contract's fields only.
    expect(seen.at(-1)).toEqual({ ...BODY, impacted_candidates_data: [BODY.impacted_candidates_data[0], RECORD] });
  });

  it('still leave the other problems of an original body to a 422 that names them, and only them', async () => {
    const r = await post('/optim-nbinomial/', { ...BODY, num_vacancies: 0, note: 'x', impacted_candidates_data: [{ ...RECORD, extra: 1, time_to_respond_ir_minutes: -1 }] });
    expect(r.statusCode).toBe(422);
    expect((r.json() as { detail: { loc: unknown[] }[] }).detail.map((d) => d.loc)).toEqual([
      ['body', 'num_vacancies'],
      ['body', 'impacted_candidates_data', 0, 'time_to_respond_ir_minutes'],
    ]);
  });

  it('are refused with 422 on /engines/{name}/decide', async () => {
    const r = await post('/engines/exp/decide', { ...BODY, client_version: '3.1' });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({ detail: [{ loc: ['body', 'client_version'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }] });
    const nested = await post('/engines/exp/decide', { ...BODY, impacted_candidates_data: [{ ...RECORD, candidate_id: 'c' }] });
    expect(nested.json()).toEqual({ detail: [{ loc: ['body', 'impacted_candidates_data', 0, 'candidate_id'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }] });
  });
});

describe('numbers beyond what the contract can mean', () => {
  it.each([
    ['num_vacancies', '1e308', 100_000_000],
    ['num_vacancies', '100000001', 100_000_000],
    ['num_remaining_in_pool', '9007199254740993', 100_000_000],
    ['num_remaining_in_pool', '100000001', 100_000_000],
  ])('%s: %s is a 422 that names the field, on both paths', async (field, text, limit) => {
    // The number as a client writes it: 9007199254740993 has no double of its own.
    const payload = JSON.stringify({ ...BODY, [field]: 0 }).replace(`"${field}":0`, `"${field}":${text}`);
    for (const url of ['/optim-exp/', '/engines/stoch-constraint/decide']) {
      const r = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
      expect(r.statusCode, `${url} ${r.body}`).toBe(422);
      expect(r.json()).toEqual({ detail: [{ loc: ['body', field], msg: `Input should be less than or equal to ${limit}`, type: 'less_than_equal' }] });
    }
  });

  it('minutes above 2^53 − 1 are a 422 naming the record; the largest scenario sizes are accepted', async () => {
    const payload = `{"now":"2021-01-02 03:12:27","deadline":"2021-01-05 09:00:00","num_vacancies":8,"num_remaining_in_pool":98,"impacted_candidates_data":[{"notification_status":"ir_pending","candidate_status":"not_in_ft","time_to_respond_ir_minutes":30},{"notification_status":"ir_pending","candidate_status":"not_in_ft","time_to_respond_ir_minutes":9007199254740993}]}`;
    const r = await app.inject({ method: 'POST', url: '/optim-exp/', headers: { 'content-type': 'application/json' }, payload });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      detail: [{ loc: ['body', 'impacted_candidates_data', 1, 'time_to_respond_ir_minutes'], msg: 'Input should be less than or equal to 9007199254740991', type: 'less_than_equal' }],
    });
    const largest = await post('/optim-exp/', { ...BODY, num_vacancies: 100_000_000, num_remaining_in_pool: 100_000_000 });
    expect(largest.statusCode, largest.body).toBe(200);
  });

  it('are named along with the other problems of the body', async () => {
    const r = await post('/engines/exp/decide', { ...BODY, num_vacancies: 1e308, deadline: 'soon' });
    expect(r.statusCode).toBe(422);
    expect(new Set((r.json() as { detail: { loc: unknown[] }[] }).detail.map((d) => d.loc.join('.')))).toEqual(new Set(['body.deadline', 'body.num_vacancies']));
  });
});
