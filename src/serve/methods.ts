/**
 * The paths the service knows and their methods, so that another method on a known path
 * answers 405 with an `Allow` header instead of 404.
 */
import type { FastifyInstance } from 'fastify';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
export type Method = (typeof METHODS)[number];

export class KnownPaths {
  private readonly paths = new Map<string, Set<Method>>();

  add(method: Method, url: string): void {
    const set = this.paths.get(url) ?? new Set<Method>();
    set.add(method);
    this.paths.set(url, set);
  }

  /** Routes the other methods of every known path to a 405; called once every route is known. */
  answerOtherMethods(app: FastifyInstance): void {
    for (const [url, methods] of this.paths) {
      const others = METHODS.filter((m) => !methods.has(m));
      const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].join(', ');
      app.route({
        method: others,
        url,
        schema: { hide: true },
        handler: async (_request, reply) => reply.code(405).header('allow', allow).send({ detail: 'Method Not Allowed' }),
      });
    }
  }
}
