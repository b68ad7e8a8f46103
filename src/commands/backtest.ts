import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { UserError } from '../errors.ts';
import { resolveEngines, type ResolvedEngine } from '../engines/load.ts';
import { DEFAULT_BASELINE, ENGINE_NAMES, INFORMED } from '../engines/registry.ts';
import { checkRemotes, closeRemotes } from '../engines/remotes.ts';
import { isRemoteSpec, parseEngineList, splitEngineList } from '../engines/spec.ts';
import type { ChartRenderer } from '../report/charts-loader.ts';
import { factsOf, type RunRecord } from '../report/run.ts';
import { buildTimings, timingsJson } from '../report/timings.ts';
import { checkReportTarget, reportFolderFiles, writeReportFolder } from '../report/folder.ts';
import { REPORT_MARKER } from '../report/write.ts';
import { TraceFileWriter, traceTargetProblem } from '../trace/write.ts';
import { readScenario, reportFolderName, scenarioTitle } from '../scenario/read.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Money } from '../scenario/money.ts';
import type { CaseRow } from '../score/rows.ts';
import { faultWarnings } from '../report/faults.ts';
import { summarize, type Summary } from '../score/summary.ts';
import { planUnits, type RunConfig } from '../sim/run.ts';
import { estimateMemory, memoryProblem, type MemoryLimits } from '../sim/memory.ts';
import { MIN_BOOTSTRAP } from '../score/summary.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engines/call.ts';
import { DEFAULT_CONCURRENCY, defaultWorkersFor, runUnits } from '../sim/workers.ts';
import { progressLine, type Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import {
  bootstrapCount,
  bootstrapOption,
  capWorkers,
  enginesOption,
  formatOption,
  htmlOption,
  integer,
  MAX_CALLS_OPTION,
  moneyOptions,
  numberText,
  readMoney,
  replicatesOption,
  seedOption,
  workersOption,
} from '../cli/options.ts';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard must be i/n with 1 <= i <= n, like 2/3; got "${text}"`);
  }
  return { index, count };
}

export interface BacktestOptions {
  readonly scenario: string;
  /** Engine specs; empty means every registered engine. */
  readonly engines: readonly string[];
  /** Also play the informed reference engine, so that the report splits regret in two. */
  readonly informed?: boolean;
  readonly baseline?: string | undefined;
  readonly seed: number;
  readonly replicates: number;
  readonly workers: number;
  readonly out?: string | undefined;
  readonly format: 'md' | 'json';
  readonly carryState: boolean;
  readonly maxCalls: number;
  readonly money: Money;
  readonly bootstrap: number;
  readonly shard?: Shard | undefined;
  /** Limit on one decision, in ms (default 10 000); an engine over it has a fault on that case. */
  readonly engineTimeoutMs?: number | undefined;
  /** Cases awaiting an asynchronous (remote) engine at once, per thread (default 32). */
  readonly concurrency?: number | undefined;
  /** What the run may use; the process's own limits unless a test says otherwise. */
  readonly memoryLimits?: MemoryLimits | undefined;
  /** Start helper threads with the run instead of when worth it (for tests of the thread path). */
  readonly helpersAtOnce?: boolean;
  /** Write timings.json (default); baselines leave it out, being kept in git. */
  readonly timings?: boolean;
  /** Print the summary on stdout (default). */
  readonly print?: boolean;
  /** Write every engine call to this JSON Lines file (docs/trace-format.md); `.gz` gzips it. */
  readonly trace?: string | undefined;
  /** Write report.html and charts/ (the command line's default; off when not asked, which keeps tests fast). */
  readonly html?: boolean;
}

export interface BacktestResult {
  readonly dir: string;
  readonly summary: Summary | null;
  readonly rows: readonly CaseRow[];
}

function chooseBaseline(requested: string | undefined, engines: readonly ResolvedEngine[]): string | null {
  const labels = engines.map((e) => e.label);
  if (requested !== undefined) {
    if (!labels.includes(requested)) {
      throw new UserError(`--baseline ${requested} is not one of the engines run (${labels.join(', ')})`);
    }
    return requested;
  }
  if (labels.includes(DEFAULT_BASELINE)) return DEFAULT_BASELINE;
  return labels[0] ?? null;
}

/** The (replicate, case) work of shard i of n: every n-th unit, so each shard gets a fair mix. */
export function shardUnits(total: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  if (shard === undefined) return all;
  return all.filter((i) => i % shard.count === shard.index - 1);
}

export function runRecord(
  scenario: Scenario,
  engines: readonly ResolvedEngine[],
  baseline: string | null,
  options: BacktestOptions,
  units: number,
): RunRecord {
  return {
    schema_version: 1,
    scenario: scenario.name,
    scenario_path: scenarioTitle(options.scenario) === scenario.name ? undefined : scenarioTitle(options.scenario),
    description: scenario.description,
    cases: scenario.cases.length,
    seed: options.seed,
    replicates: options.replicates,
    engines: engines.map((e) => e.label),
    baseline,
    params: {
      value_per_hire: options.money.valuePerHire,
      cost_per_invite: options.money.costPerInvite,
      cost_per_overbooking: options.money.costPerOverbooking,
      carry_state: options.carryState,
      max_calls: options.maxCalls,
      bootstrap: options.bootstrap,
    },
    units,
    shard: options.shard === undefined ? null : { index: options.shard.index, count: options.shard.count },
  };
}

/**
 * A default folder (no `--out`) replaces only a report of the same scenario: two scenarios
 * whose folders share a name must not silently take turns in one report folder.
 */
function checkSameScenario(given: string, dir: string, title: string): void {
  let earlier: unknown;
  try {
    const run = JSON.parse(readFileSync(path.join(dir, REPORT_MARKER), 'utf8')) as { scenario?: unknown; scenario_path?: unknown };
    earlier = run.scenario_path ?? run.scenario;
  } catch {
    return;
  }
  if (typeof earlier === 'string' && earlier !== title) {
    throw new UserError(`${given} holds the report of scenario ${earlier}, not ${title}; give --out for this one (or remove that folder)`);
  }
}

export function processMemoryLimits(): MemoryLimits {
  return { heapBytes: getHeapStatistics().heap_size_limit, machineBytes: totalmem() };
}

export async function backtest(options: BacktestOptions, io: Io): Promise<BacktestResult> {
  const began = io.now();
  // The chart renderer's threads start first: they load their libraries while the scenario
  // is read and simulated, and the charts are drawn sooner after.
  const loader = options.html === true && options.shard === undefined ? await import('../report/charts-loader.ts') : null;
  const renderer: ChartRenderer | null = loader === null ? null : loader.startRenderer(loader.renderThreads(options.workers));
  try {
    const { scenario, warnings } = readScenario(options.scenario);
    for (const w of warnings) io.stderr(`${w}\n`);
    const named = options.engines.length === 0 ? ENGINE_NAMES : options.engines;
    const specs = parseEngineList(options.informed === true && !splitEngineList(named).includes(INFORMED) ? [...named, INFORMED] : named);
    const engines = await resolveEngines(specs, io.cwd, { timeoutMs: options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS });
    try {
      return await runBacktest(options, io, began, scenario, engines, renderer);
    } finally {
      await closeRemotes(engines);
    }
  } finally {
    await renderer?.close();
  }
}

async function runBacktest(
  options: BacktestOptions,
  io: Io,
  began: number,
  scenario: Scenario,
  engines: ResolvedEngine[],
  renderer: ChartRenderer | null,
): Promise<BacktestResult> {
  const baseline = chooseBaseline(options.baseline, engines);
  const config: RunConfig = {
    seed: options.seed,
    replicates: options.replicates,
    carryState: options.carryState,
    maxCalls: options.maxCalls,
    money: options.money,
    engineTimeoutMs: options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS,
  };
  const title = scenarioTitle(options.scenario);
  const given = options.out ?? path.join('reports', reportFolderName(options.scenario));
  const dir = path.resolve(io.cwd, given);
  // Before any work: a run must not end by refusing to write, nor overwrite what it did not write.
  checkReportTarget(given, dir);
  if (options.out === undefined) checkSameScenario(given, dir, title);
  if (options.trace !== undefined) {
    const traceProblem = traceTargetProblem(options.trace, path.resolve(io.cwd, options.trace), dir);
    if (traceProblem !== null) throw new UserError(traceProblem);
  }
  // Checked from counts alone, before even the list of units is built: a million replicates
  // of 200 cases would not fit as a list either.
  const unitCount = options.carryState ? options.replicates : options.replicates * scenario.cases.length;
  const myUnits = options.shard === undefined ? unitCount : Math.ceil(unitCount / options.shard.count);
  const need = estimateMemory(scenario, engines.length, options.replicates, myUnits, options.carryState);
  // A service that cannot be reached is bad input, found before any work.
  await checkRemotes(engines, options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS);
  const tooBig = memoryProblem(need, Math.min(options.workers, Math.max(1, myUnits)), options.memoryLimits ?? processMemoryLimits(), options.replicates);
  if (tooBig !== null) throw new UserError(`scenario ${title}: ${tooBig}`);
  const allUnits = planUnits(scenario, config);
  const mine = shardUnits(allUnits.length, options.shard);
  const units = mine.map((i) => allUnits[i]).filter((u) => u !== undefined);

  const label = options.shard === undefined ? title : `${title} shard ${options.shard.index}/${options.shard.count}`;
  const progress = progressLine(io, label);
  const started = io.now();
  const traceFile = options.trace === undefined ? null : new TraceFileWriter(path.resolve(io.cwd, options.trace), units.length);
  const onProgress = (done: number, total: number): void => progress.update(done, total);

  const result = await runUnits({
    scenario,
    engines,
    config,
    units,
    workers: options.workers,
    now: io.now,
    onProgress,
    helpers: options.helpersAtOnce === true ? 'at-once' : 'when-worth-it',
    concurrency: options.concurrency,
    onTrace: traceFile === null ? undefined : (index, text) => traceFile.accept(index, text),
  }).catch((error: unknown) => {
    traceFile?.abort();
    throw error;
  });
  const simulated = io.now();
  const rows = result.rowsByUnit.flat();
  const labels = engines.map((e) => e.label);
  const record = runRecord(scenario, engines, baseline, options, allUnits.length);
  const summary = options.shard === undefined ? summarize(rows, labels, factsOf(record)) : null;
  const wallMs = io.now() - started;
  progress.end();

  const caseCount = options.carryState ? units.length * scenario.cases.length : units.length;
  const timings = buildTimings({
    scenario: title,
    node: process.version,
    date: new Date().toISOString(),
    workers: options.workers,
    helperThreads: result.helperThreads,
    helperUnits: result.helperUnits,
    wallMs,
    simulationMs: simulated - started,
    cases: caseCount,
    calls: rows.reduce((sum, r) => sum + r.calls, 0),
    engines: labels,
    latency: result.latency,
  });

  const files = await reportFolderFiles({
    summary,
    rows,
    run: record,
    timings: options.timings === false ? null : timingsJson(timings),
    html: renderer === null ? null : { timings: options.timings === false ? null : timings, renderer },
  });
  const markdown = files['summary.md'] ?? '';
  try {
    writeReportFolder(dir, files);
  } catch (error) {
    traceFile?.abort();
    throw error;
  }
  traceFile?.commit();
  if (traceFile !== null) io.stderr(`trace written to ${path.relative(io.cwd, traceFile.target)} (${(traceFile.bytes / 1e6).toFixed(1)} MB)\n`);

  if (summary === null) {
    io.stderr(`shard ${options.shard?.index}/${options.shard?.count}: ${caseCount} case${caseCount === 1 ? '' : 's'} written to ${path.relative(io.cwd, dir) || '.'}; combine the shards with pacebench merge\n`);
  } else if (options.print === false) {
    // The caller reports.
  } else if (options.format === 'json') {
    io.stdout(files['summary.json'] ?? '');
  } else {
    io.stdout(markdown);
  }
  for (const line of faultWarnings(rows, new Set(engines.filter((e) => isRemoteSpec(e.spec.ref)).map((e) => e.label)))) io.stderr(`pacebench: warning: ${line}\n`);
  if (result.stopped > 0) {
    io.stderr(`${result.stopped === 1 ? '1 engine call' : `${result.stopped} engine calls`} hung or ended ${result.stopped === 1 ? 'its thread and was' : 'their threads and were'} stopped; see the faults in the report\n`);
  }
  const seconds = (io.now() - began) / 1000;
  io.stderr(
    `report written to ${path.relative(io.cwd, dir) || '.'}/ in ${seconds.toFixed(2)} s (simulation ${((simulated - started) / 1000).toFixed(2)} s)\n`,
  );
  return { dir, summary, rows };
}

/** `pacebench backtest`: the options of a run, and the run. */
export const backtestCommand = defineCommand({
  kind: 'backtest',
  command: 'backtest',
  describe: 'play every case of a scenario against every engine and write a report',
  builder: (y) =>
    y.options({
      scenario: { alias: 's', type: 'string', demandOption: true, describe: 'a scenario name (scenarios/NAME) or a path to a scenario folder' },
      engines: enginesOption('engines to run, comma-separated: registered names, module paths (./my-engine.ts), parameters as name:key=value (default: every registered engine)'),
      baseline: { type: 'string', describe: 'engine of the paired comparison (default: all-at-once, else the first engine)' },
      seed: seedOption('seed of every random stream, an integer from 0 to 2^53 − 1'),
      replicates: replicatesOption('independent replicates of every case (intervals still count cases, not replicates)'),
      workers: workersOption('worker threads (default and most: the machine\'s cores; 1 when an engine is a service on this machine); results do not depend on it'),
      out: { alias: 'o', type: 'string', describe: 'report folder (default: reports/<name>/ for a shipped scenario, reports/<parent>.<folder>/ for a path)' },
      format: formatOption('what goes to stdout: the markdown summary or summary.json'),
      'carry-state': { type: 'boolean', default: false, describe: 'one engine instance plays every case of a replicate, in pools.csv order' },
      'max-calls': MAX_CALLS_OPTION,
      ...moneyOptions({
        valuePerHire: 'what a hire is worth, in the value and regret figures',
        costPerOverbooking: 'what each offer acceptance beyond the vacancies costs (a candidate who said yes and is turned away)',
      }),
      bootstrap: bootstrapOption(`bootstrap resamples for the 95 % intervals (at least ${MIN_BOOTSTRAP})`),
      shard: { type: 'string', describe: 'run only part i of n of the work, like 2/3; combine the parts with pacebench merge' },
      'engine-timeout': {
        alias: 'timeout-ms',
        ...numberText(
          DEFAULT_ENGINE_TIMEOUT_MS,
          'milliseconds one decision may take, a remote engine\'s included; past it the case is a fault of that engine ("no decision within …") and the run goes on',
          `${DEFAULT_ENGINE_TIMEOUT_MS} ms`,
        ),
      },
      concurrency: numberText(DEFAULT_CONCURRENCY, 'cases awaiting an asynchronous (remote) engine at once, per worker thread'),
      trace: { type: 'string', describe: 'write every engine call (request and decision) to this JSON Lines file, gzipped if it ends in .gz; pacebench fit reads it' },
      html: htmlOption('write report.html and charts/ beside the data (--no-html: only the data and summary.md)'),
      informed: { type: 'boolean', default: false, describe: 'also play the informed reference engine, which knows each case\'s true behaviour, so that the report splits regret into hindsight and learnable parts (slower: docs/informed.md)' },
    }),
  parse: (a, { defaults }) => ({
    kind: 'backtest' as const,
    options: {
      scenario: a.scenario,
      engines: a.engines ?? [],
      baseline: a.baseline,
      seed: integer('seed', a.seed, 0),
      replicates: integer('replicates', a.replicates, 1),
      workers: a.workers === undefined ? defaultWorkersFor(splitEngineList(a.engines ?? []), defaults.workers) : integer('workers', a.workers, 1),
      out: a.out,
      format: a.format,
      carryState: a['carry-state'],
      maxCalls: integer('max-calls', a['max-calls'], 1),
      money: readMoney(a),
      bootstrap: bootstrapCount(a.bootstrap),
      shard: a.shard === undefined ? undefined : parseShard(a.shard),
      engineTimeoutMs: integer('engine-timeout', a['engine-timeout'], 1),
      concurrency: integer('concurrency', a.concurrency, 1, 10_000),
      trace: a.trace,
      html: a.html,
      ...(a.informed === true ? { informed: true } : {}),
    } satisfies BacktestOptions,
  }),
  run: async (command, io) => {
    await backtest(capWorkers(command.options, io), io);
    return 0;
  },
});
