import { availableParallelism } from 'node:os';
import type { ResolvedEngine } from '../engines/load.ts';
import { isServedHere, isUserModule, parseRemoteSpec } from '../engines/spec.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import { DEFAULT_CONCURRENCY, startHelpers, UnitQueue, type Helpers } from './helpers.ts';
import { LatencyHistogram } from './latency.ts';
import { runUnit, type RunConfig, type Unit } from './run.ts';
import { traceText } from '../trace/observe.ts';

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

export { DEFAULT_CONCURRENCY };

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Threads when `--workers` is not given: the machine's cores, except that a run playing a
 * service on this machine (`http://127.0.0.1:8000/…`) keeps to one. The cases in flight
 * (`--concurrency`) already overlap the calls, one thread keeps up with a local service, and
 * the other cores are the service's: a second thread of the backtest would take CPU from the
 * service it waits for (measured in docs/service.md, "Load, measured").
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
/** Longest stretch of units run here without letting the event loop turn. */
const YIELD_MS = 50;

/**
 * Runs the units over up to `workers` threads: this thread, and `workers − 1` helper
 * threads. This thread starts at once; after a short probe it estimates the work left, and
 * only when that is worth a helper's start-up (a fresh isolate, its modules, its cold JIT:
 * docs/performance.md, "Threads") do the helpers start. Each thread then takes
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
  let yielded = began;
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
      if (starting !== null || performance.now() - yielded >= YIELD_MS) {
        // Also now and then on one thread: a signal's handler (which removes the run's
        // temporary files) runs only when the event loop turns.
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
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

