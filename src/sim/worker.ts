import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { resolveEngines } from '../engines/load.ts';
import { LatencyHistogram } from './latency.ts';
import { runUnit } from './run.ts';
import { traceText } from '../trace/observe.ts';
import type { FromWorker, ToWorker, WorkerInput } from './workers.ts';

const input = workerData as WorkerInput;
const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');

function send(message: FromWorker): void {
  port?.postMessage(message);
}

try {
  const resolved = await resolveEngines(
    input.engines.map((e) => e.spec),
    input.cwd,
  );
  // A bundled module may not know the name the main thread gave it (its file name changed).
  const engines = resolved.map((e, i) => ({ ...e, label: input.engines[i]?.label ?? e.label }));
  const latency = engines.map(() => new LatencyHistogram());
  const timing = { now: () => performance.now(), latency };
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'finish') {
      send({ kind: 'finished', latency: latency.map((h) => h.toData()) });
      port.close();
      return;
    }
    try {
      const results = message.units.map((index) => {
        const unit = input.units[index];
        if (unit === undefined) throw new Error(`unit ${index} does not exist`);
        const trace = input.trace === true ? [] : undefined;
        const rows = runUnit(input.scenario, engines, input.config, unit, input.measure ? timing : undefined, trace);
        return trace === undefined ? { index, rows } : { index, rows, trace: traceText(trace) };
      });
      send({ kind: 'results', results });
    } catch (error) {
      send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error), user: true });
}
