import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.ts';
import type { EngineSpec } from '../engines/spec.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CaseRow } from '../score/rows.ts';
import { LatencyHistogram, type LatencyData } from './latency.ts';
import { runUnit, type RunConfig, type Unit } from './run.ts';

export interface WorkerInput {
  readonly entry: string;
  readonly scenario: Scenario;
  readonly engines: readonly EngineSpec[];
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
  /** Threads; 1 runs in this thread, without the start-up cost of a worker. */
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

export async function runUnits(options: RunUnitsOptions): Promise<UnitsResult> {
  const { units } = options;
  const workers = Math.max(1, Math.min(options.workers, units.length));
  if (workers === 1) return runHere(options);
  return runInWorkers(options, workers);
}

function runHere(options: RunUnitsOptions): UnitsResult {
  const latency = options.engines.map(() => new LatencyHistogram());
  const timing = options.now === undefined ? undefined : { now: options.now, latency };
  const rowsByUnit: CaseRow[][] = [];
  options.units.forEach((unit, i) => {
    rowsByUnit.push(runUnit(options.scenario, options.engines, options.config, unit, timing));
    options.onProgress?.(i + 1, options.units.length);
  });
  return { rowsByUnit, latency };
}

async function runInWorkers(options: RunUnitsOptions, workers: number): Promise<UnitsResult> {
  const { units } = options;
  const total = units.length;
  // Small chunks keep both threads busy to the end; not so small that messaging dominates.
  const chunk = Math.max(1, Math.min(32, Math.floor(total / (workers * 16))));
  const rowsByUnit: (readonly CaseRow[])[] = new Array(total);
  const latency = options.engines.map(() => new LatencyHistogram());
  let next = 0;
  let done = 0;
  const input: Omit<WorkerInput, 'entry'> = {
    scenario: options.scenario,
    engines: options.engines.map((e) => e.spec),
    cwd: process.cwd(),
    config: options.config,
    units,
    measure: options.now !== undefined,
  };
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = new URL('./worker-boot.mjs', import.meta.url);

  await new Promise<void>((resolve, reject) => {
    const threads: Worker[] = [];
    let finished = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      for (const t of threads) void t.terminate();
      reject(error);
    };
    const feed = (worker: Worker): void => {
      if (next >= total) {
        worker.postMessage({ kind: 'finish' } satisfies ToWorker);
        return;
      }
      const batch: number[] = [];
      for (let k = 0; k < chunk && next < total; k++) batch.push(next++);
      worker.postMessage({ kind: 'units', units: batch } satisfies ToWorker);
    };
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(boot, { workerData: { ...input, entry } satisfies WorkerInput, execArgv: [] });
      threads.push(worker);
      worker.on('message', (message: FromWorker) => {
        switch (message.kind) {
          case 'ready':
            feed(worker);
            break;
          case 'results':
            for (const r of message.results) rowsByUnit[r.index] = r.rows;
            done += message.results.length;
            options.onProgress?.(done, total);
            feed(worker);
            break;
          case 'finished':
            message.latency.forEach((data, i) => latency[i]?.merge(data));
            finished++;
            if (finished === workers) resolve();
            break;
          case 'failed':
            fail(message.user === true ? new UserError(message.message) : new Error(`worker failed: ${message.message}`));
            break;
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !failed && finished < workers) fail(new Error(`worker exited with code ${code}`));
      });
    }
  });
  return { rowsByUnit, latency };
}
