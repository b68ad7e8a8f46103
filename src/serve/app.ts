/**
 * `pacebench serve` as a Fastify application, built without listening so that tests drive it
 * with `app.inject`. The IO (sockets, signals, files) is in src/commands/serve.ts.
 *
 * Routes: the original service's `POST /optim-{engine}/` (answer `[finished, n, callback]`),
 * `POST /engines/{name}/decide` for every served engine (answer the decision object),
 * `GET /engines`, `GET /health`, `GET /openapi.json`, `/docs` (Swagger UI), `/redoc` (ReDoc).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import {
  CONTRACT_SCHEMAS,
  DECISION_ARRAY_SCHEMA,
  DECISION_SCHEMA,
  ERROR_SCHEMA,
  ORIGINAL_REQUEST_SCHEMA,
  REQUEST_SCHEMA,
  VALIDATION_ERROR_SCHEMA,
} from '../contract/schema.ts';
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { caseIdOf } from '../engines/common.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { isEngineName } from '../engines/registry.ts';
import type { Engine } from '../engines/types.ts';
import { engineStream } from '../stats/rng.ts';
import { CaseStore } from './cases.ts';
import { compileValidator, toRequest, type ValidationDetail } from './validation.ts';

import { DEFAULT_BODY_LIMIT, DEFAULT_CASE_TTL_MS, DEFAULT_MAX_CASES } from './defaults.ts';

export { DEFAULT_BODY_LIMIT, DEFAULT_CASE_TTL_MS, DEFAULT_MAX_CASES };
/**
 * The replicate whose engine streams the service reproduces: a served engine seeded like a
 * backtest's replicate 1 draws the same numbers for the same calls.
 */
export const SERVED_REPLICATE = 1;

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
}

/** Why a call failed inside an engine: answered as 500 with its reason. */
class EngineFailure extends Error {
  readonly statusCode = 500;
}

/** A request the contract refuses: answered as FastAPI's 422. */
class InvalidRequest extends Error {
  readonly statusCode = 422;
  constructor(readonly detail: readonly ValidationDetail[]) {
    super('invalid request');
  }
}

interface CallInfo {
  engine: string;
  correlationId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    call: CallInfo | null;
  }
  interface FastifyInstance {
    /**
     * While true, calls are neither logged nor traced: the server is calling itself to warm
     * up before it opens its port (src/commands/serve.ts). Setting it back to false forgets
     * the cases those calls made.
     */
    warmingUp: boolean;
  }
}

/** `{case id}_0`: the first call of a case. */
const FIRST_CALL = /_0+$/;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
type Method = (typeof METHODS)[number];

const require = createRequire(import.meta.url);

function redocPage(): string {
  return `<!DOCTYPE html>
<html>
  <head>
    <title>pacebench serve · ReDoc</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="/redoc/redoc.standalone.js"></script>
  </body>
</html>
`;
}

