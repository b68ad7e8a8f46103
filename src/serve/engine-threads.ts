/**
 * Where `pacebench serve` runs engines from users' modules: each in a worker thread of its own,
 * on sim/threads.ts's pool and under its watchdog, so that no engine can hold the main thread.
 * An engine that loops, or never settles its Promise, costs its own calls a 500 after the time
 * limit; `/health`, the other engines and the signals keep working. pacebench's registered
 * engines stay in the main thread, where a call costs no message.
 */
import type { Worker } from 'node:worker_threads';
import type { Decision, Request } from '../contract/types.ts';
import type { ResolvedEngine } from '../engines/load.ts';
import { bundleEngineModule } from '../engines/module-bundle.ts';
import { isUserModule, type EngineSpec } from '../engines/spec.ts';
import type { Engine } from '../engines/types.ts';
import { threadStart, ThreadPool } from '../sim/threads.ts';
import { EngineFailure } from './errors.ts';

/** Slots of a thread's shared memory: when it last turned (epoch ms), and the call it is in (0: none). */
export const BEAT = 0;
export const RUNNING = 1;

/** Longest a thread may take to load its engine while calls wait for it. */
const BOOT_ALLOWANCE_MS = 30_000;

export interface EngineThreadInput {
  /** Run from the sources: the TypeScript entry that worker-boot.mjs imports. */
  readonly entry: string;
  readonly spec: EngineSpec;
  readonly label: string;
  readonly cwd: string;
  readonly seed: number;
  readonly timeoutMs: number;
  readonly probe: SharedArrayBuffer;
}

export type ToEngineThread =
  | { readonly kind: 'call'; readonly id: number; readonly instance: number; readonly caseId: string; readonly request: Request }
  | { readonly kind: 'forget'; readonly instance: number };

export type FromEngineThread =
  | { readonly kind: 'ready' }
  | { readonly kind: 'broken'; readonly message: string }
  | { readonly kind: 'answer'; readonly id: number; readonly decision: Decision }
  | { readonly kind: 'invalid'; readonly id: number; readonly problem: string }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

interface Pending {
  readonly resolve: (decision: Decision) => void;
  readonly reject: (error: Error) => void;
  readonly correlationId: string;
}

interface Thread {
  readonly label: string;
  readonly slots: Float64Array;
  readonly spawned: number;
  readonly pending: Map<number, Pending>;
  ready: boolean;
}

const AFRESH = 'its thread was stopped, and the cases it held start afresh';

export class EngineThreads {
  private readonly pool: ThreadPool<Thread>;
  private readonly live = new Map<string, Worker>();
  private readonly instances = new WeakMap<Engine, { readonly label: string; readonly id: number }>();
  private readonly beatEveryMs: number;
  private nextCall = 1;
  private nextInstance = 1;

  private constructor(
    private readonly engines: ReadonlyMap<string, ResolvedEngine>,
    private readonly o: { readonly seed: number; readonly timeoutMs: number; readonly cwd: string },
  ) {
    // As the thread's own beat (thread-main.ts).
    this.beatEveryMs = Math.max(5, Math.min(250, o.timeoutMs / 4));
    this.pool = new ThreadPool<Thread>({
      timeoutMs: o.timeoutMs,
      elapsed: (s, now) => this.elapsed(s, now),
      onStuck: (worker, s) => this.stuck(worker, s),
    });
    for (const label of engines.keys()) this.spawn(label);
  }

  /** The threads of the module engines among `engines` (none: `null`), each loading its engine. */
  static async start(engines: readonly ResolvedEngine[], o: { seed: number; timeoutMs: number }): Promise<EngineThreads | null> {
    const modules = engines.filter((e) => isUserModule(e.spec.ref));
    if (modules.length === 0) return null;
    // Each thread imports the main thread's bundle of the module (engines/module-bundle.ts).
    const threaded = new Map<string, ResolvedEngine>();
    for (const e of modules) threaded.set(e.label, { ...e, spec: { ...e.spec, ref: await bundleEngineModule(e.spec.ref) } });
    // Module paths are absolute once resolved: the folder matters to no thread.
    return new EngineThreads(threaded, { ...o, cwd: process.cwd() });
  }

  serves(label: string): boolean {
    return this.engines.has(label);
  }

  /**
   * A stand-in for the instance of `label` for case `caseId`: the instance itself is created in
   * the engine's thread at the first call, from the same seeded stream as in the main thread.
   */
  open(label: string, caseId: string): Engine {
    const id = this.nextInstance++;
    const standIn: Engine = { decide: (request) => this.call(label, id, caseId, request) };
    this.instances.set(standIn, { label, id });
    return standIn;
  }

