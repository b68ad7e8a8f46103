import { validate } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_REQUEST } from '../helpers.ts';
import { ORIGINAL_REQUEST_SCHEMA, REQUEST_SCHEMA } from '../../src/contract/schema.ts';
import { parseRequest } from '../../src/contract/validate.ts';
import { resolveEngines } from '../../src/engines/load.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import { buildApp } from '../../src/serve/app.ts';

const GOOD = CONTRACT_REQUEST;
const { reference_date_time: _time, ...NO_TIME } = GOOD;
const { correlation_id: _id, ...NO_ID } = GOOD;
const record = GOOD.impacted_candidates_data[1]!;

/** The same requests, good and bad, for `parseRequest` and for the service's validator. */
const CASES: readonly (readonly [string, unknown])[] = [
  ['the contract example', GOOD],
  ['`now` for the call time', { ...NO_TIME, now: GOOD.reference_date_time }],
  ['both names, same instant', { ...GOOD, now: '2021-01-02T03:12:27Z' }],
  ['ISO 8601 with an offset', { ...GOOD, deadline: '2021-01-05T10:00:00+01:00' }],
  ['an empty list, an empty pool', { ...GOOD, num_remaining_in_pool: 0, impacted_candidates_data: [] }],
  ['both names, different instants', { ...GOOD, now: '2021-01-02 03:12:28' }],
  ['no call time', NO_TIME],
  ['no correlation id', NO_ID],
  ['a numeric correlation id', { ...GOOD, correlation_id: 7 }],
  ['30 February', { ...GOOD, deadline: '2021-02-30 00:00:00' }],
  ['a date without a time', { ...GOOD, deadline: '2021-02-03' }],
  ['a timestamp as a number', { ...GOOD, reference_date_time: 1609557147 }],
  ['no vacancy', { ...GOOD, num_vacancies: 0 }],
  ['a fractional vacancy', { ...GOOD, num_vacancies: 1.5 }],
  ['a vacancy count as a string', { ...GOOD, num_vacancies: '8' }],
  ['a negative pool', { ...GOOD, num_remaining_in_pool: -1 }],
  ['a missing pool', { ...GOOD, num_remaining_in_pool: undefined }],
  ['an unknown field', { ...GOOD, priority: 'high' }],
  ['records not a list', { ...GOOD, impacted_candidates_data: {} }],
  ['a record not an object', { ...GOOD, impacted_candidates_data: [record, 'ir_pending'] }],
  ['an unknown status', { ...GOOD, impacted_candidates_data: [{ ...record, notification_status: 'accepted' }] }],
  ['an unknown candidate status', { ...GOOD, impacted_candidates_data: [record, { ...record, candidate_status: 'hired' }] }],
  ['negative minutes', { ...GOOD, impacted_candidates_data: [{ ...record, time_to_respond_ir_minutes: -1 }] }],
  ['minutes as a string', { ...GOOD, impacted_candidates_data: [{ ...record, time_to_respond_ir_minutes: '3' }] }],
  ['fractional minutes', { ...GOOD, impacted_candidates_data: [{ ...record, time_to_respond_ir_minutes: 30.5 }] }],
  ['a pending record with an offer taken', { ...GOOD, impacted_candidates_data: [record, { ...record, candidate_status: 'offer_accepted' }] }],
  ['a refusal with an offer taken', { ...GOOD, impacted_candidates_data: [{ ...record, notification_status: 'ir_rejected', candidate_status: 'offer_accepted' }] }],
  ['a refusal as the original clients sent it', { ...GOOD, impacted_candidates_data: [{ ...record, notification_status: 'ir_rejected' }] }],
  ['a record missing a field', { ...GOOD, impacted_candidates_data: [{ notification_status: 'ir_pending', candidate_status: 'not_in_ft' }] }],
  ['a record with an extra field', { ...GOOD, impacted_candidates_data: [{ ...record, score: 1 }] }],
  ['many problems at once', { ...NO_TIME, num_vacancies: -3, extra: true, impacted_candidates_data: [record, { ...record, candidate_status: 1 }] }],
  ['not an object', [GOOD]],
  ['null', null],
];

/** FastAPI's `loc` as parseRequest names a field: `impacted_candidates_data[1].candidate_status`. */
function fieldOf(loc: readonly (string | number)[]): string {
  const parts = loc.slice(1);
  if (parts.length === 0) return '(request)';
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ engines: await resolveEngines(parseEngineList([...ENGINE_NAMES])), seed: 1, logLevel: 'silent' });
});
afterAll(async () => app.close());

describe('the JSON Schemas and parseRequest', () => {
  it.each(CASES)('agree on %s: valid or not, and which fields are wrong', async (_name, body) => {
    const parsed = parseRequest(body);
    const r = await app.inject({ method: 'POST', url: '/engines/exp/decide', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    if (parsed.ok) {
      expect(r.statusCode, r.body).toBe(200);
      return;
    }
    expect(r.statusCode, r.body).toBe(422);
    const served = (r.json() as { detail: { loc: (string | number)[] }[] }).detail.map((d) => fieldOf(d.loc));
    expect(new Set(served)).toEqual(new Set(parsed.problems.map((p) => p.field)));
  });

  it('the original paths differ only in the optional correlation id and in ignoring unknown fields', async () => {
    for (const [, body] of CASES) {
      const parsed = parseRequest(body);
      const withoutId = typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { correlation_id?: unknown }).correlation_id === undefined;
      const r = await app.inject({ method: 'POST', url: '/optim-exp/', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      // Unknown fields, which pydantic ignored, are ignored on the original paths (issue 21).
      const ignored = (p: { field: string; message: string }) => (p.field === 'correlation_id' && withoutId) || p.message.startsWith('is not a field of');
      const expected = parsed.ok || parsed.problems.every(ignored) ? 200 : 422;
      expect(r.statusCode, JSON.stringify(body)).toBe(expected);
    }
  });
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Record<string, unknown>;
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it('documents the very schemas that validate requests', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      components: { schemas: Record<string, unknown> };
      paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    };
    const asDocumented = (schema: object) => {
      const { $id: _drop, ...rest } = JSON.parse(JSON.stringify(schema).replace(/"(\w+)#"/g, '"#/components/schemas/$1"')) as Record<string, unknown>;
      return rest;
    };
    expect(doc.components.schemas.Request).toEqual(asDocumented(REQUEST_SCHEMA));
    expect(doc.components.schemas.OriginalRequest).toEqual(asDocumented(ORIGINAL_REQUEST_SCHEMA));
    const body = (path: string) => doc.paths[path]?.post?.requestBody.content['application/json']?.schema;
    expect(body('/engines/{name}/decide')).toEqual({ $ref: '#/components/schemas/Request' });
    for (const name of ['exp', 'nbinomial', 'stoch-constraint']) expect(body(`/optim-${name}/`)).toEqual({ $ref: '#/components/schemas/OriginalRequest' });
  });
});
