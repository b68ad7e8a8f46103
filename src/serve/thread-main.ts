import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { callEngine, createInstance, type CallResult } from '../engines/call.ts';
import { resolveEngines } from '../engines/load.ts';
import type { Engine } from '../engines/types.ts';
import { hostEngines } from '../sim/guard.ts';
import { activeEngine } from '../sim/run.ts';
import { engineStream } from '../stats/rng.ts';
import { SERVED_REPLICATE } from './defaults.ts';
import { BEAT, RUNNING, type EngineThreadInput, type FromEngineThread, type ToEngineThread } from './engine-threads.ts';

/**
 * A thread of `pacebench serve` that hosts one engine from a user's module: the instances of
 * its cases, created from the same seeded streams as in the main thread, each call played by
 * engines/call.ts within the time limit. The thread beats in shared memory whenever it turns,
 * so the main thread's watchdog sees a call that never gives the thread back.
 */
if (parentPort === null) throw new Error('thread-main.ts must run in a worker thread');
const port: MessagePort = parentPort;

// Engines' console output goes to stderr, marked (stdout carries the request log); process.exit becomes a throw.
hostEngines({ trapExit: true, hostOnly: true });

const input = workerData as EngineThreadInput;
const slots = new Float64Array(input.probe);
const beat = (): void => {
  slots[BEAT] = performance.timeOrigin + performance.now();
};
const reply = (message: FromEngineThread): void => port.postMessage(message);
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function answer(id: number, result: CallResult): void {
  if ('decision' in result) reply({ kind: 'answer', id, decision: result.decision });
  else if (result.failed === 'invalid') reply({ kind: 'invalid', id, problem: result.problem });
  else reply({ kind: 'failed', id, message: result.failed === 'threw' ? describe(result.error) : result.message });
}

try {
  const [engine] = await resolveEngines([input.spec], input.cwd);
  if (engine === undefined) throw new Error('no engine');
  activeEngine.label = input.label;
  const instances = new Map<number, Engine>();
  // Beats between calls too, so a thread awaiting its engines' Promises is seen to be alive.
  setInterval(beat, Math.max(5, Math.min(250, input.timeoutMs / 4))).unref();
  port.on('message', (message: ToEngineThread) => {
    if (message.kind === 'forget') {
      instances.delete(message.instance);
      return;
    }
    beat();
    slots[RUNNING] = message.id;
    let result: CallResult | Promise<CallResult>;
    try {
      let instance = instances.get(message.instance);
      if (instance === undefined) {
        // A case this thread has not seen (new, or held by a thread that was stopped) starts afresh.
        instance = createInstance(engine, engineStream(input.seed, SERVED_REPLICATE, message.caseId, input.label));
        instances.set(message.instance, instance);
      }
      result = callEngine(instance, message.request, input.timeoutMs);
    } catch (error) {
      result = { failed: 'threw', error };
    }
    slots[RUNNING] = 0;
    beat();
    if (result instanceof Promise) void result.then((r) => answer(message.id, r));
    else answer(message.id, result);
  });
  beat();
  reply({ kind: 'ready' });
} catch (error) {
  reply({ kind: 'broken', message: describe(error) });
  port.close();
}
