import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { resolveEngines } from '../engines/load.ts';
import { hostEngines, SharedCallGuard } from './guard.ts';
import { LatencyHistogram } from './latency.ts';
import type { StopAt } from './play.ts';
import { runUnit } from './run.ts';
import type { FromWorker, ToWorker, WorkerInput } from './helpers.ts';
import type { CaseRow } from '../score/rows.ts';
import { traceText } from '../trace/observe.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port: MessagePort = parentPort;

function send(message: FromWorker): void {
  port.postMessage(message);
}

// Engines' console output goes to stderr, marked; process.exit becomes a fault.
hostEngines({ trapExit: true, hostOnly: true });

await backtestThread(workerData as WorkerInput);

async function backtestThread(input: WorkerInput): Promise<void> {
try {
  const resolved = await resolveEngines(
    input.engines.map((e) => e.spec),
    input.cwd,
    { timeoutMs: input.config.engineTimeoutMs },
  );
  // A bundled module may not know the name the main thread gave it (its file name changed).
  const engines = resolved.map((e, i) => ({ ...e, label: input.engines[i]?.label ?? e.label }));
  const latency = engines.map(() => new LatencyHistogram());
  const timing = { now: () => performance.now(), latency };
  const guardBuffer = input.guard;
  let running = 0;
  let finishing = false;
  const finishIfIdle = (): void => {
    if (!finishing || running > 0) return;
    send({ kind: 'finished', latency: latency.map((h) => h.toData()) });
    port.close();
  };
  const failed = (error: unknown): void => {
    send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'finish') {
      finishing = true;
      finishIfIdle();
      return;
    }
    try {
      const unit = input.units[message.index];
      if (unit === undefined) throw new Error(`unit ${message.index} does not exist`);
      const stops = message.stops.length === 0 ? undefined : new Map<string, StopAt>(message.stops);
      const trace = input.trace === true ? [] : undefined;
      const rows = runUnit(input.scenario, engines, input.config, unit, {
        timing: input.measure ? timing : undefined,
        guard: guardBuffer === null ? undefined : new SharedCallGuard(guardBuffer, message.index),
        stops,
        trace,
      });
      const result = (r: CaseRow[]) => (trace === undefined ? { index: message.index, rows: r } : { index: message.index, rows: r, trace: traceText(trace) });
      if (rows instanceof Promise) {
        running++;
        rows.then(
          (r) => {
            running--;
            send({ kind: 'results', results: [result(r)] });
            finishIfIdle();
          },
          failed,
        );
      } else {
        send({ kind: 'results', results: [result(rows)] });
      }
    } catch (error) {
      failed(error);
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error), user: true });
}
}
