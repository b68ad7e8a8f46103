/** The shape of `npm run bench -- --json FILE`, and how a tinybench task becomes one entry. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Task } from 'tinybench';
import type { ParallelCeiling } from './ceiling.ts';
import type { ServeBreakdown, ServeControl, ServeResult } from './serve.ts';

export type BenchResult =
  | {
      readonly name: string;
      readonly state: 'completed';
      readonly mean_ns: number;
      readonly p50_ns: number;
      readonly p99_ns: number;
      readonly ops_per_s: number;
      readonly samples: number;
      /** Relative margin of error of the mean, in percent (95 %). */
      readonly rme: number;
    }
  | { readonly name: string; readonly state: 'errored'; readonly error: string };

export interface ThroughputResult {
  readonly scenario: string;
  /** Which engines ran: `all` or `cheap` (exp, exp-decay, nbinomial, all-at-once). */
  readonly engines: string;
  readonly workers: number;
  readonly replicates: number;
  /** Per second of simulation: worker start-up included, the summary not. */
  readonly cases_per_s: number;
  readonly calls_per_s: number;
  /** Simulation only, median of the repetitions. */
  readonly simulation_s: number;
  /** The run itself (simulation and summary, from timings.json), median of the repetitions. */
  readonly wall_s: number;
  /** The whole `pacebench backtest` process, start-up included, median of the repetitions. */
  readonly process_wall_s: number;
  readonly repetitions: number;
  /** Relative margin of error of `wall_s`, in percent; `null` for a single repetition. */
  readonly rme: number | null;
}

export interface BenchReport {
  readonly node: string;
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly platform: string; readonly memory_gb: number };
  readonly quick: boolean;
  readonly results: readonly BenchResult[];
  readonly throughput: readonly ThroughputResult[];
  /** How much a second thread can add on this machine; `null` when filtered out. */
  readonly parallel_ceiling: ParallelCeiling | null;
  /** `pacebench serve` under autocannon; absent from quick runs and older files. */
  readonly serve?: readonly ServeResult[];
  /** Where a served request's time goes: JSON parsing, validation, the engine. */
  readonly serve_breakdown?: readonly ServeBreakdown[];
  /** The loopback echo control of the service's runs (bench/serve.ts). */
  readonly serve_control?: ServeControl | null;
}

const ns = (ms: number): number => Math.round(ms * 1e6 * 10) / 10;

export function fromTask(task: Task): BenchResult {
  const r = task.result;
  if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
    return {
      name: task.name,
      state: 'completed',
      mean_ns: ns(r.latency.mean),
      p50_ns: ns(r.latency.p50),
      p99_ns: ns(r.latency.p99),
      ops_per_s: Math.round(r.latency.mean > 0 ? 1000 / r.latency.mean : 0),
      samples: r.latency.samplesCount,
      rme: Math.round(r.latency.rme * 100) / 100,
    };
  }
  if (r.state === 'errored') return { name: task.name, state: 'errored', error: r.error.message };
  return { name: task.name, state: 'errored', error: `task ended ${r.state}` };
}

/** Writes a bench's results as JSON, whole or not at all (written beside and renamed), and says where. */
export function writeResults(file: string, results: unknown): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temp, file);
  process.stderr.write(`results written to ${file}\n`);
}
