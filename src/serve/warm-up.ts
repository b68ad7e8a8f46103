/**
 * The calls `serve --warm-up N` makes to itself before it opens its port (none by default).
 * A freshly started server answers its first ten thousand calls at about 1.5 times the cost
 * of later ones: the JIT has not yet compiled the HTTP parser, Fastify's routing, the validators and the engines
 * for the shapes they see. These calls take that cost before any client does. They vary the
 * records (every kind, 0 to 199 of them), the vacancies and the calls of a case, so that the
 * compiled code is the code real traffic needs; they are built without randomness.
 */
import type { CandidateRecord, Request } from '../contract/types.ts';
import { formatTimestamp, parseTimestamp } from '../contract/time.ts';

/** Calls per made-up case: a case's state (the engines that keep one) is exercised too. */
const CALLS_PER_CASE = 8;

const KINDS: readonly CandidateRecord[] = [
  { notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 0 },
  { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 0 },
  { notification_status: 'ir_rejected', candidate_status: 'cancelled', time_to_respond_ir_minutes: 0 },
  { notification_status: 'ir_accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: 0 },
  { notification_status: 'ir_accepted', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 0 },
];

const START = parseTimestamp('2026-01-05 09:00:00') as number;
const MINUTE = 60_000;

/**
 * Call `index` of the warm-up: case `index / 8`, its call `index % 8`. The correlation ids
 * start with `pacebench-warm-up-` (the server forgets those cases before it opens).
 */
export function warmUpRequest(index: number): Request {
  const caseNo = Math.floor(index / CALLS_PER_CASE);
  const call = index % CALLS_PER_CASE;
  const count = Math.min(199, call * (3 + (caseNo % 27)) + (caseNo % 5));
  const records: CandidateRecord[] = [];
  for (let j = 0; j < count; j++) {
    const kind = KINDS[(caseNo * 7 + j * 3) % KINDS.length] as CandidateRecord;
    records.push({ ...kind, time_to_respond_ir_minutes: 1 + ((caseNo * 131 + j * 17) % 900) });
  }
  const now = START + call * (20 + (caseNo % 40)) * MINUTE;
  return {
    correlation_id: `pacebench-warm-up-${caseNo}_${call}`,
    reference_date_time: formatTimestamp(now),
    deadline: formatTimestamp(START + (24 + (caseNo % 96)) * 60 * MINUTE),
    num_vacancies: 1 + (caseNo % 12),
    num_remaining_in_pool: (caseNo * 37) % 600,
    impacted_candidates_data: records,
  };
}
