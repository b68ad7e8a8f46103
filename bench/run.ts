/**
 * `npm run bench [-- --quick] [--json FILE] [--compare OLD.json] [--filter TEXT]`
 *
 * Measures; never asserts a time. Tables go to stdout, progress to stderr.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Bench } from 'tinybench';
import { isEntryPoint } from '../src/cli/io.ts';
import { measureParallelCeiling, type ParallelCeiling } from './ceiling.ts';
import { compareReports, isBenchReport, type Change } from './compare.ts';
import { fromTask, writeResults, type BenchReport, type BenchResult, type ThroughputResult } from './results.ts';
import { measureServe, SERVE_CONNECTIONS, type ServeBreakdown, type ServeControl, type ServeResult } from './serve.ts';
import { blackhole, decideSuite, harnessSuite, hotLoopSuite, type SuiteOptions } from './suites.ts';
import { THROUGHPUT_CASES, measureThroughput } from './throughput.ts';

interface Args {
  readonly quick: boolean;
  readonly json?: string | undefined;
  readonly compare?: string | undefined;
  readonly filter?: string | undefined;
}

export async function parseBenchArgs(argv: readonly string[]): Promise<Args> {
  const a = await yargs([...argv])
    .scriptName('npm run bench --')
    .option('quick', { type: 'boolean', default: false, describe: 'a short smoke run for CI (its time: docs/performance.md)' })
    .option('json', { type: 'string', describe: 'also write the results as JSON to FILE' })
    .option('compare', { type: 'string', describe: 'compare with a saved --json run; marks only changes beyond both margins of error' })
    .option('filter', { type: 'string', describe: 'run only benchmarks whose name contains TEXT (throughput: the scenario name)' })
    .strict()
    .help()
    .parseAsync();
  return { quick: a.quick, json: a.json, compare: a.compare, filter: a.filter };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

const time = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

export function resultsTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'mean', 'p50', 'p99', 'ops/s', '± %', 'samples']];
  for (const r of results) {
    if (r.state === 'errored') rows.push([r.name, `errored: ${r.error}`, '', '', '', '', '']);
    else rows.push([r.name, time(r.mean_ns), time(r.p50_ns), time(r.p99_ns), r.ops_per_s.toLocaleString('en-US'), r.rme.toFixed(2), String(r.samples)]);
  }
  return table(rows);
}

export function serveTable(results: readonly ServeResult[]): string {
  const rows: string[][] = [['service', 'body', 'connections', 'requests/s', 'p50', 'p99', 'max', 'errors', 'server CPU/request']];
  for (const r of results) {
    const kb = r.body_bytes >= 10_000 ? `${Math.round(r.body_bytes / 1000)} kB` : `${r.body_bytes} B`;
    rows.push([r.name, kb, String(r.connections), r.requests_per_s.toLocaleString('en-US'), `${r.p50_ms} ms`, `${r.p99_ms} ms`, `${r.max_ms} ms`, String(r.errors + r.non_2xx), r.server_cpu_us === null ? '–' : `${r.server_cpu_us} µs`]);
  }
  return table(rows);
}

export function throughputTable(results: readonly ThroughputResult[]): string {
  const rows: string[][] = [['backtest', 'engines', 'replicates', 'workers', 'simulation', 'cases/s', 'calls/s', 'run', '± %', 'process']];
  for (const t of results) {
    rows.push([
      t.scenario,
      t.engines,
      String(t.replicates),
      String(t.workers),
      `${t.simulation_s.toFixed(3)} s`,
      t.cases_per_s.toLocaleString('en-US'),
      t.calls_per_s.toLocaleString('en-US'),
      `${t.wall_s.toFixed(3)} s`,
      t.rme === null ? '–' : t.rme.toFixed(1),
      `${t.process_wall_s.toFixed(2)} s`,
    ]);
  }
  return table(rows);
}

function changeTable(changes: readonly Change[], unit: (x: number) => string): string {
  const rows: string[][] = [['benchmark', 'old', 'new', 'change', '']];
  for (const c of changes) {
    const mark = c.verdict === 'slower' ? '▲ slower' : c.verdict === 'faster' ? '▼ faster' : '';
    rows.push([c.name, unit(c.old), unit(c.new), `${c.change_pct > 0 ? '+' : ''}${c.change_pct.toFixed(1)} %`, mark]);
  }
  return table(rows);
}

async function runSuite(suite: Bench, filter: string | undefined): Promise<BenchResult[]> {
  if (filter !== undefined) {
    for (const task of [...suite.tasks]) if (!task.name.includes(filter)) suite.remove(task.name);
  }
  if (suite.tasks.length === 0) return [];
  process.stderr.write(`running ${suite.name} (${suite.tasks.length} benchmarks)…\n`);
  await suite.run();
  return suite.tasks.map(fromTask);
}

export async function runBench(args: Args): Promise<BenchReport> {
  const options: SuiteOptions = args.quick ? { time: 40, warmupTime: 10 } : { time: 1000, warmupTime: 200 };
  const results: BenchResult[] = [];
  for (const suite of [decideSuite(options), hotLoopSuite(options), harnessSuite(options)]) {
    results.push(...(await runSuite(suite, args.filter)));
  }
  const throughput: ThroughputResult[] = [];
  const repetitions = args.quick ? 1 : 5;
  for (const c of THROUGHPUT_CASES) {
    if (args.filter !== undefined && !`throughput/${c.scenario}`.includes(args.filter)) continue;
    process.stderr.write(`timing ${repetitions} backtest${repetitions === 1 ? '' : 's'} of ${c.scenario} (${c.engines} engines, ${c.replicates} replicate${c.replicates === 1 ? '' : 's'}, ${c.workers} worker${c.workers === 1 ? '' : 's'})…\n`);
    throughput.push(measureThroughput(c, repetitions));
  }
  let ceiling: ParallelCeiling | null = null;
  if (args.filter === undefined || 'parallel-ceiling'.includes(args.filter)) {
    process.stderr.write('measuring the parallel ceiling (one thread, then two at once)…\n');
    ceiling = await measureParallelCeiling(args.quick ? 1 : 3);
  }
  // The HTTP service: in full runs, or when asked for by name (`--filter serve`); the quick CI
  // run stays as quick as it was.
  let serve: ServeResult[] = [];
  let serveBreakdown: ServeBreakdown[] = [];
  let serveControl: ServeControl | null = null;
  if (args.filter === undefined ? !args.quick : args.filter.startsWith('serve')) {
    process.stderr.write('measuring pacebench serve with autocannon (server and load generator share this machine)…\n');
    ({ results: serve, breakdown: serveBreakdown, control: serveControl } = await measureServe({ quick: args.quick, filter: args.filter }));
  }
  const cpus = os.cpus();
  void blackhole();
  return {
    node: process.version,
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      model: cpus[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.arch()}`,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
    },
    quick: args.quick,
    results,
    throughput,
    parallel_ceiling: ceiling,
    serve,
    serve_breakdown: serveBreakdown,
    serve_control: serveControl,
  };
}

async function main(): Promise<void> {
  const args = await parseBenchArgs(hideBin(process.argv));
  let old: BenchReport | null = null;
  if (args.compare !== undefined) {
    const parsed: unknown = JSON.parse(readFileSync(args.compare, 'utf8'));
    if (!isBenchReport(parsed)) throw new Error(`${args.compare} is not a pacebench bench --json file`);
    old = parsed;
  }
  const report = await runBench(args);
  const m = report.machine;
  process.stdout.write(`pacebench bench · node ${report.node} · ${m.cpus} × ${m.model} · ${m.memory_gb} GiB${report.quick ? ' · quick run' : ''}\n\n`);
  process.stdout.write(`${resultsTable(report.results)}\n\n${throughputTable(report.throughput)}\n`);
  if (report.serve !== undefined && report.serve.length > 0) {
    process.stdout.write(`\n${serveTable(report.serve)}\n(one server process; autocannon on the same ${m.cpus}-core machine)\n`);
    const control = report.serve_control;
    if (control !== undefined && control !== null) {
      process.stdout.write(
        `control: a raw TCP echo between two processes over loopback, ${SERVE_CONNECTIONS} connections, made ${control.loopback_echo_before.toLocaleString('en-US')} round trips/s before these runs and ${control.loopback_echo_after.toLocaleString('en-US')} after (this machine's own speed at passing messages, no pacebench code)\n`,
      );
    }
    for (const b of report.serve_breakdown ?? []) {
      const engines = Object.entries(b.engines_us).map(([e, us]) => `${e} ${us} µs`).join(', ');
      process.stdout.write(`server time per request, ${b.invited} invited, one thread: JSON parse ${b.parse_us} µs, validation ${b.validate_us} µs; engine: ${engines}\n`);
    }
  }
  const c = report.parallel_ceiling;
  if (c !== null) {
    process.stdout.write(
      `\nparallel ceiling: the simulation kernel takes ${c.one_thread_ms} ms alone, ${c.two_threads_ms.join(' and ')} ms as two threads at once: two workers can give at most ${c.ceiling}× here\n`,
    );
  }
  if (old !== null) {
    const c = compareReports(old, report);
    process.stdout.write(`\nagainst ${args.compare} (${old.date}); marked only beyond both margins of error\n\n`);
    process.stdout.write(`${changeTable(c.results, time)}\n\n${changeTable(c.throughput, (s) => `${s.toFixed(3)} s`)}\n`);
    if (c.only.length > 0) process.stdout.write(`\nin one run only: ${c.only.join(', ')}\n`);
  }
  if (args.json !== undefined) {
    writeResults(args.json, report);
  }
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
