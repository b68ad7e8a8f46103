import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { isServedHere, isUserModule, parseRemoteSpec, type EngineSpec } from '../engines/spec.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import { bundleWorker, WORKER_SOURCE, WORKER_START, type WorkerBundle } from './bundle.ts';
import { guardBuffer, runningCall } from './guard.ts';
import { LatencyHistogram, type LatencyData } from './latency.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS, type StopAt } from './play.ts';
import { runUnit, stopKey, type RunConfig, type Unit } from './run.ts';
import { traceText } from '../trace/observe.ts';

export interface WorkerInput {
  /** Run from the sources: the TypeScript entry that worker-boot.mjs imports. */
  readonly entry: string;
  readonly scenario: Scenario;
  /** Specs to resolve in the worker (module paths pointing at loadable files), with the labels the main thread gave them. */
  readonly engines: readonly { readonly spec: EngineSpec; readonly label: string }[];
  readonly cwd: string;
  readonly config: RunConfig;
  readonly units: readonly Unit[];
  readonly measure: boolean;
  /** Shared memory the thread tells its watchdog through; `null` when not guarded. */
  readonly guard: SharedArrayBuffer | null;
  /** Collect each unit's request trace and send it with its rows. */
  readonly trace?: boolean;
}

export type ToWorker =
  | { readonly kind: 'unit'; readonly index: number; readonly stops: readonly (readonly [string, StopAt])[] }
  | { readonly kind: 'finish' };

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
  /** Units awaiting an asynchronous engine at once, per thread (default 32). */
  readonly concurrency?: number | undefined;
  /** Receives each unit's trace lines (`backtest --trace`), by unit index, in the order units finish. */
  readonly onTrace?: ((index: number, text: string) => void) | undefined;
}

export interface UnitsResult {
  /** Rows of unit i at index i, whatever order the work finished in. */
  readonly rowsByUnit: readonly (readonly CaseRow[])[];
  readonly latency: readonly LatencyHistogram[];
  /** Units played by helper threads (the rest by this one). */
  readonly helperUnits: number;
  /** Helper threads that were started (replacements of stopped ones included). */
  readonly helperThreads: number;
  /** Engine calls that hung or ended their thread, stopped by the watchdog and replayed as faults. */
  readonly stopped: number;
}

export const DEFAULT_CONCURRENCY = 32;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Threads when `--workers` is not given: the machine's cores, except that a run playing a
 * service on this machine (`http://127.0.0.1:8000/…`) keeps to one. The cases in flight
 * (`--concurrency`) already overlap the calls, one thread keeps up with a local service, and
 * the other cores are the service's: a second thread of the backtest would take CPU from the
 * service it waits for (cold_start -r 5 against a fresh `serve` of exp: 3 560 to 3 875
 * calls/s with two threads, 4 734 to 4 973 with one, fresh servers measured in turn).
 */
export function defaultWorkersFor(engines: readonly string[], cores: number = defaultWorkers()): number {
  const local = engines.some((text) => {
    const remote = parseRemoteSpec(text);
    return remote !== null && isServedHere(remote.url);
  });
  return local ? 1 : cores;
}

/**
 * Engines from users' modules run only in helper threads, under a watchdog: an engine stuck
 * in a synchronous loop (or ending its thread) cannot be stopped from inside its thread.
 * pacebench's own engines, and remote ones, keep the faster path through this thread.
 */
export function needsGuard(engines: readonly ResolvedEngine[]): boolean {
  return engines.some((e) => isUserModule(e.spec.ref));
}

/** Start-up a helper thread must repay: below this much remaining work, it would only slow the run. */
const HELPER_WORTH_MS = 500;
/**
 * This thread works alone for this long before judging how much work is left, from the
 * pace of its second half only: the first units run cold, before the JIT has warmed up.
 */
const PROBE_MS = 250;

/** The units left to play: in order, with those of a stopped thread put back first. */
class UnitQueue {
  private next = 0;
  private readonly again: number[] = [];
  /** Engines to stop at a given call when a unit is replayed, by unit. */
  readonly stops = new Map<number, Map<string, StopAt>>();

  constructor(readonly total: number) {}

  take(): number | null {
    const back = this.again.shift();
    if (back !== undefined) return back;
    return this.next < this.total ? this.next++ : null;
  }

  putBack(index: number): void {
    this.again.push(index);
  }

  get left(): number {
    return this.total - this.next + this.again.length;
  }

  stopsOf(index: number): [string, StopAt][] {
    return [...(this.stops.get(index) ?? new Map<string, StopAt>()).entries()];
  }
}

/**
 * Runs the units over up to `workers` threads: this thread, and `workers − 1` helper
 * threads. This thread starts at once; after a short probe it estimates the work left, and
 * only when that is worth a helper's start-up (about 150 ms of a core on a 2-core machine:
 * a fresh isolate, its modules, its cold JIT) do the helpers start. Each thread then takes
 * the next unit when free. Each unit's rows land at the unit's index, so the result does
 * not depend on how many threads ran or who ran what. With engines from users' modules,
 * every unit runs in a guarded helper thread instead (`needsGuard`).
 */
