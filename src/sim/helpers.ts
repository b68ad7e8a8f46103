import type { Worker } from 'node:worker_threads';
import { UserError } from '../errors.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engines/call.ts';
import { isUserModule, type EngineSpec } from '../engines/spec.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import { bundleEngineModule } from '../engines/module-bundle.ts';
import { guardBuffer, runningCall } from './guard.ts';
import type { LatencyData, LatencyHistogram } from './latency.ts';
import type { StopAt } from './play.ts';
import { stopKey, type RunConfig, type Unit } from './run.ts';
import { threadStart, ThreadPool } from './threads.ts';
import type { RunUnitsOptions } from './workers.ts';

/** The backtest's helper threads: what they are told and answer, the units they share, and their start. */

/** Units awaiting an asynchronous engine at once, per thread, unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 32;

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

/** The units left to play: in order, with those of a stopped thread put back first. */
export class UnitQueue {
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

export interface Helpers {
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

export async function startHelpers(
  options: RunUnitsOptions,
  count: number,
  queue: UnitQueue,
  finish: (index: number, rows: readonly CaseRow[], byHelper: boolean, trace?: string) => void,
  latency: readonly LatencyHistogram[],
  guarded: boolean,
): Promise<Helpers> {
  const modulePaths = options.engines.filter((e) => isUserModule(e.spec.ref)).map((e) => e.spec.ref);
  // Each thread imports the main thread's bundle of a user's module (engines/module-bundle.ts).
  const bundled = new Map<string, string>();
  for (const file of modulePaths) {
    try {
      bundled.set(file, await bundleEngineModule(file));
    } catch {
      // An engine module that does not compile: each thread says so when it loads it.
    }
  }
  const { start, entry } = threadStart('simulation');
  const input: Omit<WorkerInput, 'guard'> = {
    entry,
    scenario: options.scenario,
    engines: options.engines.map((e) => ({
      spec: { ...e.spec, ref: bundled.get(e.spec.ref) ?? e.spec.ref },
      label: e.label,
    })),
    cwd: process.cwd(),
    config: options.config,
    units: options.units,
    measure: options.now !== undefined,
    trace: options.onTrace !== undefined,
  };
  const timeoutMs = options.config.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  // Units awaiting an asynchronous engine may be many per thread; synchronous ones need one
  // in hand and one queued, so a thread never sits idle while this one answers.
  const slots = Math.max(2, options.concurrency ?? DEFAULT_CONCURRENCY);
  let watchdogStops = 0;
  let live = 0;
  interface Thread {
    readonly inHand: Set<number>;
    readonly buffer: SharedArrayBuffer | null;
  }
  const pool: ThreadPool<Thread> = new ThreadPool<Thread>({
    timeoutMs,
    elapsed: (state, now) => (state.buffer === null ? null : (runningCall(state.buffer, now)?.elapsedMs ?? null)),
    onStuck: (worker) =>
      replace(worker, (call, caseId, engine) =>
        call < 0
          ? `${describeEngine(options, engine)} could not be created for ${caseId}: no engine within ${timeoutMs} ms (its thread was stopped)`
          : `no decision within ${timeoutMs} ms at ${caseId}_${call} (its thread was stopped)`,
      ),
  });
  const stop = (): void => pool.stop();
  /**
   * A thread that hung in a call, or ended in one, is replaced: the unit it was playing is
   * played again with that engine stopped at that call, and its other units go back first.
   */
  let replace: (worker: Worker, fault: (call: number, caseId: string, engine: number) => string) => boolean = () => false;

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
      const state = pool.state(worker);
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
    replace = (worker, fault) => {
      const state = pool.state(worker);
      if (state === undefined || state.buffer === null) return false;
      const running = runningCall(state.buffer, performance.timeOrigin + performance.now());
      if (running === null) return false;
      const unit = options.units[running.unit];
      const theCase = options.scenario.cases[running.caseIndex];
      if (unit === undefined || theCase === undefined) return false;
      const stopsOfUnit = queue.stops.get(running.unit) ?? new Map<string, StopAt>();
      stopsOfUnit.set(stopKey(running.engine, running.caseIndex), { call: running.call, fault: fault(running.call, theCase.id, running.engine) });
      queue.stops.set(running.unit, stopsOfUnit);
      pool.drop(worker, true);
      live--;
      watchdogStops++;
      for (const index of state.inHand) queue.putBack(index);
      spawn();
      return true;
    };
    const spawn = (): void => {
      if (pool.stopped) return;
      const buffer = guarded ? guardBuffer() : null;
      const worker = pool.spawn(start, { ...input, guard: buffer } satisfies WorkerInput, { inHand: new Set(), buffer }, guarded);
      live++;
      worker.on('message', (message: FromWorker) => {
        const state = pool.state(worker);
        if (state === undefined) return;
        switch (message.kind) {
          case 'ready':
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
            pool.drop(worker);
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
        if (pool.state(worker) === undefined) return;
        if (replace(worker, (call, caseId) => `crashed its thread at ${caseId}_${call}: ${error.name}: ${error.message}`)) return;
        fail(error);
      });
      worker.on('exit', (code) => {
        if (pool.stopped || pool.state(worker) === undefined) return;
        if (replace(worker, (call, caseId) => `ended its thread at ${caseId}_${call} (exit code ${code})`)) return;
        fail(new Error(`worker exited with code ${code} outside any engine call`));
      });
    };
    for (let w = 0; w < count; w++) spawn();
  });
  // A helper that fails before it is ready must not leave anyone waiting for it; the failure
  // itself reaches whoever awaits `done`.
  done.catch(() => markReady());
  return { ready, done, stop, started: () => pool.started, stopped: () => watchdogStops };
}
