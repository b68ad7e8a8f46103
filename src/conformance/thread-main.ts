import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { resolveEngines } from '../engines/load.ts';
import { hostEngines } from '../sim/guard.ts';
import { activeEngine } from '../sim/run.ts';
import { checkConformance } from './check.ts';
import { PASSES, type ConformanceThreadInput, type FromConformanceThread } from './thread.ts';

/** The conformance thread: checks one engine from a user's module and sends back the result. */
if (parentPort === null) throw new Error('thread-main.ts must run in a worker thread');
const port: MessagePort = parentPort;

// Engines' console output goes to stderr, marked; process.exit becomes a fault.
hostEngines({ trapExit: true, hostOnly: true });

const input = workerData as ConformanceThreadInput;
const reply = (message: FromConformanceThread): void => port.postMessage(message);
try {
  const [engine] = await resolveEngines([input.spec], input.cwd);
  if (engine === undefined) throw new Error('no engine');
  const slots = new Float64Array(input.probe);
  activeEngine.label = input.label;
  const result = await checkConformance(engine.definition, engine.params, {
    timeoutMs: input.timeoutMs,
    probe: {
      begin(situation, label) {
        slots[1] = situation;
        slots[2] = PASSES.indexOf(label as (typeof PASSES)[number]);
        slots[0] = performance.timeOrigin + performance.now();
      },
      end() {
        slots[0] = 0;
      },
    },
  });
  reply({ kind: 'result', result });
} catch (error) {
  reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
// Ends the thread once its output is flushed: the main thread waits for that.
port.close();
