import type { Decision, Request } from '../contract/types.ts';

/**
 * One call as a line of a request trace (`serve --log-requests`, `backtest --trace`): the engine,
 * the request as the engine received it (`now` already read as `reference_date_time`), and the
 * three fields of its decision. One JSON object, no newline.
 */
export function traceLine(engine: string, request: Request, decision: Decision): string {
  return JSON.stringify({
    engine,
    request: {
      correlation_id: request.correlation_id,
      reference_date_time: request.reference_date_time,
      deadline: request.deadline,
      num_vacancies: request.num_vacancies,
      num_remaining_in_pool: request.num_remaining_in_pool,
      impacted_candidates_data: request.impacted_candidates_data.map((r) => ({
        notification_status: r.notification_status,
        candidate_status: r.candidate_status,
        time_to_respond_ir_minutes: r.time_to_respond_ir_minutes,
      })),
    },
    decision: {
      finished: decision.finished,
      num_candidates_needed: decision.num_candidates_needed,
      callback_time_minutes: decision.callback_time_minutes,
    },
  });
}
