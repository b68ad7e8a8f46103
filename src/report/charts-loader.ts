import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Plugin } from 'esbuild';
import type { TopLevelSpec } from 'vega-lite';
import { bundleCached, isBundleCurrent } from '../sim/bundle.ts';
import type { RenderReply, RenderRequest, SaveCodeCache } from './render-worker.ts';

/**
 * The chart renderer, started on first use in a thread of its own. vega and vega-lite are
 * some hundred modules; imported in the main thread through tsx's loader they cost over a
 * second on this machine. Bundled by esbuild into one plain JavaScript file and loaded by a
 * worker thread (which tsx's loader does not reach) they cost about a quarter of a second,
 * and `backtest` starts the thread with the simulation, so the loading overlaps it.
 * The bundle is cached under node_modules/.cache/pacebench beside the simulation's worker
 * bundle, keyed by every input file's size and modification time.
 */
const ENTRY = fileURLToPath(new URL('./render-worker.ts', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/pacebench/', import.meta.url));
const OUT = path.join(CACHE, 'charts-render-worker.cjs');
/** V8's compiled code of the bundle, saved by a thread after it drew a report (see BOOT). */
export const CODE_CACHE = `${OUT}.code-cache`;

/**
 * How a renderer thread starts: it compiles the bundle with V8's code cache when there is
 * one, so that the functions drawing a chart are not compiled again in every process. The
 * cache is made after a report's charts are drawn (render-worker.ts), so it holds what
 * drawing needs, not only what loading runs: on this project's machine a thread loads in
 * ~90 ms instead of ~120 and draws a cold_start report in ~590 ms instead of ~690 (one
 * thread, every chart). V8 refuses a cache made for other code or another V8, and then the
 * thread compiles as usual and saves a fresh one.
 */
const BOOT = `
const { readFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { workerData } = require('node:worker_threads');
let cachedData;
try { cachedData = readFileSync(workerData.codeCache); } catch {}
const source = readFileSync(workerData.bundle, 'utf8');
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: workerData.bundle, cachedData });
globalThis[Symbol.for('pacebench.codeCache')] = { script, file: workerData.codeCache, fresh: cachedData === undefined || script.cachedDataRejected === true };
const module = { exports: {} };
script.runInThisContext()(module.exports, require, module, workerData.bundle, path.dirname(workerData.bundle));
`;

const withoutCanvas: Plugin = {
  name: 'without-canvas',
  setup(b) {
    b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: 'vega-canvas', namespace: 'pacebench-no-canvas' }));
    b.onLoad({ filter: /.*/, namespace: 'pacebench-no-canvas' }, () => ({ contents: 'export function canvas() { return null; }\nexport function image() { return null; }\n', loader: 'js' }));
  },
};

function buildBundle(): Promise<void> {
  return bundleCached(
    ENTRY,
    OUT,
    // CommonJS, so that BOOT can compile it as one script with V8's code cache.
    { format: 'cjs', minify: true, plugins: [withoutCanvas] },
    // Compiled code of the previous bundle is of no use to this one.
    () => rmSync(CODE_CACHE, { force: true }),
  );
}

export interface ChartRenderer {
  /** SVG text of a Vega-Lite specification; `name` prefixes the SVG's ids. */
  readonly render: (spec: TopLevelSpec, name: string) => Promise<string>;
  /** Charts to draw and throw away while the threads wait for work, so that the real ones find the JIT warm. */
  readonly warmUp: (charts: readonly { readonly name: string; readonly spec: TopLevelSpec }[]) => void;
  /** Stops the threads; pending renders fail. */
  readonly close: () => Promise<void>;
}

interface Thread {
  /** `null` when there is no bundle to start it with. */
  worker: Promise<Worker | null>;
  readonly pending: Map<number, { resolve: (svg: string) => void; reject: (error: Error) => void }>;
  /** Renders given to this thread and not yet answered, counted as soon as given (before the thread is up). */
  load: number;
  failure: Error | null;
  /** Whether it was given a real chart to draw. */
  drew: boolean;
  /** The worker, once created (`worker` resolves to it a turn later). */
  started: Worker | null;
}

