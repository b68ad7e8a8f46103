/**
 * Rebuilds the observed openings of a request trace (docs/fit.md, "What is read"). Lines
 * are folded in one at a time, in any order: a case keeps one small record per call and
 * one per invited candidate, never the lines themselves, so memory grows with the cases
 * and their candidates, not with the file (where every call repeats every record).
 */
import { MS_PER_MINUTE, parseTimestamp } from '../contract/time.ts';
import type { TraceLine } from '../trace/format.ts';
import { splitCorrelationId } from '../trace/format.ts';

/** One thing wrong with a log, at a line, in a field (dotted path into the line's JSON). */
export interface LogProblem {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export function formatLogProblem(file: string, p: LogProblem): string {
  return `${file}:${p.line}: ${p.field}: ${p.message}`;
}

const CASE_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * The case id of a call logged without a correlation id (the original clients may send none,
 * and `serve` logs `""`): what stays the same over one opening's calls, its deadline, vacancies
 * and pool (remaining plus invited). Such a case's calls are numbered in time order at the end.
 * Two openings that share all three cannot be told apart (docs/fit.md, "Calls without a
 * correlation id").
 */
export function uncorrelatedCaseId(request: { deadline: string; num_vacancies: number; num_remaining_in_pool: number; impacted_candidates_data: readonly unknown[] }): string {
  const deadline = new Date(parseTimestamp(request.deadline) as number).toISOString().replace(/\.000Z$/, '').replace(/[-:Z]/g, '');
  const pool = request.num_remaining_in_pool + request.impacted_candidates_data.length;
  return `nocid-${deadline}-v${request.num_vacancies}-p${pool}`;
}

/** Said under a log's problems when some of its calls had no correlation id. */
export const UNCORRELATED_HINT =
  'calls without a correlation id are grouped into openings by engine, deadline, num_vacancies and pool size (num_remaining_in_pool plus invited), and numbered in time order (docs/fit.md): two openings that share all of these cannot be told apart; give their calls correlation ids {case id}_{call number}';

export const ACCEPTED = 1;
export const REJECTED = 2;

/** What is known of one invited candidate at the end of the log. */
export interface CandidateObservation {
  /** `ACCEPTED`, `REJECTED`, or 0 when still pending when last seen. */
  readonly answer: 0 | typeof ACCEPTED | typeof REJECTED;
  /** Answered: the delay lies in (lower, upper] minutes. */
  readonly lower: number;
  readonly upper: number;
  /** Pending: minutes the invitation had been out when last seen (right-censoring time). */
  readonly age: number;
  /** Accepted: `true` hired, `false` cancelled, `null` offer outcome not known yet. */
  readonly offerAccepted: boolean | null;
}

/** One observed opening: one case as one engine played it in one replicate. */
export interface ObservedCase {
  readonly engine: string;
  readonly replicate: number | null;
  readonly caseId: string;
  /** Epoch ms of its earliest call. */
  readonly start: number;
  readonly deadline: number;
  readonly vacancies: number;
  readonly poolSize: number;
  readonly calls: number;
  /** Whether call 0 is in the log (otherwise `start` is a later call's time). */
  readonly sawFirstCall: boolean;
  readonly candidates: readonly CandidateObservation[];
}

interface CandidateState {
  answer: 0 | typeof ACCEPTED | typeof REJECTED;
  minutes: number;
  offer: boolean | null;
  /** Earliest call time at which it showed answered, and that line. */
  answeredAt: number;
  answeredLine: number;
  /** Latest call time at which it showed pending, its age then, and that line. */
  pendingAt: number;
  pendingAge: number;
  pendingLine: number;
  /** Bounds of its invitation time (epoch ms) from its pending ages: (lo, hi]. */
  invitedLo: number;
  invitedHi: number;
}

interface CaseState {
  readonly engine: string;
  readonly replicate: number | null;
  readonly caseId: string;
  readonly vacancies: number;
  readonly deadline: number;
  readonly deadlineText: string;
  readonly firstLine: number;
  readonly callNo: number[];
  readonly callTime: number[];
  readonly callInvited: number[];
  readonly callPool: number[];
  readonly callLine: number[];
  readonly candidates: CandidateState[];
  /** Logged without correlation id: call numbers are given in time order by `finish`. */
  readonly uncorrelated: boolean;
}

const NAMES = { [ACCEPTED]: 'ir_accepted', [REJECTED]: 'ir_rejected' } as const;

/** Folds trace lines into cases; `finish` checks what only the whole log can show and returns them. */
export class CaseBuilder {
  private readonly cases = new Map<string, CaseState>();
  readonly problems: LogProblem[] = [];
  /** Calls read without a correlation id. */
  uncorrelatedCalls = 0;

  add(trace: TraceLine, line: number): void {
    const r = trace.request;
    const uncorrelated = r.correlation_id === '';
    if (uncorrelated) this.uncorrelatedCalls++;
    const id = uncorrelated ? { caseId: uncorrelatedCaseId(r), call: -1 } : splitCorrelationId(r.correlation_id);
    if (id === null) {
      this.problems.push({ line, field: 'request.correlation_id', message: `"${r.correlation_id}" is not {case id}_{call number}` });
      return;
    }
    if (!CASE_ID.test(id.caseId)) {
      this.problems.push({ line, field: 'request.correlation_id', message: `case id "${id.caseId}" must match ${CASE_ID} to become a case of pools.csv` });
      return;
    }
    const replicate = trace.replicate ?? null;
    const key = `${trace.engine}\u001f${replicate ?? ''}\u001f${id.caseId}`;
    const deadline = parseTimestamp(r.deadline) as number;
    const t = parseTimestamp(r.reference_date_time) as number;
    let c = this.cases.get(key);
    if (c === undefined) {
      c = {
        engine: trace.engine,
        replicate,
        caseId: id.caseId,
        vacancies: r.num_vacancies,
        deadline,
        deadlineText: r.deadline,
        firstLine: line,
        callNo: [],
        callTime: [],
        callInvited: [],
        callPool: [],
        callLine: [],
        candidates: [],
        uncorrelated,
      };
      this.cases.set(key, c);
    } else {
      const where = `case ${id.caseId}${describeRun(trace.engine, replicate)}`;
      if (r.num_vacancies !== c.vacancies) {
        this.problems.push({ line, field: 'request.num_vacancies', message: `${r.num_vacancies}, but ${c.vacancies} on line ${c.firstLine} for ${where}: vacancies are constant over a case` });
      }
      if (deadline !== c.deadline) {
        this.problems.push({ line, field: 'request.deadline', message: `"${r.deadline}", but "${c.deadlineText}" on line ${c.firstLine} for ${where}: the deadline is constant over a case` });
      }
    }
    const records = r.impacted_candidates_data;
    c.callNo.push(id.call);
    c.callTime.push(t);
    c.callInvited.push(records.length);
    c.callPool.push(r.num_remaining_in_pool + records.length);
    c.callLine.push(line);
    for (let j = 0; j < records.length; j++) {
      const rec = records[j];
      if (rec === undefined) continue;
      let s = c.candidates[j];
      if (s === undefined) {
        s = {
          answer: 0,
          minutes: 0,
          offer: null,
          answeredAt: Infinity,
          answeredLine: 0,
          pendingAt: -Infinity,
          pendingAge: 0,
          pendingLine: 0,
          invitedLo: -Infinity,
          invitedHi: Infinity,
        };
        c.candidates[j] = s;
      }
      const field = `request.impacted_candidates_data[${j}]`;
      const minutes = rec.time_to_respond_ir_minutes;
      if (rec.notification_status === 'ir_pending') {
        if (rec.candidate_status !== 'not_in_ft') {
          this.problems.push({ line, field: `${field}.candidate_status`, message: `${rec.candidate_status} for a pending candidate; expected not_in_ft` });
          continue;
        }
        if (t > s.pendingAt) {
          s.pendingAt = t;
          s.pendingAge = minutes;
          s.pendingLine = line;
        }
        // Pending ages are whole minutes: invited in (t − (a + 1) min, t − a min].
        s.invitedHi = Math.min(s.invitedHi, t - minutes * MS_PER_MINUTE);
        s.invitedLo = Math.max(s.invitedLo, t - (minutes + 1) * MS_PER_MINUTE);
        continue;
      }
      const answer = rec.notification_status === 'ir_accepted' ? ACCEPTED : REJECTED;
      // A rejection is `cancelled`, or `not_in_ft` as the original clients sent it (and `serve`
      // accepts); `offer_accepted` with it is refused by the contract's parser. It has no offer.
      const offer = answer === REJECTED || rec.candidate_status === 'not_in_ft' ? null : rec.candidate_status === 'offer_accepted';
      if (s.answer === 0) {
        s.answer = answer;
        s.minutes = minutes;
      } else if (s.answer !== answer) {
        this.problems.push({ line, field: `${field}.notification_status`, message: `${NAMES[answer]}, but ${NAMES[s.answer]} on line ${s.answeredLine}: an answer does not change` });
        continue;
      } else if (s.minutes !== minutes) {
        this.problems.push({ line, field: `${field}.time_to_respond_ir_minutes`, message: `${minutes}, but ${s.minutes} on line ${s.answeredLine}: an answer's response time does not change` });
        continue;
      }
      if (offer !== null) {
        if (s.offer !== null && s.offer !== offer) {
          this.problems.push({ line, field: `${field}.candidate_status`, message: `${rec.candidate_status}, but the other offer outcome on an earlier or later line: an offer outcome does not change` });
          continue;
        }
        s.offer = offer;
      }
      if (t < s.answeredAt) {
        s.answeredAt = t;
        s.answeredLine = line;
      }
    }
  }

  /** Checks each case as a whole and returns them, in the order of their first line. */
  finish(): ObservedCase[] {
    const out: ObservedCase[] = [];
    for (const c of this.cases.values()) {
      const observed = this.finishCase(c);
      if (observed !== null) out.push(observed);
    }
    return out;
  }

  private finishCase(c: CaseState): ObservedCase | null {
    const before = this.problems.length;
    if (c.uncorrelated) numberByTime(c);
    const order = c.callNo.map((_, i) => i).sort((a, b) => (c.callNo[a] as number) - (c.callNo[b] as number));
    const where = `case ${c.caseId}${describeRun(c.engine, c.replicate)}`;
    for (let k = 1; k < order.length; k++) {
      const i = order[k] as number;
      const p = order[k - 1] as number;
      const line = c.callLine[i] as number;
      if (c.callNo[i] === c.callNo[p]) {
        this.problems.push({ line, field: 'request.correlation_id', message: `call ${c.callNo[i]} of ${where} is also on line ${c.callLine[p]}` });
        continue;
      }
      if (c.uncorrelated && c.callTime[i] === c.callTime[p]) {
        this.problems.push({
          line,
          field: 'request.reference_date_time',
          message: `a call without correlation id at the same time as line ${c.callLine[p]}, both of ${where}: two openings, or one call logged twice`,
        });
        continue;
      }
      if ((c.callTime[i] as number) <= (c.callTime[p] as number)) {
        this.problems.push({ line, field: 'request.reference_date_time', message: `call ${c.callNo[i]} of ${where} is not later than call ${c.callNo[p]} (line ${c.callLine[p]})` });
      }
      if ((c.callInvited[i] as number) < (c.callInvited[p] as number)) {
        this.problems.push({
          line,
          field: 'request.impacted_candidates_data',
          message: `${c.callInvited[i]} candidates invited at call ${c.callNo[i]} of ${where}, but ${c.callInvited[p]} at call ${c.callNo[p]} (line ${c.callLine[p]}): the invited list never shrinks`,
        });
      }
      if (c.callPool[i] !== c.callPool[p]) {
        this.problems.push({
          line,
          field: 'request.num_remaining_in_pool',
          message: `pool of ${c.callPool[i]} (remaining plus invited) at call ${c.callNo[i]} of ${where}, but ${c.callPool[p]} at call ${c.callNo[p]} (line ${c.callLine[p]})`,
        });
      }
    }
    c.candidates.forEach((s, j) => {
      if (s.answer !== 0 && s.pendingAt > s.answeredAt) {
        this.problems.push({
          line: s.pendingLine,
          field: `request.impacted_candidates_data[${j}].notification_status`,
          message: `ir_pending, but ${NAMES[s.answer]} at an earlier call (line ${s.answeredLine}) of ${where}: a candidate who answered does not go back to pending`,
        });
      } else if (s.answer !== 0 && s.pendingAge >= s.minutes + 1) {
        this.problems.push({
          line: s.pendingLine,
          field: `request.impacted_candidates_data[${j}].time_to_respond_ir_minutes`,
          message: `pending for ${s.pendingAge} minutes here, but answered after ${s.minutes} minutes on line ${s.answeredLine} of ${where}`,
        });
      }
    });
    if (this.problems.length > before) return null;

    // A candidate first listed at call k was invited at call k − 1, when that call is in the
    // log and agrees with its pending ages; otherwise only the bounds from its ages are known.
    const invitedAt = new Float64Array(c.candidates.length).fill(NaN);
    for (let k = 1, from = c.callInvited[order[0] as number] as number; k < order.length; k++) {
      const i = order[k] as number;
      const p = order[k - 1] as number;
      const to = c.callInvited[i] as number;
      if (c.callNo[i] === (c.callNo[p] as number) + 1) invitedAt.fill(c.callTime[p] as number, from, to);
      from = to;
    }
    const candidates = c.candidates.map((s, j) => observe(s, invitedAt[j] as number));
    const first = order[0] as number;
    return {
      engine: c.engine,
      replicate: c.replicate,
      caseId: c.caseId,
      start: c.callTime.reduce((a, b) => Math.min(a, b), Infinity),
      deadline: c.deadline,
      vacancies: c.vacancies,
      poolSize: c.callPool[first] as number,
      calls: c.callNo.length,
      // Without correlation ids, a first call is known by having invited no one yet.
      sawFirstCall: c.uncorrelated ? c.callInvited[first] === 0 : c.callNo[first] === 0,
      candidates,
    };
  }
}

/** Numbers the calls of a case logged without correlation ids from 0, in time order (ties: line order). */
function numberByTime(c: CaseState): void {
  const order = c.callTime.map((_, i) => i).sort((a, b) => (c.callTime[a] as number) - (c.callTime[b] as number) || (c.callLine[a] as number) - (c.callLine[b] as number));
  order.forEach((i, k) => (c.callNo[i] = k));
}

function describeRun(engine: string, replicate: number | null): string {
  return replicate === null ? ` (engine ${engine})` : ` (engine ${engine}, replicate ${replicate})`;
}

/** Allowed slack when checking an invitation time against whole-minute ages. */
const SLACK_MS = 1;

function observe(s: CandidateState, invitedAt: number): CandidateObservation {
  let lo = s.invitedLo;
  let hi = s.invitedHi;
  if (!Number.isNaN(invitedAt) && invitedAt > lo - SLACK_MS && invitedAt <= hi + SLACK_MS) {
    lo = invitedAt;
    hi = invitedAt;
  }
  // What is sure, whatever the invitation time within its bounds: the smallest age for a
  // lower bound or a censoring time, the largest for an upper bound.
  const minutesSince = (t: number, u: number) => Math.max(0, (t - u) / MS_PER_MINUTE);
  // Ages and bounds are coarsened to whole minutes (censoring ages and lower bounds down,
  // upper bounds up): still true, and a service's second-precision times then give at most
  // one distinct value per minute, which keeps the likelihood's cost bounded.
  if (s.answer === 0) {
    return { answer: 0, lower: 0, upper: 0, age: Number.isFinite(hi) ? Math.floor(minutesSince(s.pendingAt, hi) + 1e-9) : 0, offerAccepted: null };
  }
  let lower = s.minutes;
  let upper = s.minutes + 1;
  if (Number.isFinite(s.pendingAt) && Number.isFinite(hi)) lower = Math.max(lower, minutesSince(s.pendingAt, hi));
  if (Number.isFinite(lo)) upper = Math.min(upper, minutesSince(s.answeredAt, lo));
  if (!(upper > lower)) {
    // Ages and response time disagree by rounding (a service's clock): trust the response time.
    lower = s.minutes;
    upper = s.minutes + 1;
  }
  return { answer: s.answer, lower: Math.floor(lower + 1e-9), upper: Math.ceil(upper - 1e-9), age: 0, offerAccepted: s.answer === ACCEPTED ? s.offer : null };
}
