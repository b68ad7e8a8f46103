import { format } from 'node:util';
import type { CallGuard } from './run.ts';
import { activeEngine } from './run.ts';

/**
 * An engine from a user's module runs in a helper thread whose watchdog is the main
 * thread: a synchronous infinite loop can only be stopped by terminating its thread. The
 * thread writes into shared memory which call is running and since when; the watchdog reads
 * it, and on a hang knows which (unit, engine, case, call) to stop when the unit is played
 * again in a fresh thread. Everything else about the run stays deterministic.
 */
const SLOTS = 5;
const STARTED = 0; // epoch ms when the running call began; 0 when none is running
const UNIT = 1;
const ENGINE = 2;
const CASE = 3;
const CALL = 4;

export function guardBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT);
}

/**
 * The thread's side: cheap writes, no messages. One per unit, writing where it is at every
 * call, because units awaiting asynchronous engines interleave in one thread (only one
 * synchronous call runs at a time, and that is the one a hang is in).
 */
export class SharedCallGuard implements CallGuard {
  private readonly slots: Float64Array;
  private readonly origin = performance.timeOrigin;
  private engine = 0;
  private caseIndex = 0;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly unit: number,
  ) {
    this.slots = new Float64Array(buffer);
  }

  enter(engine: number, caseIndex: number): void {
    this.engine = engine;
    this.caseIndex = caseIndex;
  }

  begin(call: number): void {
    const slots = this.slots;
    slots[UNIT] = this.unit;
    slots[ENGINE] = this.engine;
    slots[CASE] = this.caseIndex;
    slots[CALL] = call;
    slots[STARTED] = this.origin + performance.now();
  }

  end(): void {
    this.slots[STARTED] = 0;
  }
}

export interface RunningCall {
  readonly unit: number;
  readonly engine: number;
  readonly caseIndex: number;
  /** -1: the engine was being created. */
  readonly call: number;
  readonly elapsedMs: number;
}

/** The watchdog's side: the call running in a thread, if any. */
export function runningCall(buffer: SharedArrayBuffer, nowEpochMs: number): RunningCall | null {
  const slots = new Float64Array(buffer);
  const started = slots[STARTED] as number;
  if (started === 0) return null;
  return {
    unit: slots[UNIT] as number,
    engine: slots[ENGINE] as number,
    caseIndex: slots[CASE] as number,
    call: slots[CALL] as number,
    elapsedMs: nowEpochMs - started,
  };
}

/**
 * Makes a process or thread safe to host engines: `console` output goes to stderr, marked
 * with the engine that wrote it, so stdout carries only pacebench's data (`--format json`
 * stays parseable); and `process.exit` throws instead of ending the run, so an engine that
 * calls it gets a fault with its correlation id instead of a silent exit 0.
 */
export function hostEngines(options: { trapExit: boolean; hostOnly?: boolean }): void {
  const write = (text: string): void => {
    const label = activeEngine.label;
    const marked = label === '' ? text : text.replace(/^/gm, `[${label}] `);
    process.stderr.write(`${marked}\n`);
  };
  for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir'] as const) {
    console[method] = (...args: unknown[]) => write(format(...args));
  }
  console.table = (data: unknown) => write(format(data));
  // An engine writing to stdout directly must not corrupt the data there either: while an
  // engine plays (or in a thread that only hosts engines) stdout writes go to stderr.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const hostOnly = options.hostOnly === true;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (hostOnly || activeEngine.label !== '') {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      write(text.replace(/\n$/, ''));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (stdoutWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  if (options.trapExit) {
    process.exit = ((code?: number | string | null) => {
      throw new Error(`called process.exit(${code ?? ''}); an engine must return a decision, not end the process`);
    }) as typeof process.exit;
  }
}