function startThread(bundled: Promise<boolean>): Thread {
  const thread: Thread = { worker: Promise.resolve(null), pending: new Map(), load: 0, failure: null, drew: false, started: null };
  const failAll = (error: Error): void => {
    thread.failure ??= error;
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  };
  thread.worker = (async () => {
    if (!(await bundled)) return null;
    const w = new Worker(BOOT, { eval: true, workerData: { bundle: OUT, codeCache: CODE_CACHE } });
    thread.started = w;
    // Held open only while a render is pending: a run that fails before drawing its charts
    // must not be kept alive by the threads it started for them.
    w.unref();
    w.on('message', (reply: RenderReply) => {
      const p = thread.pending.get(reply.id);
      if (p === undefined) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) w.unref();
      if ('svg' in reply) p.resolve(reply.svg);
      else if ('saved' in reply) p.resolve('');
      else p.reject(new Error(reply.error));
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', (code) => failAll(new Error(`the chart renderer's thread stopped (exit code ${code})`)));
    return w;
  })();
  // Never an unhandled rejection: a failure surfaces at the first render.
  thread.worker.catch((error: unknown) => failAll(error instanceof Error ? error : new Error(String(error))));
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

/**
 * The renderer in this thread, when no bundle could be built. Imported by URL, so that a
 * bundle of the CLI leaves it out (vega cannot be required), through tsx's loader when the
 * process runs without it (Node 20 refuses a .ts file with ERR_UNKNOWN_FILE_EXTENSION).
 */
async function inThisThread(): Promise<typeof import('./render.ts')> {
  const url = new URL('./render.ts', import.meta.url).href;
  try {
    return (await import(url)) as typeof import('./render.ts');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    (await import('tsx/esm/api')).register();
    return (await import(`${url}?typescript`)) as typeof import('./render.ts');
  }
}

/**
 * Starts the renderer's threads (building their bundle first when the cache is stale). Two
 * threads draw a report's charts in about half the time on two cores; each loads the
 * libraries itself (about 0.15 s of processor time).
 */
export function startRenderer(threads = 1): ChartRenderer {
  const bundled = isBundleCurrent(OUT) ? Promise.resolve(true) : buildBundle().then(() => true, () => false);
  const pool = Array.from({ length: Math.max(1, threads) }, () => startThread(bundled));
  let next = 0;
  return {
    render: async (spec, name) => {
      // The thread with the least work given, the first of those on a tie.
      const thread = pool.reduce((best, t) => (t.load < best.load ? t : best));
      thread.load++;
      try {
        const w = await thread.worker;
        if (thread.failure !== null) throw thread.failure;
        // No bundle (node_modules not writable, say): drawn in this thread, slower, the same bytes.
        if (w === null) return await (await inThisThread()).renderSvg(spec, name);
        thread.drew = true;
        const id = next++;
        return await new Promise<string>((resolve, reject) => {
          thread.pending.set(id, { resolve, reject });
          w.ref();
          w.postMessage({ id, name, spec } satisfies RenderRequest);
        });
      } finally {
        thread.load--;
      }
    },
    warmUp: (charts) => {
      // Each thread draws them while it has nothing else to do (charts-warm-up.ts). Posted at
      // once to a thread already started: the caller may be inside a simulation that does not
      // yield, and a promise's callback would wait for its end.
      for (const thread of pool) {
        const post = (w: Worker | null): void => {
          for (const c of charts) w?.postMessage({ id: -1, name: c.name, spec: c.spec, warmUp: true } satisfies RenderRequest);
        };
        if (thread.started !== null) post(thread.started);
        else void thread.worker.then(post, () => undefined);
      }
    },
    close: async () => {
      // One thread that drew a report saves the compiled code for the next process, if it
      // had none to start with; a second or so at most, never an error.
      const drew = pool.find((t) => t.drew);
      const w = drew === undefined ? null : await drew.worker.catch(() => null);
      if (drew !== undefined && w !== null && drew.failure === null) {
        const id = next++;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<string>((resolve, reject) => {
            drew.pending.set(id, { resolve, reject });
            w.ref();
            w.postMessage({ id, saveCodeCache: true } satisfies SaveCodeCache);
          }).catch(() => ''),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, 2_000);
          }),
        ]);
        clearTimeout(timer);
      }
      await Promise.all(
        pool.map(async (t) => {
          const w = await t.worker.catch(() => null);
          t.failure ??= new Error('the chart renderer was closed');
          if (w !== null) await w.terminate();
        }),
      );
    },
  };
}
