/**
 * The service's documentation: the OpenAPI 3.1 document generated from the contract's schemas
 * (`/openapi.json`), Swagger UI (`/docs`) and ReDoc (`/redoc`), every asset served locally.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { KnownPaths } from './methods.ts';

const require = createRequire(import.meta.url);

const REDOC_PAGE = `<!DOCTYPE html>
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

/** Registers the OpenAPI generator; before the routes, so that it sees them all. */
export async function openApi(app: FastifyInstance): Promise<void> {
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
}

/** `/openapi.json`, and ReDoc's page and script. */
export function docsRoutes(app: FastifyInstance, paths: KnownPaths): void {
  paths.add('GET', '/openapi.json');
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');
  let redocScript: Buffer | null = null;
  for (const url of ['/redoc', '/redoc/']) {
    paths.add('GET', url);
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(REDOC_PAGE));
  }
  paths.add('GET', '/redoc/redoc.standalone.js');
  app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) => {
    redocScript ??= readFileSync(redocBundle);
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(redocScript);
  });
}