export async function runUnits(options: RunUnitsOptions): Promise<UnitsResult> {
  const total = options.units.length;
  const rowsByUnit: (readonly CaseRow[])[] = new Array(total);
  const latency = options.engines.map(() => new LatencyHistogram());
  const queue = new UnitQueue(total);
  const counts = { done: 0, byHelpers: 0 };
  const finish = (index: number, rows: readonly CaseRow[], byHelper = false, trace?: string): void => {
    rowsByUnit[index] = rows;
    if (trace !== undefined) options.onTrace?.(index, trace);
    counts.done++;
    if (byHelper) counts.byHelpers++;
    options.onProgress?.(counts.done, total);
  };

  if (needsGuard(options.engines)) {
    const threads = Math.max(1, Math.min(options.workers, total));
    const helpers = total === 0 ? null : await startHelpers(options, threads, queue, finish, latency, true);
    try {
      await helpers?.done;
    } finally {
      helpers?.stop();
    }
    return { rowsByUnit, latency, helperUnits: counts.byHelpers, helperThreads: helpers?.started() ?? 0, stopped: helpers?.stopped() ?? 0 };
  }

  const threads = Math.max(0, Math.min(options.workers, total) - 1);
  const timing = options.now === undefined ? undefined : { now: options.now, latency };
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  let starting: Promise<Helpers> | null = null;
  if (options.helpers === 'at-once' && threads > 0) {
    starting = startHelpers(options, threads, queue, finish, latency, false);
    await (await starting).ready;
  }
  const began = performance.now();
  let ranHere = 0;
  // Units run and time taken at the probe's midpoint: the pace is judged from there on.
  let halfway: { at: number; ran: number } | null = null;
  const inFlight = new Set<Promise<void>>();
  try {
    for (let index = queue.take(); index !== null; index = queue.take()) {
      const unit = options.units[index] as Unit;
      const trace = options.onTrace === undefined ? undefined : [];
      const rows = runUnit(options.scenario, options.engines, options.config, unit, { timing, trace });
      const text = (): string | undefined => (trace === undefined ? undefined : traceText(trace));
      if (rows instanceof Promise) {
        const unitIndex = index;
        const settled: Promise<void> = rows.then((r) => {
          inFlight.delete(settled);
          finish(unitIndex, r, false, text());
        });
        inFlight.add(settled);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      } else {
        finish(index, rows, false, text());
      }
      ranHere++;
      if (threads > 0 && starting === null) {
        const elapsed = performance.now() - began;
        if (halfway === null && elapsed >= PROBE_MS / 2) halfway = { at: elapsed, ran: ranHere };
        if (halfway !== null && elapsed >= PROBE_MS) {
          // A unit long enough to span the whole probe is judged by its own pace.
          const since = ranHere - halfway.ran;
          const pace = since > 0 ? (elapsed - halfway.at) / since : elapsed / ranHere;
          if (pace * queue.left >= HELPER_WORTH_MS) starting = startHelpers(options, threads, queue, finish, latency, false);
        }
      }
      // Let the helpers' messages (and their start-up) in between units.
      if (starting !== null) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(inFlight);
    if (starting !== null) await (await starting).done;
  } finally {
    // Stop the helpers whether the run ended or failed; a failed start has nothing to stop.
    await starting?.then(
      (h) => h.stop(),
      () => {},
    );
  }
  const helpers = starting === null ? null : await starting.catch(() => null);
  return { rowsByUnit, latency, helperUnits: counts.byHelpers, helperThreads: helpers?.started() ?? 0, stopped: 0 };
}

interface Helpers {
  /** Settles when every helper has booted and been given its first units. */
  readonly ready: Promise<void>;
  /** Settles when every helper has returned its last results and its latencies. */
  readonly done: Promise<void>;
  stop(): void;
  started(): number;
  stopped(): number;
}

function describeEngine(options: RunUnitsOptions, index: number): string {
  return options.engines[index]?.label ?? `engine ${index}`;
}

async function startHelpers(
  options: RunUnitsOptions,
  count: number,
  queue: UnitQueue,
  finish: (index: number, rows: readonly CaseRow[], byHelper: boolean, trace?: string) => void,
  latency: readonly LatencyHistogram[],
  guarded: boolean,
): Promise<Helpers> {
  const modulePaths = options.engines.filter((e) => isUserModule(e.spec.ref)).map((e) => e.spec.ref);
  let bundle: WorkerBundle | null = null;
  try {
    bundle = await bundleWorker(modulePaths);
  } catch {
    // An engine module that does not compile: each thread says so when it loads it.
    bundle = null;
  }
  const input: Omit<WorkerInput, 'guard'> = {
    entry: WORKER_SOURCE,
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
  const start = bundle?.entry ?? WORKER_START;
  const timeoutMs = options.config.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  // Units awaiting an asynchronous engine may be many per thread; synchronous ones need one
  // in hand and one queued, so a thread never sits idle while this one answers.
  const slots = Math.max(2, options.concurrency ?? DEFAULT_CONCURRENCY);
  let stopped = false;
  let started = 0;
  let watchdogStops = 0;
  let live = 0;
  const threads = new Map<Worker, { inHand: Set<number>; buffer: SharedArrayBuffer | null; booted: boolean }>();
  let watchdog: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (watchdog !== null) clearInterval(watchdog);
    for (const w of threads.keys()) void w.terminate();
  };

  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let booted = 0;
  const done = new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      stop();
      reject(error);
    };
    const feed = (worker: Worker, n: number): void => {
      const state = threads.get(worker);
      if (state === undefined) return;
      for (let k = 0; k < n; k++) {
        const index = queue.take();
        if (index === null) {
          if (state.inHand.size === 0) worker.postMessage({ kind: 'finish' } satisfies ToWorker);
          return;
        }
        state.inHand.add(index);
        worker.postMessage({ kind: 'unit', index, stops: queue.stopsOf(index) } satisfies ToWorker);
      }
    };
    /**
     * A thread that hung in a call, or ended in one, is replaced: the unit it was playing is
     * played again with that engine stopped at that call, and its other units go back first.
     */
    const replace = (worker: Worker, fault: (call: number, caseId: string) => string): boolean => {
      const state = threads.get(worker);
      if (state === undefined || state.buffer === null) return false;
      const running = runningCall(state.buffer, performance.timeOrigin + performance.now());
      if (running === null) return false;
      const unit = options.units[running.unit];
      const theCase = options.scenario.cases[running.caseIndex];
      if (unit === undefined || theCase === undefined) return false;
      const stopsOfUnit = queue.stops.get(running.unit) ?? new Map<string, StopAt>();
      stopsOfUnit.set(stopKey(running.engine, running.caseIndex), { call: running.call, fault: fault(running.call, theCase.id) });
      queue.stops.set(running.unit, stopsOfUnit);
      threads.delete(worker);
      live--;
      watchdogStops++;
      void worker.terminate();
      for (const index of state.inHand) queue.putBack(index);
      spawn();
      return true;
    };
    const check = (): void => {
      const now = performance.timeOrigin + performance.now();
      for (const [worker, state] of threads) {
        if (state.buffer === null) continue;
        const running = runningCall(state.buffer, now);
        if (running !== null && running.elapsedMs > timeoutMs) {
          replace(worker, (call, caseId) =>
            call < 0
              ? `${describeEngine(options, running.engine)} could not be created for ${caseId}: no engine within ${timeoutMs} ms (its thread was stopped)`
              : `no decision within ${timeoutMs} ms at ${caseId}_${call} (its thread was stopped)`,
          );
        }
      }
    };
    const spawn = (): void => {
      if (stopped) return;
      const buffer = guarded ? guardBuffer() : null;
      const worker = new Worker(start, { workerData: { ...input, guard: buffer } satisfies WorkerInput, execArgv: [] });
      threads.set(worker, { inHand: new Set(), buffer, booted: false });
      started++;
      live++;
      worker.on('message', (message: FromWorker) => {
        const state = threads.get(worker);
        if (state === undefined) return;
        switch (message.kind) {
          case 'ready':
            state.booted = true;
            feed(worker, slots);
            if (++booted === count) markReady();
            break;
          case 'results':
            for (const r of message.results) {
              state.inHand.delete(r.index);
              finish(r.index, r.rows, true, r.trace);
            }
            feed(worker, message.results.length);
            break;
          case 'finished':
            message.latency.forEach((data, i) => latency[i]?.merge(data));
            threads.delete(worker);
            live--;
            if (live === 0 && queue.left === 0) {
              stop();
              resolve();
            } else if (live === 0) {
              spawn();
            }
            break;
          case 'failed':
            fail(message.user === true ? new UserError(message.message) : new Error(`worker failed: ${message.message}`));
            break;
        }
      });
      worker.on('error', (error) => {
        if (!threads.has(worker)) return;
        if (replace(worker, (call, caseId) => `crashed its thread at ${caseId}_${call}: ${error.name}: ${error.message}`)) return;
        fail(error);
      });
      worker.on('exit', (code) => {
        if (stopped || !threads.has(worker)) return;
        if (replace(worker, (call, caseId) => `ended its thread at ${caseId}_${call} (exit code ${code})`)) return;
        fail(new Error(`worker exited with code ${code} outside any engine call`));
      });
    };
    for (let w = 0; w < count; w++) spawn();
    if (guarded) watchdog = setInterval(check, Math.max(10, Math.min(250, timeoutMs / 4)));
  });
  // A helper that fails before it is ready must not leave anyone waiting for it; the failure
  // itself reaches whoever awaits `done`.
  done.catch(() => markReady());
  return { ready, done, stop, started: () => started, stopped: () => watchdogStops };
}
