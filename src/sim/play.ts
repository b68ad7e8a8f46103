import { formatTimestamp, MS_PER_MINUTE } from '../contract/time.ts';
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { DecisionTimeout, DEFAULT_ENGINE_TIMEOUT_MS, faultOfThrow, isPending, withTimeout } from '../engines/call.ts';
import type { Engine, SyncEngine } from '../engines/types.ts';
import type { Case } from '../scenario/types.ts';
import { ACCEPT, type LatentPool } from '../world/latent.ts';
import { LiveCandidateRecord, SimClock } from './records.ts';
import { counted } from '../words.ts';

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
  /** Calls that asked for more candidates than remained; the harness invited what remained. */
  readonly overAsks: number;
}

/**
 * Wraps every decision: measures it (without the simulation touching the clock) and, in a
 * guarded thread, tells the watchdog which call is running.
 */
export interface DecisionTimer {
  begin(call: number): number;
  end(began: number): void;
}

/** Where a replayed case must stop an engine that hung or ended its thread the first time. */
export interface StopAt {
  readonly call: number;
  readonly fault: string;
}

export interface PlayOptions {
  readonly maxCalls: number;
  readonly timer?: DecisionTimer | undefined;
  /** Limit on an asynchronous decision (a remote engine, a local one returning a Promise). */
  readonly timeoutMs?: number;
  readonly stopAt?: StopAt | undefined;
  /** Told when a synchronous call starts and ends, in threads a watchdog looks after. */
  readonly guard?: { begin(call: number): void; end(): void } | undefined;
  /** Called once per engine call, after the decision (`null` with the fault when it faulted); for `backtest --trace`. */
  readonly observe?: ((request: Request, decision: Decision | null, fault: string | null) => void) | undefined;
}

/**
 * The state of one case as the engine plays it (spec/simulation.md, "The loop"): the next
 * request, and what a decision does to it. Shared by the synchronous loop, which in-process
 * engines take, and the asynchronous one, which a Promise switches to mid-case.
 */
class CaseState {
  readonly n: number;
  readonly window: number;
  readonly invitedAt: Float64Array;
  readonly clock = new SimClock();
  /** What the engine is given; it must not change it. */
  readonly records: LiveCandidateRecord[] = [];
  /** The harness's own copy, to tell whether the engine changed its list. */
  private readonly own: LiveCandidateRecord[] = [];
  readonly deadline: string;
  invited = 0;
  calls = 0;
  overAsks = 0;
  fault: string | null = null;
  finished = false;
  correlationId = '';
  /** The request of the call in progress, and its time as the harness made it. */
  private request: Request | null = null;
  private reference = '';

  private readonly maxCalls: number;
  private readonly stopCall: number;

  constructor(
    readonly c: Case,
    readonly pool: LatentPool,
    readonly options: PlayOptions,
  ) {
    this.maxCalls = options.maxCalls;
    this.stopCall = options.stopAt?.call ?? -2;
    this.n = pool.size;
    this.window = windowMinutes(c);
    this.invitedAt = new Float64Array(this.n);
    this.deadline = formatTimestamp(c.deadline);
  }

  private stopped(calls: number): null {
    if (calls >= this.maxCalls) {
      this.fault = `exceeded ${counted(this.maxCalls, 'call')} at ${this.c.id}_${calls}`;
    } else {
      this.fault = (this.options.stopAt as StopAt).fault;
      this.calls++;
    }
    return null;
  }

  /** The next request, or `null` when the case is over for this engine. */
  next(): Request | null {
    if (this.finished || this.fault !== null || this.clock.t >= this.window || this.invited >= this.n) return null;
    const calls = this.calls;
    if (calls >= this.maxCalls || calls === this.stopCall) return this.stopped(calls);
    this.correlationId = `${this.c.id}_${calls}`;
    this.calls++;
    this.reference = formatTimestamp(this.c.start + this.clock.t * MS_PER_MINUTE);
    const request: Request = {
      correlation_id: this.correlationId,
      reference_date_time: this.reference,
      deadline: this.deadline,
      num_vacancies: this.c.numVacancies,
      num_remaining_in_pool: this.n - this.invited,
      impacted_candidates_data: this.records,
    };
    this.request = request;
    return request;
  }

  /**
   * The request as the harness made it, whatever the engine did to its copy: what a trace
   * records. The list is the harness's own, in invitation order.
   */
  private pristine(): Request {
    return {
      correlation_id: this.correlationId,
      reference_date_time: this.reference,
      deadline: this.deadline,
      num_vacancies: this.c.numVacancies,
      num_remaining_in_pool: this.n - this.invited,
      impacted_candidates_data: this.own,
    };
  }

  /** The request's field the engine changed, if any: six comparisons, no copy. */
  private changedField(): string | null {
    const r = this.request;
    if (r === null) return null;
    if (r.impacted_candidates_data !== this.records) return 'impacted_candidates_data';
    if (r.num_remaining_in_pool !== this.n - this.invited) return 'num_remaining_in_pool';
    if (r.num_vacancies !== this.c.numVacancies) return 'num_vacancies';
    if (r.reference_date_time !== this.reference) return 'reference_date_time';
    if (r.deadline !== this.deadline) return 'deadline';
    if (r.correlation_id !== this.correlationId) return 'correlation_id';
    return null;
  }

