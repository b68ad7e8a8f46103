/**
 * `pacebench serve` as a Fastify application, built without listening so that tests drive it
 * with `app.inject`. The IO (sockets, signals, files) is in src/commands/serve.ts.
 *
 * This module wires the parts: the contract's validation, the engine routes (routes.ts, which
 * call decide.ts), `GET /engines` and `/health` (service.ts), the documentation (docs.ts), the
 * 405s (methods.ts), errors (errors.ts) and the request log (request-log.ts).
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { CONTRACT_SCHEMAS } from '../contract/schema.ts';
import type { Decision, Request } from '../contract/types.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engines/call.ts';
import type { Engine } from '../engines/types.ts';
import { CaseStore } from './cases.ts';
import { decider } from './decide.ts';
import { EngineThreads } from './engine-threads.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_CASE_TTL_MS, DEFAULT_MAX_CASES } from './defaults.ts';
import { docsRoutes, openApi } from './docs.ts';
import { answerErrors, InvalidRequest } from './errors.ts';
import { KnownPaths } from './methods.ts';
import { logRequests } from './request-log.ts';
import { engineRoutes, originalRoutes } from './routes.ts';
import { serviceRoutes } from './service.ts';
import { compileValidator } from './validation.ts';

export interface AppOptions {
  /** Every engine to serve, by its label; registered ones also get their original path. */
  readonly engines: readonly ResolvedEngine[];
  readonly seed: number;
  readonly maxCases?: number;
  readonly caseTtlMs?: number;
  readonly bodyLimit?: number;
  /** pino level (`info` logs one line per request), or `silent`. */
  readonly logLevel?: string;
  /** Where log lines go (default stdout). */
  readonly logStream?: DestinationStream;
  /** Milliseconds, for case idleness; injected so tests need not wait. */
  readonly clock?: () => number;
  /** Every answered call, for `--log-requests`. */
  readonly onDecision?: (engine: string, request: Request, decision: Decision) => void;
  /** Per call to an engine from a user's module, in its thread (default 10 s). */
  readonly timeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * While true, calls are neither logged nor traced: the server is calling itself to warm
     * up before it opens its port (src/commands/serve.ts). Setting it back to false forgets
     * the cases those calls made.
     */
    warmingUp: boolean;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? (() => performance.now());
  const engines = new Map(options.engines.map((e) => [e.label, e]));
  const caseTtlMs = options.caseTtlMs ?? DEFAULT_CASE_TTL_MS;
  // Engines from users' modules run in threads of their own, so that none can hold this one.
  const threads = await EngineThreads.start(options.engines, { seed: options.seed, timeoutMs: options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS });
  const cases = new CaseStore<Engine>({
    maxCases: options.maxCases ?? DEFAULT_MAX_CASES,
    ttlMs: caseTtlMs,
    clock,
    ...(threads === null ? {} : { onRemove: (instance: Engine) => threads.release(instance) }),
  });

  let warmingUp = false;
  let requests = 0;
  const app = Fastify({
    // Fastify's own numbering (req-1, req-2, …), counting only the calls of clients.
    genReqId: () => (warmingUp ? 'warm-up' : `req-${(++requests).toString(36)}`),
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream === undefined ? {} : { stream: options.logStream }),
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // No body is ever merged into another object, and a `__proto__` or `constructor` key is an
    // unknown field the schema refuses: the scan of every body for them is cost for nothing.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.decorateRequest('call', null);
  app.decorate('warmingUp', {
    getter: () => warmingUp,
    setter: (on: boolean) => {
      if (warmingUp && !on) cases.clear();
      warmingUp = on;
    },
  });

  // Validation by the contract's schemas (validation.ts); answers are plain JSON: the schemas
  // of responses document them and convert nothing. The unknown fields an original body had
  // are counted for its log line, by the body engines see.
  const ignoredFields = new WeakMap<object, number>();
  const validators = new Map<string, (data: unknown) => { value: unknown } | { error: Error }>();
  app.setValidatorCompiler(({ schema, httpPart }) => {
    // The engine name's enum documents the choice; an unknown name answers 404, not 422.
    if (httpPart !== 'body') return (data: unknown) => ({ value: data });
    const key = JSON.stringify(schema);
    const known = validators.get(key);
    if (known !== undefined) return known;
    const v = compileValidator(schema);
    const fn = (data: unknown) => {
      const checked = v.check(data);
      if ('problems' in checked) return { error: new InvalidRequest(checked.problems) };
      if (checked.ignored > 0) ignoredFields.set(checked.value, checked.ignored);
      return { value: checked.value };
    };
    validators.set(key, fn);
    return fn;
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of CONTRACT_SCHEMAS) app.addSchema(schema);
  await openApi(app);

  const paths = new KnownPaths();
  const decide = decider({ engines, cases, seed: options.seed, onDecision: options.onDecision, warmingUp: () => warmingUp, threads });
  originalRoutes(app, { engines, decide, paths });
  engineRoutes(app, { engines, decide, paths });
  serviceRoutes(app, { engines: options.engines, cases, paths });
  docsRoutes(app, paths);
  paths.answerOtherMethods(app);
  answerErrors(app);
  logRequests(app, () => warmingUp, (body) => ignoredFields.get(body));

  // While closing, answers in flight close their keep-alive connection, so that close() ends
  // when they are done instead of waiting for the client to hang up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // Idle cases are forgotten even when no request comes to trigger it.
  const sweep = setInterval(() => cases.expire(), Math.min(60_000, Math.max(1000, caseTtlMs / 4)));
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    threads?.stop();
  });
  return app;
}
