import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import type { Random } from '../stats/rng.ts';
import type { Engine, EngineDefinition } from './types.ts';

/**
 * One engine call, played the same way by backtest, serve, decide and conformance: a seeded
 * instance, its decision awaited within the time limit when it comes as a Promise, and the
 * decision checked. A synchronous engine is never given a Promise or a closure per call: the
 * simulator calls engines millions of times.
 */

/** Per-call limit on a decision (the CLI's `--engine-timeout` and `--timeout-ms`, a remote engine's HTTP call). */
export const DEFAULT_ENGINE_TIMEOUT_MS = 10_000;

/** A new instance of an engine with its parameters, drawing from `random`. */
export function createInstance(
  engine: { readonly definition: EngineDefinition; readonly params: Readonly<Record<string, number>> },
  random: Random,
): Engine {
  return engine.definition.create({ random, params: engine.params });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Whether an answer is still to come: a valid decision has a boolean `finished`; only something else can be a Promise. */
export function isPending(answer: unknown): answer is PromiseLike<unknown> {
  return typeof (answer as { finished?: unknown } | null)?.finished !== 'boolean' && isThenable(answer);
}

export class DecisionTimeout extends Error {}

/** An asynchronous decision raced against the time limit (none when `ms` is not finite). */
export function withTimeout(pending: PromiseLike<unknown>, ms: number, correlationId: string): Promise<unknown> {
  if (!Number.isFinite(ms)) return Promise.resolve(pending);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DecisionTimeout(`no decision within ${ms} ms at ${correlationId}`)), ms);
  });
  return Promise.race([Promise.resolve(pending), limit]).finally(() => clearTimeout(timer));
}

/**
 * The engine's answer to one request: as it came when synchronous, else a Promise that
 * rejects with `DecisionTimeout` after `timeoutMs`. What `decide` throws is thrown.
 */
export function decideWithin(instance: Engine, request: Request, timeoutMs: number): unknown {
  // Read first: the engine may write to its request.
  const correlationId = request.correlation_id;
  const answer: unknown = instance.decide(request);
  return isPending(answer) ? withTimeout(answer, timeoutMs, correlationId) : answer;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Errors an engine gets from writing to its request, whose records and list are read-only. */
const MUTATION = /only a getter|read.only|not extensible|Cannot assign|Cannot add property|Cannot delete|object is not extensible/i;

/** What an engine's throw is called in a fault: writing to its read-only request, or a throw. */
export function faultOfThrow(correlationId: string, error: unknown): string {
  const text = describeError(error);
  if (error instanceof TypeError && MUTATION.test(error.message)) {
    return `modified its request at ${correlationId} (${text}); requests are read-only`;
  }
  return `threw at ${correlationId}: ${text}`;
}

/** A checked decision, with only its three fields, or why the answer is not one. */
export type Checked = { readonly decision: Decision } | { readonly problem: string };

export function checkDecision(answer: unknown): Checked {
  const problem = decisionProblem(answer);
  if (problem !== null) return { problem };
  const d = answer as Decision;
  return { decision: { finished: d.finished, num_candidates_needed: d.num_candidates_needed, callback_time_minutes: d.callback_time_minutes } };
}

/** How one call went: a checked decision, or the engine threw, timed out, or answered something else. */
export type CallResult =
  | { readonly decision: Decision }
  | { readonly failed: 'threw'; readonly error: unknown }
  | { readonly failed: 'timeout'; readonly message: string }
  | { readonly failed: 'invalid'; readonly problem: string };

function settle(answer: unknown): CallResult {
  const checked = checkDecision(answer);
  return 'problem' in checked ? { failed: 'invalid', problem: checked.problem } : checked;
}

function rejected(error: unknown): CallResult {
  return error instanceof DecisionTimeout ? { failed: 'timeout', message: error.message } : { failed: 'threw', error };
}

/**
 * Plays one call: decides, awaits within `timeoutMs`, checks. Synchronous for a synchronous
 * engine; never throws for what the engine does.
 */
export function callEngine(instance: Engine, request: Request, timeoutMs: number = DEFAULT_ENGINE_TIMEOUT_MS): CallResult | Promise<CallResult> {
  let answer: unknown;
  try {
    answer = decideWithin(instance, request, timeoutMs);
  } catch (error) {
    return { failed: 'threw', error };
  }
  return answer instanceof Promise && isPending(answer) ? answer.then(settle, rejected) : settle(answer);
}
