import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { isModulePath, type EngineSpec } from '../engines/spec.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import { bundleWorker, type WorkerBundle } from './bundle.ts';
import { LatencyHistogram, type LatencyData } from './latency.ts';
import { runUnit, type RunConfig, type Unit } from './run.ts';
import { traceText } from '../trace/observe.ts';

export interface WorkerInput {
  /** For the tsx fallback: the TypeScript entry that worker-boot.mjs imports. */
  readonly entry: string;
  readonly scenario: Scenario;
  /** Specs to resolve in the worker (module paths pointing at loadable files), with the labels the main thread gave them. */
  readonly engines: readonly { readonly spec: EngineSpec; readonly label: string }[];
  readonly cwd: string;
  readonly config: RunConfig;
  readonly units: readonly Unit[];
  readonly measure: boolean;
  /** Collect each unit's request trace and send it with its rows. */
  readonly trace?: boolean;
}

export type ToWorker = { readonly kind: 'units'; readonly units: readonly number[] } | { readonly kind: 'finish' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'results'; readonly results: readonly { index: number; rows: CaseRow[]; trace?: string }[] }
  | { readonly kind: 'finished'; readonly latency: readonly LatencyData[] }
  | { readonly kind: 'failed'; readonly message: string; readonly user?: boolean };

export interface RunUnitsOptions {
  readonly scenario: Scenario;
  readonly engines: readonly ResolvedEngine[];
  readonly config: RunConfig;
  readonly units: readonly Unit[];
  /** Threads doing the work, this one included. */
  readonly workers: number;
  /** Wall clock for decision latencies; absent, nothing is timed. */
  readonly now?: () => number;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * `when-worth-it` (the default): helper threads start once the work left is worth their
   * start-up. `at-once`: they start first, and this thread waits until they are ready (tests
   * use it to exercise them on small runs).
   */
  readonly helpers?: 'when-worth-it' | 'at-once';
  /** Receives each unit's trace lines (`backtest --trace`), by unit index, in the order units finish. */
  readonly onTrace?: (index: number, text: string) => void;
}

