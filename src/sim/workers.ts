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
}

export type ToWorker = { readonly kind: 'units'; readonly units: readonly number[] } | { readonly kind: 'finish' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'results'; readonly results: readonly { index: number; rows: CaseRow[] }[] }
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
}

export interface UnitsResult {
  /** Rows of unit i at index i, whatever order the work finished in. */
  readonly rowsByUnit: readonly (readonly CaseRow[])[];
  readonly latency: readonly LatencyHistogram[];
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs the units over `workers` threads: this thread and `workers − 1` worker threads,
 * each taking the next unit when it is free. The main thread starts at once while the
 * others boot, so a short run is not slowed by threads that arrive too late to help.
 * Each unit's rows land at the unit's index, so the result does not depend on who ran what.
 */
export async function runUnits(options: RunUnitsOptions): Promise<UnitsResult> {
  const total = options.units.length;
  const threads = Math.max(0, Math.min(options.workers, total) - 1);
  const rowsByUnit: (readonly CaseRow[])[] = new Array(total);
  const latency = options.engines.map(() => new LatencyHistogram());
  const timing = options.now === undefined ? undefined : { now: options.now, latency };
  const queue = { next: 0, done: 0 };
  const take = (): number | null => (queue.next < total ? queue.next++ : null);
  const finish = (index: number, rows: readonly CaseRow[]): void => {
    rowsByUnit[index] = rows;
    queue.done++;
    options.onProgress?.(queue.done, total);
  };

  const helpers = threads === 0 ? null : await startHelpers(options, threads, take, finish, latency);
  try {
    for (let index = take(); index !== null; index = take()) {
      const unit = options.units[index] as Unit;
      finish(index, runUnit(options.scenario, options.engines, options.config, unit, timing));
      // Let the helpers' messages in between units.
      if (helpers !== null) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await helpers?.done;
  } finally {
    helpers?.stop();
  }
  return { rowsByUnit, latency };
}

interface Helpers {
  /** Settles when every helper has returned its last results and its latencies. */
  readonly done: Promise<void>;
  stop(): void;
}

async function startHelpers(
  options: RunUnitsOptions,
  count: number,
  take: () => number | null,
  finish: (index: number, rows: readonly CaseRow[]) => void,
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
  };
  const start = bundle?.entry ?? new URL('./worker-boot.mjs', import.meta.url);
  const workers: Worker[] = [];
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const w of workers) void w.terminate();
    bundle?.dispose();
  };

  const done = new Promise<void>((resolve, reject) => {
    let finished = 0;
    const fail = (error: Error): void => {
      stop();
      reject(error);
    };
    const feed = (worker: Worker): void => {
      const index = take();
      worker.postMessage((index === null ? { kind: 'finish' } : { kind: 'units', units: [index] }) satisfies ToWorker);
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(start, { workerData: input, execArgv: [] });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        switch (message.kind) {
          case 'ready':
            feed(worker);
            break;
          case 'results':
            for (const r of message.results) finish(r.index, r.rows);
            feed(worker);
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
  // A rejection is observed by whoever awaits `done`; keep it from being reported as unhandled meanwhile.
  done.catch(() => {});
  return { done, stop };
}
