import { formatTimestamp, MS_PER_MINUTE } from '../contract/time.ts';
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import type { Engine } from '../engines/types.ts';
import type { Case } from '../scenario/types.ts';
import { ACCEPT, type LatentPool } from './latent.ts';
import { LiveCandidateRecord, SimClock } from './records.ts';

export const DEFAULT_MAX_CALLS = 100_000;

/** Minutes from a case's start to its deadline (may be fractional when the seconds differ). */
export function windowMinutes(c: Case): number {
  return (c.deadline - c.start) / MS_PER_MINUTE;
}

/** What one engine did on one case: whom it invited when, and how it stopped. */
export interface Play {
  /** Candidates invited: always a prefix of the pool, of this length. */
  readonly invited: number;
  /** Minutes from start at which candidate i was invited, for i < invited. */
  readonly invitedAt: Float64Array;
  readonly calls: number;
  /** `null`, or why the engine was stopped, with the correlation id. */
  readonly fault: string | null;
}

/** Measures decisions without the simulation itself touching the clock. */
export interface DecisionTimer {
  now(): number;
  record(elapsed: number): void;
}

export interface PlayOptions {
  readonly maxCalls: number;
  readonly timer?: DecisionTimer | undefined;
  /** Called once per engine call, after the decision (`null` with the fault when it faulted); for `backtest --trace`. */
  readonly observe?: ((request: Request, decision: Decision | null, fault: string | null) => void) | undefined;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Plays one case against one engine (spec/simulation.md, "The loop"). Engine faults end
 * the case for that engine and are returned, never thrown.
 */
export function playCase(c: Case, pool: LatentPool, engine: Engine, options: PlayOptions): Play {
  const n = pool.size;
  const window = windowMinutes(c);
  const invitedAt = new Float64Array(n);
  const clock = new SimClock();
  const records: LiveCandidateRecord[] = [];
  const deadline = formatTimestamp(c.deadline);
  const timer = options.timer;
  let invited = 0;
  let calls = 0;
  let fault: string | null = null;

  while (clock.t < window && invited < n) {
    if (calls >= options.maxCalls) {
      fault = `exceeded ${options.maxCalls} calls at ${c.id}_${calls}`;
      break;
    }
    const correlationId = `${c.id}_${calls}`;
    const request: Request = {
      correlation_id: correlationId,
      reference_date_time: formatTimestamp(c.start + clock.t * MS_PER_MINUTE),
      deadline,
      num_vacancies: c.numVacancies,
      num_remaining_in_pool: n - invited,
      impacted_candidates_data: records,
    };
    calls++;
    let decision: unknown;
    try {
      if (timer === undefined) {
        decision = engine.decide(request);
      } else {
        const began = timer.now();
        decision = engine.decide(request);
        timer.record(timer.now() - began);
      }
    } catch (error) {
      fault = `threw at ${correlationId}: ${describeError(error)}`;
      options.observe?.(request, null, fault);
      break;
    }
    const problem = decisionProblem(decision);
    if (problem !== null) {
      fault = `invalid decision at ${correlationId}: ${problem}`;
      options.observe?.(request, null, fault);
      break;
    }
    options.observe?.(request, decision as Decision, null);
    const d = decision as { finished: boolean; num_candidates_needed: number; callback_time_minutes: number };
    if (d.finished) break;
    const batch = Math.min(d.num_candidates_needed, n - invited);
    for (let k = 0; k < batch; k++, invited++) {
      invitedAt[invited] = clock.t;
      records.push(
        new LiveCandidateRecord(
          clock,
          clock.t,
          pool.delay[invited] as number,
          pool.outcome[invited] === ACCEPT,
          pool.offerAccepted[invited] === 1,
        ),
      );
    }
    clock.t += d.callback_time_minutes;
  }
  return { invited, invitedAt, calls, fault };
}