export interface UnitsResult {
  /** Rows of unit i at index i, whatever order the work finished in. */
  readonly rowsByUnit: readonly (readonly CaseRow[])[];
  readonly latency: readonly LatencyHistogram[];
  /** Units played by helper threads (the rest by this one). */
  readonly helperUnits: number;
  /** Helper threads that were started. */
  readonly helperThreads: number;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Start-up a helper thread must repay: below this much remaining work, it would only slow the run. */
const HELPER_WORTH_MS = 500;
/**
 * This thread works alone for this long before judging how much work is left, from the
 * pace of its second half only: the first units run cold, before the JIT has warmed up.
 */
const PROBE_MS = 250;

/**
 * Runs the units over up to `workers` threads: this thread, and `workers − 1` helper
 * threads. This thread starts at once; after a short probe it estimates the work left, and
 * only when that is worth a helper's start-up (about 150 ms of a core on a 2-core machine:
 * a fresh isolate, its modules, its cold JIT) do the helpers start. Each thread then takes
 * the next unit when free. Each unit's rows land at the unit's index, so the result does
 * not depend on how many threads ran or who ran what.
 */
export async function runUnits(options: RunUnitsOptions): Promise<UnitsResult> {
  const total = options.units.length;
  const threads = Math.max(0, Math.min(options.workers, total) - 1);
  const rowsByUnit: (readonly CaseRow[])[] = new Array(total);
  const latency = options.engines.map(() => new LatencyHistogram());
  const timing = options.now === undefined ? undefined : { now: options.now, latency };
  const queue = { next: 0, done: 0, byHelpers: 0 };
  const take = (): number | null => (queue.next < total ? queue.next++ : null);
  const finish = (index: number, rows: readonly CaseRow[], byHelper = false, trace?: string): void => {
    rowsByUnit[index] = rows;
    if (trace !== undefined) options.onTrace?.(index, trace);
    queue.done++;
    if (byHelper) queue.byHelpers++;
    options.onProgress?.(queue.done, total);
  };

  let starting: Promise<Helpers> | null = null;
  if (options.helpers === 'at-once' && threads > 0) {
    starting = startHelpers(options, threads, take, finish, latency);
    await (await starting).ready;
  }
  const began = performance.now();
  let ranHere = 0;
  // Units run and time taken at the probe's midpoint: the pace is judged from there on.
  let halfway: { at: number; ran: number } | null = null;
  try {
    for (let index = take(); index !== null; index = take()) {
      const unit = options.units[index] as Unit;
      const trace = options.onTrace === undefined ? undefined : [];
      const rows = runUnit(options.scenario, options.engines, options.config, unit, timing, trace);
      finish(index, rows, false, trace === undefined ? undefined : traceText(trace));
      ranHere++;
      if (threads > 0 && starting === null) {
        const elapsed = performance.now() - began;
        if (halfway === null && elapsed >= PROBE_MS / 2) halfway = { at: elapsed, ran: ranHere };
        if (halfway !== null && elapsed >= PROBE_MS) {
          // A unit long enough to span the whole probe is judged by its own pace.
          const since = ranHere - halfway.ran;
          const pace = since > 0 ? (elapsed - halfway.at) / since : elapsed / ranHere;
          if (pace * (total - queue.next) >= HELPER_WORTH_MS) starting = startHelpers(options, threads, take, finish, latency);
        }
      }
      // Let the helpers' messages (and their start-up) in between units.
      if (starting !== null) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (starting !== null) await (await starting).done;
  } finally {
    // Stop the helpers whether the run ended or failed; a failed start has nothing to stop.
    await starting?.then(
      (h) => h.stop(),
      () => {},
    );
  }
  return { rowsByUnit, latency, helperUnits: queue.byHelpers, helperThreads: starting === null ? 0 : threads };
}

interface Helpers {
  /** Settles when every helper has booted and been given its first units. */
  readonly ready: Promise<void>;
  /** Settles when every helper has returned its last results and its latencies. */
  readonly done: Promise<void>;
  stop(): void;
}

async function startHelpers(
  options: RunUnitsOptions,
  count: number,
  take: () => number | null,
  finish: (index: number, rows: readonly CaseRow[], byHelper: boolean, trace?: string) => void,
  latency: readonly LatencyHistogram[],
): Promise<Helpers> {
  const modulePaths = options.engines.filter((e) => isModulePath(e.spec.ref)).map((e) => e.spec.ref);
  let bundle: WorkerBundle | null = null;
  try {
    bundle = await bundleWorker(modulePaths);
  } catch {
    // No writable cache or no esbuild: fall back to tsx in every worker, slower to start.
    bundle = null;
  }
  const input: WorkerInput = {
    entry: new URL('./worker.ts', import.meta.url).href,
    scenario: options.scenario,
    engines: options.engines.map((e) => ({
      spec: { ...e.spec, ref: bundle?.modules.get(e.spec.ref) ?? e.spec.ref },
      label: e.label,
    })),
    cwd: process.cwd(),
    config: options.config,
    units: options.units,
    measure: options.now !== undefined,
    trace: options.onTrace !== undefined,
  };
  const start = bundle?.entry ?? new URL('./worker-boot.mjs', import.meta.url);
  const workers: Worker[] = [];
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const w of workers) void w.terminate();
  };

  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let booted = 0;
  const done = new Promise<void>((resolve, reject) => {
    let finished = 0;
    const fail = (error: Error): void => {
      stop();
      reject(error);
    };
    // Each worker holds one unit in hand and one queued, so it never sits idle while this
    // thread, busy with a unit of its own, gets round to answering.
    const inHand = new Map<Worker, number>();
    const feed = (worker: Worker, slots: number): void => {
      for (let k = 0; k < slots; k++) {
        const index = take();
        if (index === null) {
          if ((inHand.get(worker) ?? 0) === 0) worker.postMessage({ kind: 'finish' } satisfies ToWorker);
          return;
        }
        inHand.set(worker, (inHand.get(worker) ?? 0) + 1);
        worker.postMessage({ kind: 'units', units: [index] } satisfies ToWorker);
      }
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(start, { workerData: input, execArgv: [] });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        switch (message.kind) {
          case 'ready':
            feed(worker, 2);
            if (++booted === count) markReady();
            break;
          case 'results':
            for (const r of message.results) finish(r.index, r.rows, true, r.trace);
            inHand.set(worker, (inHand.get(worker) ?? 0) - message.results.length);
            feed(worker, 1);
            break;
          case 'finished':
            message.latency.forEach((data, i) => latency[i]?.merge(data));
            if (++finished === count) resolve();
            break;
          case 'failed':
            fail(message.user === true ? new UserError(message.message) : new Error(`worker failed: ${message.message}`));
            break;
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !stopped && finished < count) fail(new Error(`worker exited with code ${code}`));
      });
    }
  });
  // A helper that fails before it is ready must not leave anyone waiting for it; the failure
  // itself reaches whoever awaits `done`.
  done.catch(() => markReady());
  return { ready, done, stop };
}
