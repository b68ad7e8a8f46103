import { MS_PER_MINUTE, parseTimestamp } from '../contract/time.ts';
import type { CandidateRecord, Request } from '../contract/types.ts';

/** What the seed engines read from the list of invited candidates, in one pass. */
export interface ListCounts {
  /** `candidate_status = offer_accepted`: the one rule of what a hire is, shared with `countHires`. */
  hires: number;
  /**
   * Answered and settled without becoming a hire: `ir_rejected` (with `cancelled`, or with
   * `not_in_ft` as the original service's clients sent refusals), or `ir_accepted` then
   * `cancelled`. An `ir_accepted` record still `not_in_ft` (yes to the invitation, offer still
   * open) is neither: like a pending one it is censored (spec/engines.md).
   */
  failures: number;
  /** `notification_status = ir_accepted`, hired or not. */
  accepted: number;
  /** Sum of `time_to_respond_ir_minutes` over `ir_accepted` records. */
  acceptedMinutes: number;
}

/**
 * The list scan every seed engine starts with. A pending record is read for its status
 * only: most of a list is pending, and in a backtest every field read is computed.
 */
export function countList(list: readonly CandidateRecord[], acceptedTimes?: number[]): ListCounts {
  let hires = 0;
  let failures = 0;
  let accepted = 0;
  let acceptedMinutes = 0;
  for (let i = 0; i < list.length; i++) {
    const record = list[i] as CandidateRecord;
    const notification = record.notification_status;
    if (notification === 'ir_pending') continue;
    const status = record.candidate_status;
    if (status === 'offer_accepted') hires++;
    else if (notification === 'ir_rejected' || status === 'cancelled') failures++;
    if (notification === 'ir_accepted') {
      accepted++;
      const minutes = record.time_to_respond_ir_minutes;
      acceptedMinutes += minutes;
      acceptedTimes?.push(minutes);
    }
  }
  return { hires, failures, accepted, acceptedMinutes };
}

/** Hires and the largest `time_to_respond_ir_minutes` (0 for an empty list), in one pass. */
export function hiresAndOldest(list: readonly CandidateRecord[]): { hires: number; maxMinutes: number } {
  let hires = 0;
  let maxMinutes = 0;
  for (let i = 0; i < list.length; i++) {
    const record = list[i] as CandidateRecord;
    const minutes = record.time_to_respond_ir_minutes;
    if (minutes > maxMinutes) maxMinutes = minutes;
    if (record.candidate_status === 'offer_accepted') hires++;
  }
  return { hires, maxMinutes };
}

/** Offer acceptances only, for engines that need nothing else. */
export function countHires(list: readonly CandidateRecord[]): number {
  let hires = 0;
  for (let i = 0; i < list.length; i++) if ((list[i] as CandidateRecord).candidate_status === 'offer_accepted') hires++;
  return hires;
}

/**
 * Parses the request's two timestamps, remembering the last deadline string: an engine is
 * called many times with the same one.
 */
export class RequestClock {
  private lastDeadlineText = '';
  private lastDeadline = 0;

  /** Call time and deadline in epoch ms; throws on a timestamp outside the contract. */
  read(request: Request): { now: number; deadline: number } {
    const now = parseTimestamp(request.reference_date_time);
    if (now === null) throw new Error(`reference_date_time "${request.reference_date_time}" is not a timestamp`);
    if (request.deadline !== this.lastDeadlineText) {
      const deadline = parseTimestamp(request.deadline);
      if (deadline === null) throw new Error(`deadline "${request.deadline}" is not a timestamp`);
      this.lastDeadlineText = request.deadline;
      this.lastDeadline = deadline;
    }
    return { now, deadline: this.lastDeadline };
  }
}

export function minutesBetween(from: number, to: number): number {
  return (to - from) / MS_PER_MINUTE;
}

/**
 * The rule all three seed engines share (spec/engines.md): the opening is done when the
 * deadline has come, the offer acceptances reach the vacancies, or the pool is empty.
 */
export function isOver(request: Request, now: number, deadline: number, hires: number): boolean {
  return now >= deadline || hires >= request.num_vacancies || request.num_remaining_in_pool <= 0;
}

/** The case id of a correlation id `{case id}_{call number}`; the whole id when it has no call number. */
export function caseIdOf(correlationId: string): string {
  const m = /^(.*)_\d+$/.exec(correlationId);
  return m?.[1] ?? correlationId;
}
