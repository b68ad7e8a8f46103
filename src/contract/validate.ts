import { parseTimestamp } from './time.ts';
import type { CandidateRecord, CandidateStatus, NotificationStatus, Request } from './types.ts';

/**
 * Why `value` is not a valid decision (contract.md, "Validity"), or `null` when it is.
 * Only the three fields are checked; extra fields are ignored.
 */
export function decisionProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `decision must be an object {finished, num_candidates_needed, callback_time_minutes}, got ${describe(value)}`;
  }
  const d = value as Record<string, unknown>;
  if (typeof d.finished !== 'boolean') return `finished must be a boolean, got ${describe(d.finished)}`;
  const n = d.num_candidates_needed;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    return `num_candidates_needed must be an integer >= 0, got ${describe(n)}`;
  }
  if (!d.finished) {
    const c = d.callback_time_minutes;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
      return `callback_time_minutes must be an integer >= 1 while unfinished, got ${describe(c)}`;
    }
  }
  return null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `impacted_candidates_data[3].notification_status`. */
  readonly field: string;
  readonly message: string;
}

export type ParsedRequest =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

const NOTIFICATION: ReadonlySet<string> = new Set<NotificationStatus>(['ir_pending', 'ir_accepted', 'ir_rejected']);
const CANDIDATE: ReadonlySet<string> = new Set<CandidateStatus>(['not_in_ft', 'offer_accepted', 'cancelled']);
const REQUEST_FIELDS = new Set([
  'correlation_id',
  'reference_date_time',
  'now',
  'deadline',
  'num_vacancies',
  'num_remaining_in_pool',
  'impacted_candidates_data',
]);

/**
 * Checks a request that arrived as JSON (for `pacebench decide`). Every problem is collected.
 * `now` is accepted for `reference_date_time`, as the original service did (both may be given
 * when they name the same instant); timestamps are
 * normalised to the canonical form only where they were valid, so engines see what was sent.
 */
export function parseRequest(value: unknown): ParsedRequest {
  const problems: FieldProblem[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [{ field: '(request)', message: `expected a JSON object, got ${describe(value)}` }] };
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!REQUEST_FIELDS.has(key)) problems.push({ field: key, message: 'is not a field of the request' });
  }
  const correlationId = r.correlation_id;
  if (typeof correlationId !== 'string') {
    problems.push({ field: 'correlation_id', message: `expected a string, got ${describe(correlationId)}` });
  }
  let referenceField = 'reference_date_time';
  let reference = r.reference_date_time;
  if (reference === undefined && r.now !== undefined) {
    referenceField = 'now';
    reference = r.now;
  }
  checkTimestamp(referenceField, reference, problems);
  // Clients of both generations send both names; they must then name the same instant.
  if (referenceField === 'reference_date_time' && r.now !== undefined) {
    checkTimestamp('now', r.now, problems);
    const a = typeof reference === 'string' ? parseTimestamp(reference) : null;
    const b = typeof r.now === 'string' ? parseTimestamp(r.now) : null;
    if (a !== null && b !== null && a !== b) {
      problems.push({ field: 'now', message: `${describe(r.now)} differs from reference_date_time ${describe(reference)}; give one, or the same time in both` });
    }
  }
  checkTimestamp('deadline', r.deadline, problems);
  checkCount('num_vacancies', r.num_vacancies, 1, problems);
  checkCount('num_remaining_in_pool', r.num_remaining_in_pool, 0, problems);
  const list = r.impacted_candidates_data;
  const records: CandidateRecord[] = [];
  if (!Array.isArray(list)) {
    problems.push({ field: 'impacted_candidates_data', message: `expected a list, got ${describe(list)}` });
  } else {
    list.forEach((item: unknown, i) => {
      const record = parseRecord(item, `impacted_candidates_data[${i}]`, problems);
      if (record !== null) records.push(record);
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: {
      correlation_id: correlationId as string,
      reference_date_time: reference as string,
      deadline: r.deadline as string,
      num_vacancies: r.num_vacancies as number,
      num_remaining_in_pool: r.num_remaining_in_pool as number,
      impacted_candidates_data: records,
    },
  };
}

function checkTimestamp(field: string, value: unknown, problems: FieldProblem[]): void {
  if (typeof value !== 'string') {
    problems.push({ field, message: `expected a timestamp string, got ${describe(value)}` });
  } else if (parseTimestamp(value) === null) {
    problems.push({
      field,
      message: `${describe(value)} is not a timestamp (expected YYYY-MM-DD HH:MM:SS or ISO 8601)`,
    });
  }
}

function checkCount(field: string, value: unknown, min: number, problems: FieldProblem[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    problems.push({ field, message: `expected an integer >= ${min}, got ${describe(value)}` });
  }
}

/**
 * Record states that cannot happen (contract.md): a candidate who has not answered cannot
 * have taken or refused an offer, and one who refused the invitation was never offered.
 * `ir_rejected` with `not_in_ft` stays accepted: the original service's clients sent
 * refusals that way.
 */
export function impossibleState(notification: NotificationStatus, candidate: CandidateStatus): string | null {
  if (notification === 'ir_pending' && candidate !== 'not_in_ft') {
    return `"${candidate}" cannot go with notification_status "ir_pending": a candidate who has not answered is "not_in_ft"`;
  }
  if (notification === 'ir_rejected' && candidate === 'offer_accepted') {
    return '"offer_accepted" cannot go with notification_status "ir_rejected": a candidate who refused the invitation got no offer';
  }
  return null;
}

function parseRecord(item: unknown, path: string, problems: FieldProblem[]): CandidateRecord | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problems.push({ field: path, message: `expected an object, got ${describe(item)}` });
    return null;
  }
  const rec = item as Record<string, unknown>;
  const before = problems.length;
  const ns = rec.notification_status;
  const cs = rec.candidate_status;
  const minutes = rec.time_to_respond_ir_minutes;
  for (const key of Object.keys(rec)) {
    if (key !== 'notification_status' && key !== 'candidate_status' && key !== 'time_to_respond_ir_minutes') {
      problems.push({ field: `${path}.${key}`, message: 'is not a field of a candidate record' });
    }
  }
  if (typeof ns !== 'string' || !NOTIFICATION.has(ns)) {
    problems.push({
      field: `${path}.notification_status`,
      message: `expected ir_pending, ir_accepted or ir_rejected, got ${describe(ns)}`,
    });
  }
  if (typeof cs !== 'string' || !CANDIDATE.has(cs)) {
    problems.push({
      field: `${path}.candidate_status`,
      message: `expected not_in_ft, offer_accepted or cancelled, got ${describe(cs)}`,
    });
  }
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) {
    problems.push({
      field: `${path}.time_to_respond_ir_minutes`,
      message: `expected whole minutes, an integer >= 0, got ${describe(minutes)}`,
    });
  }
  if (problems.length === before) {
    const impossible = impossibleState(ns as NotificationStatus, cs as CandidateStatus);
    if (impossible !== null) problems.push({ field: `${path}.candidate_status`, message: impossible });
  }
  if (problems.length > before) return null;
  return {
    notification_status: ns as NotificationStatus,
    candidate_status: cs as CandidateStatus,
    time_to_respond_ir_minutes: minutes as number,
  };
}