  /** Tells the thread to forget a stand-in's instance (its case was evicted, expired or restarted). */
  release(standIn: Engine): void {
    const known = this.instances.get(standIn);
    if (known === undefined) return;
    this.instances.delete(standIn);
    this.live.get(known.label)?.postMessage({ kind: 'forget', instance: known.id } satisfies ToEngineThread);
  }

  /** Ends every thread; calls still waiting answer that the server is stopping. */
  stop(): void {
    for (const [worker, state] of this.pool.entries()) this.fail(worker, state, () => 'the server is stopping');
    this.pool.stop();
  }

  private call(label: string, instance: number, caseId: string, request: Request): Promise<Decision> {
    if (this.pool.stopped) return Promise.reject(new Error('the server is stopping'));
    const worker = this.live.get(label) ?? this.spawn(label);
    const state = this.pool.state(worker) as Thread;
    const id = this.nextCall++;
    return new Promise<Decision>((resolve, reject) => {
      state.pending.set(id, { resolve, reject, correlationId: request.correlation_id });
      worker.postMessage({ kind: 'call', id, instance, caseId, request } satisfies ToEngineThread);
    });
  }

  /**
   * How long the thread has been held while calls wait: since its call began when it is in
   * one (a synchronous engine), else since its last beat, less the beats' own period (after
   * an `await`, an engine can hold the thread outside any call).
   */
  private elapsed(s: Thread, now: number): number | null {
    if (s.pending.size === 0) return null;
    if (!s.ready) return now - s.spawned - BOOT_ALLOWANCE_MS;
    const since = now - (s.slots[BEAT] as number);
    return s.slots[RUNNING] === 0 ? since - 2 * this.beatEveryMs : since;
  }

  private spawn(label: string): Worker {
    const engine = this.engines.get(label) as ResolvedEngine;
    const { start, entry } = threadStart('serve');
    const probe = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT);
    const input: EngineThreadInput = { entry, spec: engine.spec, label, cwd: this.o.cwd, seed: this.o.seed, timeoutMs: this.o.timeoutMs, probe };
    const state: Thread = { label, slots: new Float64Array(probe), spawned: performance.timeOrigin + performance.now(), pending: new Map(), ready: false };
    const worker = this.pool.spawn(start, input, state, true);
    this.live.set(label, worker);
    worker.on('message', (message: FromEngineThread) => this.heard(worker, state, message));
    // A thread that crashed or ended is started again by the next call (not at once: one that
    // crashes as it starts would be started again and again).
    worker.on('error', (error) => this.lost(worker, state, `crashed its thread: ${error.name}: ${error.message}; the cases it held start afresh`));
    worker.on('exit', (code) => this.lost(worker, state, `ended its thread (exit code ${code}); the cases it held start afresh`));
    return worker;
  }

  private heard(worker: Worker, state: Thread, message: FromEngineThread): void {
    if (message.kind === 'ready') {
      state.ready = true;
      return;
    }
    if (message.kind === 'broken') {
      this.lost(worker, state, `could not be loaded in its thread: ${message.message}`);
      return;
    }
    const pending = state.pending.get(message.id);
    if (pending === undefined) return;
    state.pending.delete(message.id);
    if (message.kind === 'answer') pending.resolve(message.decision);
    else if (message.kind === 'invalid') pending.reject(new EngineFailure(`engine ${state.label} returned an invalid decision: ${message.problem}`));
    else pending.reject(new Error(message.message));
  }

  /** The watchdog's word: the thread is ended, its calls answer why, and a new thread takes its place. */
  private stuck(worker: Worker, state: Thread): void {
    const ms = this.o.timeoutMs;
    if (!state.ready) {
      this.fail(worker, state, () => `its thread did not load the engine within ${BOOT_ALLOWANCE_MS} ms`);
    } else {
      const running = state.pending.get(state.slots[RUNNING] as number);
      this.fail(worker, state, (p) =>
        running === undefined || p === running
          ? `no decision within ${ms} ms at ${p.correlationId} (${AFRESH})`
          : `no decision: the call at ${running.correlationId} held the engine's thread past ${ms} ms (${AFRESH})`,
      );
    }
    this.spawn(state.label);
  }

  private lost(worker: Worker, state: Thread, reason: string): void {
    if (this.pool.state(worker) !== undefined) this.fail(worker, state, () => reason);
  }

  /** Ends a thread and answers every call waiting on it. */
  private fail(worker: Worker, state: Thread, reason: (p: Pending) => string): void {
    this.pool.drop(worker, true);
    if (this.live.get(state.label) === worker) this.live.delete(state.label);
    for (const p of state.pending.values()) p.reject(new Error(reason(p)));
    state.pending.clear();
  }
}
