/**
 * The contract as JSON Schemas: what `pacebench serve` validates requests with, and what its
 * OpenAPI document shows. One source for both, so the docs cannot drift from the validator.
 * They accept what `parseRequest` (validate.ts) accepts; a test feeds the same requests to both.
 *
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1, validated with Ajv's 2020 build.
 */
import { parseTimestamp } from './time.ts';

/** The `format` of a contract timestamp, checked by `isContractTimestamp`. */
export const TIMESTAMP_FORMAT = 'contract-timestamp';

/** Ajv format check: the calendar rules (no 30 February) need more than a pattern. */
export function isContractTimestamp(text: string): boolean {
  return parseTimestamp(text) !== null;
}

const timestamp = (description: string, example: string) =>
  ({
    type: 'string',
    format: TIMESTAMP_FORMAT,
    description: `${description}. UTC \`YYYY-MM-DD HH:MM:SS\`, or ISO 8601 (\`2021-01-02T03:12:27Z\`, optional fraction, \`Z\` or \`±HH:MM\`).`,
    examples: [example],
  }) as const;

/** A record's fields and the states that cannot happen, shared by both request schemas. */
const record = {
  type: 'object',
  required: ['notification_status', 'candidate_status', 'time_to_respond_ir_minutes'],
  properties: {
    notification_status: {
      type: 'string',
      enum: ['ir_pending', 'ir_accepted', 'ir_rejected'],
      description: '`ir_pending`: no answer yet.',
    },
    candidate_status: {
      type: 'string',
      enum: ['not_in_ft', 'offer_accepted', 'cancelled'],
      description: '`not_in_ft`: pending; `offer_accepted`: hired; `cancelled`: accepted the invitation but not the offer, or rejected.',
    },
    time_to_respond_ir_minutes: {
      type: 'integer',
      minimum: 0,
      description: 'Whole minutes. Answered: minutes the candidate took. Pending: minutes the invitation has been out so far.',
    },
  },
  // States that cannot happen (contract.md): no answer yet means no offer taken or refused; a
  // refused invitation was never offered. `ir_rejected` with `not_in_ft` is the original
  // clients' refusal and stays accepted.
  allOf: [
    {
      if: { properties: { notification_status: { const: 'ir_pending' } }, required: ['notification_status'] },
      then: { properties: { candidate_status: { const: 'not_in_ft' } } },
    },
    {
      if: { properties: { notification_status: { const: 'ir_rejected' } }, required: ['notification_status'] },
      then: { properties: { candidate_status: { enum: ['not_in_ft', 'cancelled'] } } },
    },
  ],
} as const;

export const CANDIDATE_RECORD_SCHEMA = {
  $id: 'CandidateRecord',
  title: 'CandidateRecord',
  description: 'One invited candidate as the engine sees it at the time of the call.',
  ...record,
  additionalProperties: false,
} as const;

/** A record of the original paths' body: unknown fields are ignored there. */
export const ORIGINAL_CANDIDATE_RECORD_SCHEMA = {
  $id: 'OriginalCandidateRecord',
  title: 'OriginalCandidateRecord',
  description: `${CANDIDATE_RECORD_SCHEMA.description} Unknown fields are ignored.`,
  ...record,
} as const;

const requestProperties = {
  correlation_id: {
    type: 'string',
    description: '`{case id}_{call number}`, call numbers from 0. Engines that learn keep one instance per case id.',
    examples: ['Case0_2'],
  },
  reference_date_time: timestamp('Time of this call (the original service named it `now`)', '2021-01-02 03:12:27'),
  now: timestamp('The original name of `reference_date_time`; both may be given when they name the same instant', '2021-01-02 03:12:27'),
  deadline: timestamp('Deadline of the job opening', '2021-01-05 09:00:00'),
  num_vacancies: { type: 'integer', minimum: 1, description: 'Vacancies of the opening (constant over the case).', examples: [8] },
  num_remaining_in_pool: { type: 'integer', minimum: 0, description: 'Candidates not yet invited.', examples: [98] },
  impacted_candidates_data: {
    type: 'array',
    description: 'One record per candidate invited so far, in invitation order.',
    items: { $ref: 'CandidateRecord#' },
  },
} as const;

