/**
 * The calls of engines: the original service's `POST /optim-{engine}/` (answer
 * `[finished, n, callback]`) for every registered engine, and `POST /engines/{name}/decide`
 * for every served one (answer the decision object).
 */
import type { FastifyInstance } from 'fastify';
import type { Decision } from '../contract/types.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { isEngineName } from '../engines/registry.ts';
import type { Decide } from './decide.ts';
import { unknownEngine } from './errors.ts';
import type { KnownPaths } from './methods.ts';

interface Served {
  readonly engines: ReadonlyMap<string, ResolvedEngine>;
  readonly decide: Decide;
  readonly paths: KnownPaths;
}

const errorResponses = {
  422: { description: 'The request breaks the contract; every bad field is named.', $ref: 'HTTPValidationError#' },
  500: { description: 'The engine threw or returned an invalid decision.', $ref: 'HTTPError#' },
};

const asArray = (d: Decision): [boolean, number, number] => [d.finished, d.num_candidates_needed, d.callback_time_minutes];

/** `POST /optim-{engine}/` (also without the `/`) for every registered engine served under its own name. */
export function originalRoutes(app: FastifyInstance, { engines, decide, paths }: Served): void {
  for (const e of engines.values()) {
    if (!isEngineName(e.label)) continue;
    const label = e.label;
    for (const url of [`/optim-${label}/`, `/optim-${label}`]) {
      paths.add('POST', url);
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
}

/** `POST /engines/{name}/decide`: every served engine by its label. */
export function engineRoutes(app: FastifyInstance, { engines, decide, paths }: Served): void {
  paths.add('POST', '/engines/:name/decide');
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
      done(engines.has(name) ? undefined : unknownEngine(name, engines.keys()));
    },
    handler: (request) => decide(request, (request.params as { name: string }).name, request.body as Record<string, unknown>),
  });
}
