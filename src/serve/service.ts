/** `GET /engines` (what is served, with parameters) and `GET /health` (liveness, cases, memory). */
import type { FastifyInstance } from 'fastify';
import type { ResolvedEngine } from '../engines/load.ts';
import { isEngineName } from '../engines/registry.ts';
import type { CaseStore } from './cases.ts';
import type { KnownPaths } from './methods.ts';

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

export function serviceRoutes(app: FastifyInstance, o: { engines: readonly ResolvedEngine[]; cases: Pick<CaseStore<unknown>, 'stats'>; paths: KnownPaths }): void {
  o.paths.add('GET', '/engines');
  app.get('/engines', { schema: { tags: ['service'], summary: 'The served engines, their descriptions and parameters' } }, async () => o.engines.map(engineInfo));

  o.paths.add('GET', '/health');
  app.get('/health', { schema: { tags: ['service'], summary: 'Liveness, the cases held in memory, and the memory they take' } }, async () => {
    const m = process.memoryUsage();
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return { status: 'ok', engines: o.engines.length, cases: o.cases.stats(), memory_mb: { rss: mb(m.rss), heap_used: mb(m.heapUsed) } };
  });
}
