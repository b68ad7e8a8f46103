import { bundleEngineModule } from '../engines/module-bundle.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { UserError } from '../errors.ts';
import { threadStart, ThreadPool } from '../sim/threads.ts';
import { conformanceSituations, RULES, type ConformanceResult } from './check.ts';

/** What the conformance thread sends back. */
export type FromConformanceThread =
  | { readonly kind: 'result'; readonly result: ConformanceResult }
  | { readonly kind: 'failed'; readonly message: string };

export interface ConformanceThreadInput {
  readonly kind: 'conformance';
  readonly entry: string;
  readonly spec: ResolvedEngine['spec'];
  readonly label: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** [started epoch ms or 0, situation, which pass] */
  readonly probe: SharedArrayBuffer;
}

export const PASSES = ['fresh instance', 'one instance', 'one instance, again'] as const;

/**
 * Checks an engine from a user's module in a thread of its own, under a watchdog: an engine
 * that never answers fails "answers within the time limit" at the request it hung on,
 * instead of hanging `pacebench conformance`.
 */
export async function checkInGuardedThread(engine: ResolvedEngine, timeoutMs: number): Promise<ConformanceResult> {
  let ref = engine.spec.ref;
  try {
    ref = await bundleEngineModule(ref);
  } catch {
    // The thread bundles it again, and reports what it finds.
  }
  const { start, entry } = threadStart('conformance');
  const probe = new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT);
  const slots = new Float64Array(probe);
  const input: ConformanceThreadInput = {
    kind: 'conformance',
    entry,
    spec: { ...engine.spec, ref },
    label: engine.label,
    cwd: process.cwd(),
    timeoutMs,
    probe,
  };
  const situations = conformanceSituations();
  const where = (): string => {
    const situation = situations[slots[1] as number];
    return `${situation?.name ?? 'a request'} (${PASSES[slots[2] as number] ?? 'one instance'})`;
  };
  return await new Promise<ConformanceResult>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      pool.stop();
      f();
    };
    const pool = new ThreadPool<Float64Array>({
      timeoutMs,
      elapsed: (s, now) => (s[0] === 0 ? null : now - (s[0] as number)),
      onStuck: () =>
        settle(() =>
          resolve({
            violations: [{ rule: RULES.timely, request: where(), detail: `no decision within ${timeoutMs} ms; its thread was stopped, so the checks after it did not run` }],
            warnings: [],
          }),
        ),
    });
    const worker = pool.spawn(start, input, slots, true);
    // The result is kept until the thread ends on its own, so that what the engine printed
    // has reached stderr before the command goes on.
    let result: ConformanceResult | null = null;
    worker.on('message', (message: FromConformanceThread) => {
      if (message.kind === 'result') {
        const done = message.result;
        result = done;
        // An engine's own timers could keep its thread alive: a second is all it gets.
        setTimeout(() => settle(() => resolve(done)), 1000).unref();
      } else settle(() => reject(new UserError(message.message)));
    });
    worker.on('error', (error) =>
      settle(() => resolve({ violations: [{ rule: RULES.throws, request: where(), detail: `crashed its thread: ${error.message}` }], warnings: [] })),
    );
    worker.on('exit', (code) => {
      const done = result;
      if (done !== null) settle(() => resolve(done));
      else settle(() => resolve({ violations: [{ rule: RULES.throws, request: where(), detail: `ended its thread (exit code ${code})` }], warnings: [] }));
    });
  });
}