const REQUIRED = ['deadline', 'num_vacancies', 'num_remaining_in_pool', 'impacted_candidates_data'] as const;
/** The call time under either name; when neither is there, the error names `reference_date_time`. */
const CALL_TIME = { anyOf: [{ required: ['reference_date_time'] }, { required: ['now'] }] } as const;

/** `POST /engines/{name}/decide`: the request of the contract, as `parseRequest` reads it. */
export const REQUEST_SCHEMA = {
  $id: 'Request',
  title: 'Request',
  description: 'The contract request (spec contract.md). Unknown fields are refused.',
  type: 'object',
  required: ['correlation_id', ...REQUIRED],
  additionalProperties: false,
  properties: requestProperties,
  ...CALL_TIME,
} as const;

/**
 * `POST /optim-*`: the original service's body, where `correlation_id` is optional. Unknown
 * fields, in the body and in its records, are accepted and ignored, as the original service's
 * pydantic models did: its clients send fields it never read.
 */
export const ORIGINAL_REQUEST_SCHEMA = {
  $id: 'OriginalRequest',
  title: 'OriginalRequest',
  description:
    'The body of the original service: `now` (or `reference_date_time`), `correlation_id` optional. Unknown fields, in the body and in its records, are ignored.',
  type: 'object',
  required: [...REQUIRED],
  properties: {
    ...requestProperties,
    impacted_candidates_data: { ...requestProperties.impacted_candidates_data, items: { $ref: 'OriginalCandidateRecord#' } },
  },
  ...CALL_TIME,
} as const;

const decisionProperties = {
  finished: { type: 'boolean', description: 'The engine considers the opening done.' },
  num_candidates_needed: { type: 'integer', minimum: 0, description: 'Candidates to invite now.' },
  callback_time_minutes: { type: 'integer', minimum: 0, description: 'Minutes until the next call; at least 1 unless finished.' },
} as const;

export const DECISION_SCHEMA = {
  $id: 'Decision',
  title: 'Decision',
  type: 'object',
  required: ['finished', 'num_candidates_needed', 'callback_time_minutes'],
  properties: decisionProperties,
  examples: [{ finished: false, num_candidates_needed: 5, callback_time_minutes: 30 }],
} as const;

export const DECISION_ARRAY_SCHEMA = {
  $id: 'DecisionArray',
  title: 'DecisionArray',
  description: 'The original answer: `[finished, num_candidates_needed, callback_time_minutes]`.',
  type: 'array',
  minItems: 3,
  maxItems: 3,
  prefixItems: [decisionProperties.finished, decisionProperties.num_candidates_needed, decisionProperties.callback_time_minutes],
  items: { type: ['boolean', 'integer'] },
  examples: [[false, 5, 30]],
} as const;

/** FastAPI's `HTTPValidationError`, so its clients read our 422s unchanged. */
export const VALIDATION_ERROR_SCHEMA = {
  $id: 'HTTPValidationError',
  title: 'HTTPValidationError',
  type: 'object',
  required: ['detail'],
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        required: ['loc', 'msg', 'type'],
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
      },
    },
  },
} as const;

/** Every other error: `{"detail": "what went wrong"}`, as FastAPI's `HTTPException`. */
export const ERROR_SCHEMA = {
  $id: 'HTTPError',
  title: 'HTTPError',
  type: 'object',
  required: ['detail'],
  properties: { detail: { type: 'string' } },
} as const;

export const CONTRACT_SCHEMAS = [
  CANDIDATE_RECORD_SCHEMA,
  ORIGINAL_CANDIDATE_RECORD_SCHEMA,
  REQUEST_SCHEMA,
  ORIGINAL_REQUEST_SCHEMA,
  DECISION_SCHEMA,
  DECISION_ARRAY_SCHEMA,
  VALIDATION_ERROR_SCHEMA,
  ERROR_SCHEMA,
] as const;
