import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { BUILT, fromRoot } from '../paths.ts';
import type { RenderReply, RenderRequest } from './render-worker.ts';

/**
 * The chart renderer. Built (`npm run build`), it runs in threads of its own started from
 * dist/render-worker.cjs, one file with vega and vega-lite inside: `backtest` starts them with
 * the simulation, so their loading overlaps it. From the sources (tests, tsx) the charts are
 * drawn in the calling thread. Which thread draws a chart never changes its bytes.
 */
const THREAD_ENTRY = fromRoot('dist/render-worker.cjs');

export interface ChartRenderer {
  /** SVG text of a Vega-Lite specification; `name` prefixes the SVG's ids. */
  readonly render: (spec: TopLevelSpec, name: string) => Promise<string>;
  /** Stops the threads; pending renders fail. */
  readonly close: () => Promise<void>;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (svg: string) => void; reject: (error: Error) => void }>;
  /** Renders given to this thread and not yet answered. */
  load: number;
  failure: Error | null;
}

function startThread(): Thread {
  const worker = new Worker(THREAD_ENTRY);
  const thread: Thread = { worker, pending: new Map(), load: 0, failure: null };
  const failAll = (error: Error): void => {
    thread.failure ??= error;
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  };
  // Held open only while a render is pending: a run that fails before drawing its charts
  // must not be kept alive by the threads it started for them.
  worker.unref();
  worker.on('message', (reply: RenderReply) => {
    const p = thread.pending.get(reply.id);
    if (p === undefined) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) worker.unref();
    if ('svg' in reply) p.resolve(reply.svg);
    else p.reject(new Error(reply.error));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the chart renderer's thread stopped (exit code ${code})`)));
  return thread;
}

/**
 * Threads worth starting to draw a report: two draw its charts in about half the time when
 * two cores are free, but each loads the libraries itself, so on a busy machine (load
 * average near the core count) one does the same work for less processor time and no
 * longer. At most `limit`. Which threads draw a chart never changes its bytes.
 */
export function renderThreads(limit = 2): number {
  const idle = availableParallelism() - (loadavg()[0] ?? 0);
  return Math.max(1, Math.min(limit, 2, Math.floor(idle)));
}

/** The renderer in this thread, run from the sources. Imported by a path computed here, so that a bundle never takes vega in. */
function inThisThread(): ChartRenderer {
  let closed = false;
  return {
    render: async (spec, name) => {
      if (closed) throw new Error('the chart renderer was closed');
      const { renderSvg } = (await import(pathToFileURL(fromRoot('src/report/render.ts')).href)) as typeof import('./render.ts');
      return renderSvg(spec, name);
    },
    close: async () => {
      closed = true;
    },
  };
}

/** Starts the renderer: `threads` threads of its own when built, else the calling thread. */
export function startRenderer(threads = 1): ChartRenderer {
  if (!BUILT) return inThisThread();
  const pool = Array.from({ length: Math.max(1, threads) }, () => startThread());
  let next = 0;
  return {
    render: async (spec, name) => {
      // The thread with the least work given, the first of those on a tie.
      const thread = pool.reduce((best, t) => (t.load < best.load ? t : best));
      if (thread.failure !== null) throw thread.failure;
      thread.load++;
      try {
        const id = next++;
        return await new Promise<string>((resolve, reject) => {
          thread.pending.set(id, { resolve, reject });
          thread.worker.ref();
          thread.worker.postMessage({ id, name, spec } satisfies RenderRequest);
        });
      } finally {
        thread.load--;
      }
    },
    close: async () => {
      await Promise.all(
        pool.map(async (t) => {
          t.failure ??= new Error('the chart renderer was closed');
          await t.worker.terminate();
        }),
      );
    },
  };
}
