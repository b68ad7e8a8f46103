/**
 * The invitation contract (spec/contract.md): the request an engine receives and the
 * decision it returns. The shape is the public API of the original HTTP service, so an
 * engine written for the service can be backtested unchanged.
 */

export type NotificationStatus = 'ir_pending' | 'ir_accepted' | 'ir_rejected';
export type CandidateStatus = 'not_in_ft' | 'offer_accepted' | 'cancelled';

/** One invited candidate as the engine sees it at the time of the call. */
export interface CandidateRecord {
  readonly notification_status: NotificationStatus;
  readonly candidate_status: CandidateStatus;
  /** Answered: whole minutes the candidate took. Pending: whole minutes the invitation has been out. */
  readonly time_to_respond_ir_minutes: number;
}

export interface Request {
  /** `{case id}_{call number}`, call numbers from 0. */
  readonly correlation_id: string;
  /** Time of this call, `YYYY-MM-DD HH:MM:SS` (UTC). */
  readonly reference_date_time: string;
  readonly deadline: string;
  readonly num_vacancies: number;
  /** Candidates not yet invited. */
  readonly num_remaining_in_pool: number;
  /** One record per candidate invited so far, in invitation order. */
  readonly impacted_candidates_data: readonly CandidateRecord[];
}

export interface Decision {
  readonly finished: boolean;
  readonly num_candidates_needed: number;
  readonly callback_time_minutes: number;
}

export const FINISHED: Decision = Object.freeze({
  finished: true,
  num_candidates_needed: 0,
  callback_time_minutes: 0,
});
