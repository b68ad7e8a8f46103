/**
 * Request validation for `pacebench serve`: the contract's JSON Schemas compiled with Ajv, and
 * Ajv's errors turned into FastAPI's `{"detail": [{loc, msg, type}]}` so its clients read them
 * unchanged. Valid requests take a fast validator that stops at the first error; only an invalid
 * one is checked again, completely, to name every bad field.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CANDIDATE_RECORD_SCHEMA, ORIGINAL_REQUEST_SCHEMA, REQUEST_SCHEMA, TIMESTAMP_FORMAT, isContractTimestamp } from '../contract/schema.ts';
import { parseTimestamp } from '../contract/time.ts';
import type { CandidateRecord, Request } from '../contract/types.ts';

/** One entry of FastAPI's `detail` list. */
export interface ValidationDetail {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

export interface Validator {
  /** `null` when `body` is a valid request, else every problem, in document order. */
  problems(body: unknown): ValidationDetail[] | null;
}

function newAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  ajv.addFormat(TIMESTAMP_FORMAT, { type: 'string', validate: isContractTimestamp });
  ajv.addSchema([CANDIDATE_RECORD_SCHEMA, REQUEST_SCHEMA, ORIGINAL_REQUEST_SCHEMA]);
  return ajv;
}

let fastAjv: Ajv2020 | null = null;
let fullAjv: Ajv2020 | null = null;

/** Compiles a request schema of schema.ts (`REQUEST_SCHEMA` or `ORIGINAL_REQUEST_SCHEMA`). */
export function compileValidator(schema: object): Validator {
  fastAjv ??= newAjv(false);
  fullAjv ??= newAjv(true);
  const id = (schema as { $id?: string }).$id;
  const fast: ValidateFunction = (id !== undefined && fastAjv.getSchema(id)) || fastAjv.compile(schema);
  const full: ValidateFunction = (id !== undefined && fullAjv.getSchema(id)) || fullAjv.compile(schema);
  return {
    problems(body) {
      if (fast(body)) return sameInstant(body as Record<string, unknown>);
      full(body);
      return toDetails(full.errors ?? []);
    },
  };
}

/** The one rule JSON Schema cannot say: `now` and `reference_date_time`, when both are given, agree. */
function sameInstant(body: Record<string, unknown>): ValidationDetail[] | null {
  const { now, reference_date_time: reference } = body;
  if (typeof now !== 'string' || typeof reference !== 'string') return null;
  if (parseTimestamp(now) === parseTimestamp(reference)) return null;
  return [{ loc: ['body', 'now'], msg: `Value error, ${JSON.stringify(now)} differs from reference_date_time ${JSON.stringify(reference)}`, type: 'value_error' }];
}

const TYPES: Record<string, { type: string; msg: string }> = {
  integer: { type: 'int_type', msg: 'Input should be a valid integer' },
  number: { type: 'float_type', msg: 'Input should be a valid number' },
  string: { type: 'string_type', msg: 'Input should be a valid string' },
  boolean: { type: 'bool_type', msg: 'Input should be a valid boolean' },
  array: { type: 'list_type', msg: 'Input should be a valid list' },
  object: { type: 'dict_type', msg: 'Input should be a valid dictionary or object' },
};

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function detail(error: ErrorObject): ValidationDetail | null {
  const loc = ['body', ...pathOf(error.instancePath)];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { loc: [...loc, String(params.additionalProperty)], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'type': {
      const known = TYPES[String(params.type)];
      return { loc, msg: known?.msg ?? `Input should be ${String(params.type)}`, type: known?.type ?? 'type_error' };
    }
    case 'const':
      return { loc, msg: `Input should be '${String(params.allowedValue)}' with this notification_status`, type: 'literal_error' };
    case 'if':
      // Said by the `const`/`enum` error of the field itself.
      return null;
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${String(params.limit)}`, type: 'greater_than_equal' };
    case 'enum':
      return { loc, msg: `Input should be ${quoteList(params.allowedValues as unknown[])}`, type: 'enum' };
    case 'format':
      return {
        loc,
        msg: 'Input should be a timestamp YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601, and a real date and time',
        type: 'datetime_parsing',
      };
    case 'anyOf':
      // The only anyOf: the call time under one of its two names.
      return { loc: [...loc, 'reference_date_time'], msg: 'Field required (reference_date_time, or now)', type: 'missing' };
    default:
      return { loc, msg: error.message ?? error.keyword, type: error.keyword };
  }
}

/** Ajv's errors as FastAPI details; the `required` errors inside the call-time `anyOf` are said once. */
export function toDetails(errors: readonly ErrorObject[]): ValidationDetail[] {
  const out: ValidationDetail[] = [];
  for (const error of errors) {
    if (error.schemaPath.includes('/anyOf/')) continue;
    const d = detail(error);
    if (d !== null) out.push(d);
  }
  return out;
}

/**
 * The `Request` engines see from a valid body: `now` read as `reference_date_time`, and a
 * correlation id of `''` when the original client sent none.
 */
export function toRequest(body: Record<string, unknown>): Request {
  return {
    correlation_id: typeof body.correlation_id === 'string' ? body.correlation_id : '',
    reference_date_time: (body.reference_date_time ?? body.now) as string,
    deadline: body.deadline as string,
    num_vacancies: body.num_vacancies as number,
    num_remaining_in_pool: body.num_remaining_in_pool as number,
    impacted_candidates_data: body.impacted_candidates_data as CandidateRecord[],
  };
}
