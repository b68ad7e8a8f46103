/**
 * One call of a served engine on a validated body: the case's instance (kept per engine and
 * case id in a CaseStore), its decision, awaited when it is a Promise, and checked.
 */
import type { FastifyRequest } from 'fastify';
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { caseIdOf } from '../engines/common.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import type { Engine } from '../engines/types.ts';
import { engineStream } from '../sim/rng.ts';
import type { CaseStore } from './cases.ts';
import { EngineFailure, unknownEngine } from './errors.ts';
import { toRequest } from './validation.ts';

/**
 * The replicate whose engine streams the service reproduces: a served engine seeded like a
 * backtest's replicate 1 draws the same numbers for the same calls.
 */
export const SERVED_REPLICATE = 1;

/** What the request log says of a call an engine saw. */
export interface CallInfo {
  engine: string;
  correlationId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    call: CallInfo | null;
  }
}

/** `{case id}_0`: the first call of a case. */
const FIRST_CALL = /_0+$/;

/**
 * The decision of engine `label` on a validated body. Synchronous when the engine answers at
 * once (every registered engine), so that a call costs no Promise and no extra turn of the
 * microtask queue; a Promise when the engine's `decide` returns one.
 */
export type Decide = (request: FastifyRequest, label: string, body: Record<string, unknown>) => Decision | Promise<Decision>;

export function decider(o: {
  readonly engines: ReadonlyMap<string, ResolvedEngine>;
  readonly cases: CaseStore<Engine>;
  readonly seed: number;
  /** Every answered call, unless the server is calling itself (the warm-up). */
  readonly onDecision: ((engine: string, request: Request, decision: Decision) => void) | undefined;
  readonly warmingUp: () => boolean;
}): Decide {
  const newInstance = (engine: ResolvedEngine, label: string, caseId: string): Engine =>
    engine.definition.create({ random: engineStream(o.seed, SERVED_REPLICATE, caseId, label), params: engine.params });

  const failure = (label: string, error: unknown): EngineFailure =>
    new EngineFailure(`engine ${label} failed: ${error instanceof Error ? error.message : String(error)}`);

  const answered = (label: string, request: Request, decision: unknown): Decision => {
    const problem = decisionProblem(decision);
    if (problem !== null) throw new EngineFailure(`engine ${label} returned an invalid decision: ${problem}`);
    const d = decision as Decision;
    const out: Decision = { finished: d.finished, num_candidates_needed: d.num_candidates_needed, callback_time_minutes: d.callback_time_minutes };
    if (!o.warmingUp()) o.onDecision?.(label, request, out);
    return out;
  };

  return (request, label, body) => {
    const engine = o.engines.get(label);
    if (engine === undefined) throw unknownEngine(label, o.engines.keys());
    const contractRequest = toRequest(body);
    const correlationId = typeof body.correlation_id === 'string' ? body.correlation_id : null;
    request.call = { engine: label, correlationId };
    let decision: unknown;
    try {
      // Call 0 starts the case again: a replayed or replicated case gets a fresh instance.
      const instance =
        correlationId === null
          ? newInstance(engine, label, '')
          : o.cases.get(`${label}\u001f${caseIdOf(correlationId)}`, () => newInstance(engine, label, caseIdOf(correlationId)), FIRST_CALL.test(correlationId));
      decision = instance.decide(contractRequest);
    } catch (error) {
      throw failure(label, error);
    }
    // An engine may answer with a Promise (remote engines, async user modules).
    if (typeof (decision as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(decision).then(
        (d) => answered(label, contractRequest, d),
        (error: unknown) => {
          throw failure(label, error);
        },
      );
    }
    return answered(label, contractRequest, decision);
  };
}