function engineInfo(e: ResolvedEngine) {
  const declared = e.definition.params ?? {};
  return {
    name: e.label,
    description: e.definition.description,
    path: `/engines/${encodeURIComponent(e.label)}/decide`,
    original_path: isEngineName(e.label) ? `/optim-${e.label}/` : null,
    params: Object.entries(declared).map(([key, p]) => ({
      name: key,
      value: e.params[key] ?? p.default,
      default: p.default,
      description: p.description,
      ...(p.min === undefined ? {} : { min: p.min }),
      ...(p.max === undefined ? {} : { max: p.max }),
      ...(p.integer === undefined ? {} : { integer: p.integer }),
    })),
  };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? (() => performance.now());
  const engines = new Map(options.engines.map((e) => [e.label, e]));
  const cases = new CaseStore<Engine>({
    maxCases: options.maxCases ?? DEFAULT_MAX_CASES,
    ttlMs: options.caseTtlMs ?? DEFAULT_CASE_TTL_MS,
    clock,
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
  // of responses document them and convert nothing.
  const validators = new Map<string, (data: unknown) => { value: unknown } | { error: Error }>();
  app.setValidatorCompiler(({ schema, httpPart }) => {
    // The engine name's enum documents the choice; an unknown name answers 404, not 422.
    if (httpPart !== 'body') return (data: unknown) => ({ value: data });
    const key = JSON.stringify(schema);
    const known = validators.get(key);
    if (known !== undefined) return known;
    const v = compileValidator(schema);
    const fn = (data: unknown) => {
      const problems = v.problems(data);
      return problems === null ? { value: data } : { error: new InvalidRequest(problems) };
    };
    validators.set(key, fn);
    return fn;
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of CONTRACT_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pacebench serve',
        version: '1',
        description:
          'Invitation-pacing engines behind HTTP: the original service\'s paths (`/optim-exp/`, `/optim-nbinomial/`, `/optim-stoch-constraint/`, answering `[finished, num_candidates_needed, callback_time_minutes]`) and every served engine by name (`/engines/{name}/decide`, answering the decision object). Engines that learn keep one instance per case id (the part of `correlation_id` before its last `_`).',
      },
      tags: [
        { name: 'original', description: 'The paths of the original service, unchanged for its clients.' },
        { name: 'engines', description: 'Every served engine by name.' },
        { name: 'service', description: 'Health and listing.' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // Every path we serve, with its methods: the other methods of a known path answer 405.
  const paths = new Map<string, Set<Method>>();
  const known = (method: Method, url: string): void => {
    const set = paths.get(url) ?? new Set<Method>();
    set.add(method);
    paths.set(url, set);
  };

  const newInstance = (engine: ResolvedEngine, label: string, caseId: string): Engine =>
    engine.definition.create({ random: engineStream(options.seed, SERVED_REPLICATE, caseId, label), params: engine.params });

  const failure = (label: string, error: unknown): EngineFailure =>
    new EngineFailure(`engine ${label} failed: ${error instanceof Error ? error.message : String(error)}`);

  const answered = (label: string, request: Request, decision: unknown): Decision => {
    const problem = decisionProblem(decision);
    if (problem !== null) throw new EngineFailure(`engine ${label} returned an invalid decision: ${problem}`);
    const d = decision as Decision;
    const out: Decision = { finished: d.finished, num_candidates_needed: d.num_candidates_needed, callback_time_minutes: d.callback_time_minutes };
    if (!warmingUp) options.onDecision?.(label, request, out);
    return out;
  };

  const unknownEngine = (label: string): Error =>
    Object.assign(new Error(`unknown engine "${label}" (served: ${[...engines.keys()].join(', ')})`), { statusCode: 404 });

  /**
   * The decision of engine `label` on a validated body. Synchronous when the engine answers
   * at once (every registered engine), so that a call costs no Promise and no extra turn of
   * the microtask queue; a Promise when the engine's `decide` returns one.
   */
  function decide(request: FastifyRequest, label: string, body: Record<string, unknown>): Decision | Promise<Decision> {
    const engine = engines.get(label);
    if (engine === undefined) throw unknownEngine(label);
    const contractRequest = toRequest(body);
    const correlationId = typeof body.correlation_id === 'string' ? body.correlation_id : null;
    request.call = { engine: label, correlationId };
    let decision: unknown;
    try {
      // Call 0 starts the case again: a replayed or replicated case gets a fresh instance.
      const instance =
        correlationId === null
          ? newInstance(engine, label, '')
          : cases.get(`${label}\u001f${caseIdOf(correlationId)}`, () => newInstance(engine, label, caseIdOf(correlationId)), FIRST_CALL.test(correlationId));
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
  }

  const asArray = (d: Decision): [boolean, number, number] => [d.finished, d.num_candidates_needed, d.callback_time_minutes];

  const errorResponses = {
    422: { description: 'The request breaks the contract; every bad field is named.', $ref: 'HTTPValidationError#' },
    500: { description: 'The engine threw or returned an invalid decision.', $ref: 'HTTPError#' },
  };

  for (const e of options.engines) {
    if (!isEngineName(e.label)) continue;
    const label = e.label;
    for (const url of [`/optim-${label}/`, `/optim-${label}`]) {
      known('POST', url);
      app.post(url, {
        config: { engine: label },
        schema: {
          ...(url.endsWith('/') ? {} : { hide: true }),
          tags: ['original'],
          summary: `${label}, as the original service answered`,
          description: `${e.definition.description}. Also without the trailing slash.`,
          body: { $ref: 'OriginalRequest#' },
          response: { 200: { description: '`[finished, num_candidates_needed, callback_time_minutes]`', $ref: 'DecisionArray#' }, ...errorResponses },
        },
        // Not async: a synchronous decision is sent without a Promise.
        handler: (request) => {
          const d = decide(request, label, request.body as Record<string, unknown>);
          return d instanceof Promise ? d.then(asArray) : asArray(d);
        },
      });
    }
  }

  known('POST', '/engines/:name/decide');
  app.post('/engines/:name/decide', {
    schema: {
      tags: ['engines'],
      summary: 'One decision of a served engine',
      description: `Served engines: ${[...engines.keys()].map((n) => `\`${n}\``).join(', ')} (see \`GET /engines\`).`,
      params: { type: 'object', properties: { name: { type: 'string', enum: [...engines.keys()] } }, required: ['name'] },
      body: { $ref: 'Request#' },
      response: { 200: { description: 'The decision.', $ref: 'Decision#' }, 404: { description: 'No engine of that name.', $ref: 'HTTPError#' }, ...errorResponses },
    },
    // An unknown engine is a 404 whatever the body: checked before the body is validated.
    preValidation: (request, _reply, done) => {
      const name = (request.params as { name: string }).name;
      done(engines.has(name) ? undefined : unknownEngine(name));
    },
    handler: (request) => decide(request, (request.params as { name: string }).name, request.body as Record<string, unknown>),
  });

  known('GET', '/engines');
  app.get('/engines', { schema: { tags: ['service'], summary: 'The served engines, their descriptions and parameters' } }, async () =>
    options.engines.map(engineInfo),
  );

  known('GET', '/health');
  app.get('/health', { schema: { tags: ['service'], summary: 'Liveness, the cases held in memory, and the memory they take' } }, async () => {
    const m = process.memoryUsage();
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return { status: 'ok', engines: engines.size, cases: cases.stats(), memory_mb: { rss: mb(m.rss), heap_used: mb(m.heapUsed) } };
  });

  known('GET', '/openapi.json');
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');
  let redocScript: Buffer | null = null;
  for (const url of ['/redoc', '/redoc/']) {
    known('GET', url);
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(redocPage()));
  }
  known('GET', '/redoc/redoc.standalone.js');
  app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) => {
    redocScript ??= readFileSync(redocBundle);
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(redocScript);
  });

  for (const [url, methods] of paths) {
    const others = METHODS.filter((m) => !methods.has(m));
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].join(', ');
    app.route({
      method: others,
      url,
      schema: { hide: true },
      handler: async (_request, reply) => reply.code(405).header('allow', allow).send({ detail: 'Method Not Allowed' }),
    });
  }

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ detail: 'Not Found' }));

  app.setErrorHandler(async (error: FastifyError | InvalidRequest | EngineFailure, request, reply: FastifyReply) => {
    if (error instanceof InvalidRequest) return reply.code(422).send({ detail: error.detail });
    if (error instanceof EngineFailure) {
      request.log.error({ correlation_id: request.call?.correlationId ?? null, engine: request.call?.engine ?? null }, error.message);
      return reply.code(500).send({ detail: error.message });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    const code = (error as FastifyError).code;
    if (status === 400 && (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError || code === 'FST_ERR_CTP_EMPTY_JSON_BODY')) {
      return reply.code(400).send({ detail: [{ loc: ['body'], msg: `JSON decode error: ${error.message}`, type: 'json_invalid' }] });
    }
    if (status >= 500) request.log.error({ err: error }, 'unexpected error');
    return reply.code(status).send({ detail: error.message });
  });

  // One line per request, with what an operator looks for: the engine, the case, the latency.
  // A call the engine saw names its engine and case in `request.call`; others (refused bodies,
  // other routes) are read from the route and the body. `routeOptions` is a getter that builds
  // an object, so it is read only for those.
  app.addHook('onResponse', (request, reply, done) => {
    if (warmingUp) {
      done();
      return;
    }
    const call = request.call;
    let engine: string | null;
    let correlationId: string | null;
    if (call !== null) {
      engine = call.engine;
      correlationId = call.correlationId;
    } else {
      const body = request.body as { correlation_id?: unknown } | null | undefined;
      const config = request.routeOptions.config as { engine?: string };
      engine = config.engine ?? (request.params as { name?: string } | undefined)?.name ?? null;
      correlationId = typeof body?.correlation_id === 'string' ? body.correlation_id : null;
    }
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        engine,
        correlation_id: correlationId,
        latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request',
    );
    done();
  });

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
  const sweep = setInterval(() => cases.expire(), Math.min(60_000, Math.max(1000, (options.caseTtlMs ?? DEFAULT_CASE_TTL_MS) / 4)));
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
  return app;
}
