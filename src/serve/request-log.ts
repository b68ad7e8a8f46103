/**
 * One log line per request, with what an operator looks for: the engine, the case, the
 * latency. A call the engine saw names its engine and case in `request.call`; others (refused
 * bodies, other routes) are read from the route and the body. `routeOptions` is a getter that
 * builds an object, so it is read only for those.
 */
import type { FastifyInstance } from 'fastify';

/**
 * `ignoredFields`: how many unknown fields the body had that the original paths ignored
 * (`undefined`: none); said as `ignored_fields` on that request's line.
 */
export function logRequests(app: FastifyInstance, warmingUp: () => boolean, ignoredFields: (body: object) => number | undefined): void {
  app.addHook('onResponse', (request, reply, done) => {
    if (warmingUp()) {
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
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      engine,
      correlation_id: correlationId,
      latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    const ignored = typeof request.body === 'object' && request.body !== null ? ignoredFields(request.body) : undefined;
    request.log.info(ignored === undefined ? line : { ...line, ignored_fields: ignored }, 'request');
    done();
  });
}
