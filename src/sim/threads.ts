import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BUILT, fromRoot } from '../paths.ts';

/**
 * pacebench's one pool of worker threads and its one watchdog: backtests' helper threads,
 * conformance's guarded thread and the threads of `serve`'s module engines all run here. A
 * thread stuck in an engine call cannot be stopped from inside, so each thread says in shared
 * memory since when its call runs, and the watchdog, in this thread, tells the pool's owner
 * about the ones over the limit.
 */
export interface ThreadPoolOptions<S> {
  /** Per-call limit: a thread whose call runs longer is stuck. */
  readonly timeoutMs: number;
  /** Milliseconds the thread's current call has run at `now` (epoch ms), or `null` between calls. */
  readonly elapsed: (state: S, now: number) => number | null;
  /** Told about a stuck thread on each look while it stays in the pool; the owner drops or replaces it. */
  readonly onStuck: (worker: Worker, state: S) => void;
}

/** The threads pacebench starts: their TypeScript entry under src/, and their bundle in dist/ (`npm run build`). */
const THREAD_ENTRIES = {
  simulation: { source: 'src/sim/worker.ts', built: 'dist/worker.mjs' },
  conformance: { source: 'src/conformance/thread-main.ts', built: 'dist/conformance-worker.mjs' },
  serve: { source: 'src/serve/thread-main.ts', built: 'dist/serve-worker.mjs' },
} as const;

/**
 * How a thread starts. Built, from its bundle in dist/. From the sources (tests, tsx) a thread
 * has no TypeScript loader, so worker-boot.mjs registers tsx's and imports `entry`.
 */
export function threadStart(kind: keyof typeof THREAD_ENTRIES): { readonly start: URL; readonly entry: string } {
  const { source, built } = THREAD_ENTRIES[kind];
  return {
    start: pathToFileURL(fromRoot(BUILT ? built : 'src/sim/worker-boot.mjs')),
    entry: pathToFileURL(fromRoot(source)).href,
  };
}

export class ThreadPool<S> {
  private readonly threads = new Map<Worker, S>();
  private watchdog: NodeJS.Timeout | null = null;
  private stoppedAll = false;
  /** Threads started, replacements included. */
  started = 0;

  constructor(private readonly options: ThreadPoolOptions<S>) {}

  /**
   * Starts `start` with `workerData`; `state` is the owner's record of the thread. A watched
   * thread is looked after by the watchdog, which starts with the first of them.
   */
  spawn(start: URL | string, workerData: unknown, state: S, watched: boolean): Worker {
    const worker = new Worker(start, { workerData, execArgv: [] });
    this.threads.set(worker, state);
    this.started++;
    if (watched && this.watchdog === null) {
      this.watchdog = setInterval(() => this.look(), Math.max(10, Math.min(250, this.options.timeoutMs / 4)));
    }
    return worker;
  }

  private look(): void {
    const now = performance.timeOrigin + performance.now();
    for (const [worker, state] of this.threads) {
      const elapsed = this.options.elapsed(state, now);
      if (elapsed !== null && elapsed > this.options.timeoutMs) this.options.onStuck(worker, state);
    }
  }

  state(worker: Worker): S | undefined {
    return this.threads.get(worker);
  }

  entries(): IterableIterator<[Worker, S]> {
    return this.threads.entries();
  }

  get size(): number {
    return this.threads.size;
  }

  /** Forgets a thread that ended; `terminate` stops one that did not. */
  drop(worker: Worker, terminate = false): void {
    this.threads.delete(worker);
    if (terminate) void worker.terminate();
  }

  get stopped(): boolean {
    return this.stoppedAll;
  }

  /** Stops the watchdog and every thread. */
  stop(): void {
    if (this.stoppedAll) return;
    this.stoppedAll = true;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    for (const w of this.threads.keys()) void w.terminate();
  }
}