  /** Records a fault of the call in progress, and tells the observer. */
  failed(fault: string): void {
    this.fault = fault;
    if (this.request !== null) this.options.observe?.(this.pristine(), null, fault);
  }

  threw(error: unknown): void {
    this.failed(faultOfThrow(this.correlationId, error));
  }

  // The fault paths live apart, so that the hot path stays small enough to be inlined.
  private mutated(changed: string): void {
    this.failed(`modified its request at ${this.correlationId} (it changed ${changed}); requests are read-only`);
  }

  private truncated(): void {
    this.failed(`changed impacted_candidates_data at ${this.correlationId} (its length went from ${this.invited} to ${this.records.length}); requests are read-only`);
  }

  private invalid(problem: string): void {
    this.failed(`invalid decision at ${this.correlationId}: ${problem}`);
  }

  apply(decision: unknown): void {
    // Checked on every call at O(1); the order of the list is checked when the case ends.
    const changed = this.changedField();
    if (changed !== null) return this.mutated(changed);
    if (this.records.length !== this.invited) return this.truncated();
    const problem = decisionProblem(decision);
    if (problem !== null) return this.invalid(problem);
    // Before the clock moves: the live records must still show the time of this call.
    if (this.options.observe !== undefined) this.options.observe(this.pristine(), decision as Decision, null);
    const d = decision as { finished: boolean; num_candidates_needed: number; callback_time_minutes: number };
    if (d.finished) {
      this.finished = true;
      return;
    }
    const remaining = this.n - this.invited;
    let batch = d.num_candidates_needed;
    if (batch > remaining) {
      this.overAsks++;
      batch = remaining;
    }
    const pool = this.pool;
    const t = this.clock.t;
    for (let k = 0; k < batch; k++, this.invited++) {
      const i = this.invited;
      this.invitedAt[i] = t;
      const record = new LiveCandidateRecord(this.clock, t, pool.delay[i] as number, pool.outcome[i] === ACCEPT, pool.offerAccepted[i] === 1);
      this.records.push(record);
      this.own.push(record);
    }
    this.clock.t = t + d.callback_time_minutes;
  }

  result(): Play {
    if (this.fault === null) {
      const records = this.records;
      const own = this.own;
      for (let i = 0; i < own.length; i++) {
        if (records[i] !== own[i]) {
          this.fault = `reordered or replaced records of impacted_candidates_data during case ${this.c.id} (found when it ended, after ${counted(this.calls, 'call')}); requests are read-only`;
          break;
        }
      }
    }
    return { invited: this.invited, invitedAt: this.invitedAt, calls: this.calls, fault: this.fault, overAsks: this.overAsks };
  }
}

/**
 * Plays one case against one engine. Engine faults end the case for that engine and are
 * returned, never thrown. An engine whose `decide` returns a Promise (a remote engine, or a
 * local one written that way) is awaited, each decision within `timeoutMs`: the result is
 * then a Promise too. Synchronous engines never leave the synchronous loop.
 */
export function playCase(c: Case, pool: LatentPool, engine: SyncEngine, options: PlayOptions): Play;
export function playCase(c: Case, pool: LatentPool, engine: Engine, options: PlayOptions): Play | Promise<Play>;
export function playCase(c: Case, pool: LatentPool, engine: Engine, options: PlayOptions): Play | Promise<Play> {
  const state = new CaseState(c, pool, options);
  const timer = options.timer;
  const guard = options.guard;
  for (let request = state.next(); request !== null; request = state.next()) {
    let decision: unknown;
    let began = 0;
    try {
      if (guard !== undefined) guard.begin(state.calls - 1);
      if (timer === undefined) {
        decision = engine.decide(request);
      } else {
        began = timer.begin(state.calls - 1);
        decision = engine.decide(request);
      }
      if (guard !== undefined) guard.end();
    } catch (error) {
      if (guard !== undefined) guard.end();
      state.threw(error);
      break;
    }
    if (isPending(decision)) {
      return finishAsync(state, engine, decision, began);
    }
    if (timer !== undefined) timer.end(began);
    state.apply(decision);
  }
  return state.result();
}

async function finishAsync(state: CaseState, engine: Engine, first: PromiseLike<unknown>, firstBegan: number): Promise<Play> {
  const timeoutMs = state.options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const timer = state.options.timer;
  let pending: PromiseLike<unknown> = first;
  let began = firstBegan;
  for (;;) {
    try {
      const decision = await withTimeout(pending, timeoutMs, state.correlationId);
      if (timer !== undefined) timer.end(began);
      state.apply(decision);
    } catch (error) {
      if (error instanceof DecisionTimeout) state.failed(error.message);
      else state.threw(error);
      break;
    }
    const request = state.next();
    if (request === null) break;
    const guard = state.options.guard;
    try {
      guard?.begin(state.calls - 1);
      began = timer?.begin(state.calls - 1) ?? 0;
      pending = Promise.resolve(engine.decide(request));
      guard?.end();
    } catch (error) {
      guard?.end();
      state.threw(error);
      break;
    }
  }
  return state.result();
}
