import type { LatencyHistogram } from '../sim/latency.ts';

export interface EngineTiming {
  readonly engine: string;
  readonly decisions: number;
  readonly mean_us: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly max_us: number;
}

/** `timings.json`: wall-clock figures, which vary run to run and so live apart from the results. */
export interface Timings {
  readonly scenario: string;
  readonly node: string;
  readonly date: string;
  /** Threads allowed (`--workers`). */
  readonly workers: number;
  /** Helper threads actually started: only when the work left was worth their start-up. */
  readonly helper_threads: number;
  /** Units of work (cases, or replicates with carried state) the helpers played. */
  readonly helper_units: number;
  /** Simulation and scoring of every case, worker start-up included. */
  readonly simulation_s: number;
  /** The summary after it: bootstrap intervals, win rates. */
  readonly summary_s: number;
  /** Both; process start-up and writing the files are not counted. */
  readonly wall_s: number;
  /** (replicate, case) pairs played. */
  readonly cases: number;
  /** Engine calls, all engines together. */
  readonly calls: number;
  /** Per second of simulation. */
  readonly cases_per_s: number;
  readonly calls_per_s: number;
  readonly engines: readonly EngineTiming[];
  readonly note: string;
}

const us = (ns: number): number => Math.round(ns / 10) / 100;

export function buildTimings(input: {
  scenario: string;
  node: string;
  date: string;
  workers: number;
  helperThreads: number;
  helperUnits: number;
  wallMs: number;
  simulationMs: number;
  cases: number;
  calls: number;
  engines: readonly string[];
  latency: readonly LatencyHistogram[];
}): Timings {
  const seconds = input.simulationMs / 1000;
  const s3 = (ms: number): number => Math.round(ms) / 1000;
  return {
    scenario: input.scenario,
    node: input.node,
    date: input.date,
    workers: input.workers,
    helper_threads: input.helperThreads,
    helper_units: input.helperUnits,
    simulation_s: s3(input.simulationMs),
    summary_s: s3(input.wallMs - input.simulationMs),
    wall_s: s3(input.wallMs),
    cases: input.cases,
    calls: input.calls,
    cases_per_s: seconds > 0 ? Math.round(input.cases / seconds) : 0,
    calls_per_s: seconds > 0 ? Math.round(input.calls / seconds) : 0,
    engines: input.engines.map((engine, i) => {
      const h = input.latency[i];
      return {
        engine,
        decisions: h?.count ?? 0,
        mean_us: h === undefined || h.count === 0 ? 0 : us(h.sumNs / h.count),
        p50_us: us(h?.quantileNs(0.5) ?? 0),
        p99_us: us(h?.quantileNs(0.99) ?? 0),
        max_us: us(h?.maxNs ?? 0),
      };
    }),
    note: 'rates are per second of simulation (worker start-up included, process start-up not); latencies are measured around each decide() call, percentiles to within about 5 %',
  };
}

export function timingsJson(t: Timings): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}
