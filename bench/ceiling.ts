import { Worker } from 'node:worker_threads';
import { median } from '../src/stats/distributions.ts';

export interface ParallelCeiling {
  /** Milliseconds for one thread alone, median over repetitions. */
  readonly one_thread_ms: number;
  /** Milliseconds for each of two threads doing the same work at once, medians. */
  readonly two_threads_ms: readonly [number, number];
  /** 2 · one / mean(two): the speed-up two workers could give at best here. */
  readonly ceiling: number;
  readonly repetitions: number;
}

function runThreads(count: number): Promise<number[]> {
  const boot = new URL('../src/sim/worker-boot.mjs', import.meta.url);
  const entry = new URL('./kernel.ts', import.meta.url).href;
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(boot, { workerData: { entry }, execArgv: [] });
          w.once('message', (ms: number) => resolve(ms));
          w.once('error', reject);
        }),
    ),
  );
}

/** The same simulation kernel in one thread, then in two at once, alternating. */
export async function measureParallelCeiling(repetitions: number): Promise<ParallelCeiling> {
  const one: number[] = [];
  const twoA: number[] = [];
  const twoB: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    one.push(...(await runThreads(1)));
    const [a, b] = await runThreads(2);
    twoA.push(a as number);
    twoB.push(b as number);
  }
  const oneMs = median(one);
  const two: [number, number] = [median(twoA), median(twoB)];
  return {
    one_thread_ms: Math.round(oneMs),
    two_threads_ms: [Math.round(two[0]), Math.round(two[1])],
    ceiling: Math.round(((2 * oneMs) / ((two[0] + two[1]) / 2)) * 100) / 100,
    repetitions,
  };
}
