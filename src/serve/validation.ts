/**
 * Request validation for `pacebench serve`: the contract's JSON Schemas compiled with Ajv, and
 * Ajv's errors turned into FastAPI's `{"detail": [{loc, msg, type}]}` so its clients read them
 * unchanged. Valid requests take a fast validator that stops at the first error; only an invalid
 * one is checked again, completely, to name every bad field. Counts beyond the contract's limits
 * are refused after the schema, and the original paths ignore unknown fields.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CANDIDATE_RECORD_SCHEMA, ORIGINAL_CANDIDATE_RECORD_SCHEMA, ORIGINAL_REQUEST_SCHEMA, REQUEST_SCHEMA, TIMESTAMP_FORMAT, isContractTimestamp } from '../contract/schema.ts';
import { parseTimestamp } from '../contract/time.ts';
import type { CandidateRecord, Request } from '../contract/types.ts';
import { MAX_POOL_SIZE } from '../scenario/validate.ts';

/** One entry of FastAPI's `detail` list. */
export interface ValidationDetail {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** A body checked: its problems, or the body engines see and how many unknown fields it ignored. */
export type Checked = { readonly problems: ValidationDetail[] } | { readonly value: Record<string, unknown>; readonly ignored: number };

export interface Validator {
  /** `null` when `body` is a valid request, else every problem, in document order. */
  problems(body: unknown): ValidationDetail[] | null;
  check(body: unknown): Checked;
}

/**
 * The original body without a field the contract does not know: what nearly every client
 * sends. Bodies it accepts are checked by one fast validator, as on the strict path; only the
 * others are checked against the original schema, which ignores unknown fields, and counted.
 */
const ORIGINAL_KNOWN_FIELDS_SCHEMA = { ...REQUEST_SCHEMA, $id: 'OriginalRequestKnownFields', required: ORIGINAL_REQUEST_SCHEMA.required };

/**
 * The largest counts the contract can mean: a scenario's pool and vacancies are at most
 * MAX_POOL_SIZE (what `backtest` accepts), and a number of minutes is an integer only up to
 * 2^53 − 1 (above it, JSON numbers name no single integer).
 */
const LIMITS = { num_vacancies: MAX_POOL_SIZE, num_remaining_in_pool: MAX_POOL_SIZE } as const;
const MAX_MINUTES = Number.MAX_SAFE_INTEGER;

function newAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  ajv.addFormat(TIMESTAMP_FORMAT, { type: 'string', validate: isContractTimestamp });
  ajv.addSchema([CANDIDATE_RECORD_SCHEMA, ORIGINAL_CANDIDATE_RECORD_SCHEMA, REQUEST_SCHEMA, ORIGINAL_REQUEST_SCHEMA, ORIGINAL_KNOWN_FIELDS_SCHEMA]);
  return ajv;
}

let fastAjv: Ajv2020 | null = null;
let fullAjv: Ajv2020 | null = null;

function compiled(ajv: Ajv2020, schema: object): ValidateFunction {
  const id = (schema as { $id?: string }).$id;
  return (id !== undefined && ajv.getSchema(id)) || ajv.compile(schema);
}

/** Whether `schema` is, or refers to, the original paths' body. */
function isOriginal(schema: object): boolean {
  const s = schema as { $id?: unknown; $ref?: unknown };
  return s.$id === ORIGINAL_REQUEST_SCHEMA.$id || s.$ref === `${ORIGINAL_REQUEST_SCHEMA.$id}#`;
}

/**
 * Compiles a request schema of schema.ts (`REQUEST_SCHEMA` or `ORIGINAL_REQUEST_SCHEMA`, or a
 * `$ref` to one). Besides the schema, counts above the contract's limits are refused.
 */
export function compileValidator(schema: object): Validator {
  fastAjv ??= newAjv(false);
  fullAjv ??= newAjv(true);
  const original = isOriginal(schema);
  const fast = compiled(fastAjv, original ? ORIGINAL_KNOWN_FIELDS_SCHEMA : schema);
  const fastLenient = original ? compiled(fastAjv, ORIGINAL_REQUEST_SCHEMA) : null;
  const fullKnown = original ? compiled(fullAjv, ORIGINAL_KNOWN_FIELDS_SCHEMA) : null;
  const full = compiled(fullAjv, original ? ORIGINAL_REQUEST_SCHEMA : schema);
  const check = (body: unknown): Checked => {
    if (fast(body)) {
      const problems = afterSchema(body as Record<string, unknown>);
      return problems === null ? { value: body as Record<string, unknown>, ignored: 0 } : { problems };
    }
    if (fastLenient !== null && fullKnown !== null && fastLenient(body)) {
      const problems = afterSchema(body as Record<string, unknown>);
      if (problems !== null) return { problems };
      fullKnown(body);
      const ignored = (fullKnown.errors ?? []).filter((e) => e.keyword === 'additionalProperties').length;
      return { value: knownFields(body as Record<string, unknown>), ignored };
    }
    full(body);
    const problems = toDetails(full.errors ?? []);
    return { problems: [...problems, ...(beyondLimits(body, problems) ?? [])] };
  };
  return {
    check,
    problems(body) {
      const c = check(body);
      return 'problems' in c ? c.problems : null;
    },
  };
}

/**
 * Counts the schema lets through that are beyond what the contract can mean, as FastAPI's
 * `less_than_equal`; fields `named` already are left out. `null` when there are none.
 */
function beyondLimits(body: unknown, named: readonly ValidationDetail[]): ValidationDetail[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  let out: ValidationDetail[] | null = null;
  const over = (loc: readonly (string | number)[], limit: number): void => {
    if (named.some((d) => d.loc.length === loc.length && d.loc.every((part, i) => part === loc[i]))) return;
    (out ??= []).push({ loc, msg: `Input should be less than or equal to ${limit}`, type: 'less_than_equal' });
  };
  for (const [field, limit] of Object.entries(LIMITS)) {
    const value = b[field];
    if (typeof value === 'number' && value > limit) over(['body', field], limit);
  }
  const records = b.impacted_candidates_data;
  if (Array.isArray(records)) {
    for (let i = 0; i < records.length; i++) {
      const minutes = (records[i] as { time_to_respond_ir_minutes?: unknown } | null)?.time_to_respond_ir_minutes;
      if (typeof minutes === 'number' && minutes > MAX_MINUTES) over(['body', 'impacted_candidates_data', i, 'time_to_respond_ir_minutes'], MAX_MINUTES);
    }
  }
  return out;
}

const REQUEST_FIELDS = Object.keys(REQUEST_SCHEMA.properties);
const RECORD_FIELDS = Object.keys(CANDIDATE_RECORD_SCHEMA.properties);

/** A valid original body without its unknown fields: engines see the contract's fields only. */
function knownFields(body: Record<string, unknown>): Record<string, unknown> {
  const pick = (from: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(fields.filter((f) => f in from).map((f) => [f, from[f]]));
  const records = (body.impacted_candidates_data as Record<string, unknown>[]).map((r) => pick(r, RECORD_FIELDS));
  return { ...pick(body, REQUEST_FIELDS), impacted_candidates_data: records };
}

/** What a body the schema accepts may still break: the limits, and the call time's two names. */
function afterSchema(body: Record<string, unknown>): ValidationDetail[] | null {
  const over = beyondLimits(body, []);
  const instant = sameInstant(body);
  return over === null ? instant : instant === null ? over : [...instant, ...over];
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
