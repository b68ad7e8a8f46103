/**
 * The errors `pacebench serve` answers, in FastAPI's shapes: 422 with every bad field, 400 for
 * malformed JSON, 404 and 405 as `{"detail": …}`, and 500 with the reason an engine failed.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ValidationDetail } from './validation.ts';

/** Why a call failed inside an engine: answered as 500 with its reason. */
export class EngineFailure extends Error {
  readonly statusCode = 500;
}

/** A request the contract refuses: answered as FastAPI's 422. */
export class InvalidRequest extends Error {
  readonly statusCode = 422;
  constructor(readonly detail: readonly ValidationDetail[]) {
    super('invalid request');
  }
}

/** A 404 naming the engines that are served. */
export function unknownEngine(label: string, served: Iterable<string>): Error {
  return Object.assign(new Error(`unknown engine "${label}" (served: ${[...served].join(', ')})`), { statusCode: 404 });
}

/** The error and not-found handlers: every answer that is not a decision. */
export function answerErrors(app: FastifyInstance): void {
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
}
