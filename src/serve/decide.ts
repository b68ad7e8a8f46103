/**
 * One call of a served engine on a validated body: the case's instance (kept per engine and
 * case id in a CaseStore), its decision, awaited when it is a Promise, and checked. An engine
 * from a user's module is called in its own thread (engine-threads.ts), through a stand-in.
 */
import type { FastifyRequest } from 'fastify';
import type { Decision, Request } from '../contract/types.ts';
import { checkDecision, createInstance, decideWithin, isPending } from '../engines/call.ts';
import { caseIdOf } from '../engines/common.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import type { Engine } from '../engines/types.ts';
import { engineStream } from '../stats/rng.ts';
import type { CaseStore } from './cases.ts';
import { SERVED_REPLICATE } from './defaults.ts';
import type { EngineThreads } from './engine-threads.ts';
import { EngineFailure, unknownEngine } from './errors.ts';
import { toRequest } from './validation.ts';

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
  /** The threads of the engines from users' modules, if any. */
  readonly threads: EngineThreads | null;
}): Decide {
  const threads = o.threads;
  const newInstance = (engine: ResolvedEngine, label: string, caseId: string): Engine =>
    threads?.serves(label) === true ? threads.open(label, caseId) : createInstance(engine, engineStream(o.seed, SERVED_REPLICATE, caseId, label));

  const failure = (label: string, error: unknown): EngineFailure =>
    error instanceof EngineFailure ? error : new EngineFailure(`engine ${label} failed: ${error instanceof Error ? error.message : String(error)}`);

  const answered = (label: string, request: Request, answer: unknown): Decision => {
    const checked = checkDecision(answer);
    if ('problem' in checked) throw new EngineFailure(`engine ${label} returned an invalid decision: ${checked.problem}`);
    if (!o.warmingUp()) o.onDecision?.(label, request, checked.decision);
    return checked.decision;
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
      // The time limit is the engine's own: a remote engine's HTTP call, a module engine's thread.
      if (correlationId === null) {
        const instance = newInstance(engine, label, '');
        decision = decideWithin(instance, contractRequest, Number.POSITIVE_INFINITY);
        // A call of its own: its thread forgets the instance once the call is made.
        threads?.release(instance);
      } else {
        const instance = o.cases.get(`${label}\u001f${caseIdOf(correlationId)}`, () => newInstance(engine, label, caseIdOf(correlationId)), FIRST_CALL.test(correlationId));
        decision = decideWithin(instance, contractRequest, Number.POSITIVE_INFINITY);
      }
    } catch (error) {
      throw failure(label, error);
    }
    // An engine may answer with a Promise (remote engines, async user modules).
    if (isPending(decision)) {
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
