import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import type { RenderReply, RenderRequest } from './render-worker.ts';

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
const OUT = path.join(CACHE, 'charts-render-worker.mjs');
const RECORD = `${OUT}.inputs.json`;

interface Input {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
}

function fingerprint(file: string): Input {
  try {
    const s = statSync(file);
    return { file, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return { file, size: -1, mtimeMs: -1 };
  }
}

function cached(): boolean {
  if (!existsSync(OUT) || !existsSync(RECORD)) return false;
  try {
    const inputs = JSON.parse(readFileSync(RECORD, 'utf8')) as Input[];
    return inputs.every((i) => {
      const now = fingerprint(i.file);
      return now.size === i.size && now.mtimeMs === i.mtimeMs;
    });
  } catch {
    return false;
  }
}

async function buildBundle(): Promise<void> {
  const { build } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  // Built beside the target and renamed, so that a concurrent run never loads half a file.
  const temp = `${OUT}.tmp-${process.pid}`;
  try {
    const result = await build({
      entryPoints: [ENTRY],
      outfile: temp,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      metafile: true,
      logLevel: 'silent',
      // vega-canvas tries the optional `canvas` package; SVG needs none.
      external: ['canvas'],
      banner: { js: "import { createRequire as __pacebenchCreateRequire } from 'node:module'; const require = __pacebenchCreateRequire(import.meta.url);" },
    });
    const inputs = Object.keys(result.metafile.inputs).map((file) => fingerprint(path.resolve(file)));
    writeFileSync(`${temp}.inputs.json`, JSON.stringify(inputs));
    renameSync(temp, OUT);
    renameSync(`${temp}.inputs.json`, RECORD);
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}.inputs.json`, { force: true });
  }
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
}

function startThread(bundled: Promise<boolean>): Thread {
  const thread: Thread = { worker: Promise.resolve(null), pending: new Map(), load: 0, failure: null };
  const failAll = (error: Error): void => {
    thread.failure ??= error;
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  };
  thread.worker = (async () => {
    if (!(await bundled)) return null;
    const w = new Worker(pathToFileURL(OUT));
    // Held open only while a render is pending: a run that fails before drawing its charts
    // must not be kept alive by the threads it started for them.
    w.unref();
    w.on('message', (reply: RenderReply) => {
      const p = thread.pending.get(reply.id);
      if (p === undefined) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) w.unref();
      if ('svg' in reply) p.resolve(reply.svg);
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
 * Starts the renderer's threads (building their bundle first when the cache is stale). Two
 * threads draw a report's charts in about half the time on two cores; each loads the
 * libraries itself (about 0.15 s of processor time).
 */
export function startRenderer(threads = 1): ChartRenderer {
  const bundled = cached() ? Promise.resolve(true) : buildBundle().then(() => true, () => false);
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
        if (w === null) return await (await import('./render.ts')).renderSvg(spec, name);
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
      // Each thread draws them while it has nothing else to do (charts-warm-up.ts).
      for (const thread of pool) {
        void thread.worker.then((w) => {
          for (const c of charts) w?.postMessage({ id: -1, name: c.name, spec: c.spec, warmUp: true } satisfies RenderRequest);
        }, () => undefined);
      }
    },
    close: async () => {
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
