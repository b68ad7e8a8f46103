import type { Scenario } from '../scenario/types.ts';
import { counted } from '../words.ts';

/**
 * Memory a run needs, estimated before it starts, so that a pool of 10^8 candidates or a
 * million replicates is refused with a message instead of dying of an out-of-memory crash
 * a minute in. The figures are upper estimates measured on this project's data structures.
 */
/** Per candidate of the case a thread plays: latent columns, invitation times, one live record and its two list slots. */
export const BYTES_PER_CANDIDATE = 160;
/** Per row of cases.csv held until the report: the row, its CSV text, its share of the summary's series. */
export const BYTES_PER_ROW = 600;

export interface MemoryLimits {
  /** What one thread's heap may hold (V8's heap_size_limit). */
  readonly heapBytes: number;
  /** The machine's memory, which all threads share. */
  readonly machineBytes: number;
}

export interface MemoryNeed {
  readonly perThreadBytes: number;
  readonly rowsBytes: number;
  readonly largestCase: { readonly id: string; readonly poolSize: number } | null;
  readonly rows: number;
}

export function estimateMemory(scenario: Scenario, engines: number, replicates: number, units: number, carryState: boolean): MemoryNeed {
  let largest: { id: string; poolSize: number } | null = null;
  for (const c of scenario.cases) if (largest === null || c.poolSize > largest.poolSize) largest = { id: c.id, poolSize: c.poolSize };
  const casesPerUnit = carryState ? scenario.cases.length : 1;
  const rows = units * casesPerUnit * (engines + 1);
  return {
    perThreadBytes: (largest?.poolSize ?? 0) * BYTES_PER_CANDIDATE,
    rowsBytes: rows * BYTES_PER_ROW,
    largestCase: largest,
    rows,
  };
}

const GB = 1024 ** 3;
const gb = (bytes: number): string => (bytes >= 10 * GB ? `${Math.round(bytes / GB)} GB` : `${(bytes / GB).toFixed(1)} GB`);

/**
 * Why the run would not fit, in words a user can act on, or `null`. Only 80 % of each limit
 * is counted on: the rest is the process's own.
 */
export function memoryProblem(need: MemoryNeed, threads: number, limits: MemoryLimits, replicates: number): string | null {
  const heap = limits.heapBytes * 0.8;
  const machine = limits.machineBytes * 0.8;
  const mainThread = need.perThreadBytes + need.rowsBytes;
  const all = need.perThreadBytes * threads + need.rowsBytes;
  if (mainThread <= heap && all <= machine) return null;
  const parts: string[] = [];
  if (need.largestCase !== null && need.perThreadBytes > heap / 4) {
    parts.push(`its largest case, ${need.largestCase.id}, has ${need.largestCase.poolSize.toLocaleString('en-US')} candidates: about ${gb(need.perThreadBytes)} per worker thread`);
  }
  if (need.rowsBytes > heap / 4) {
    parts.push(`${need.rows.toLocaleString('en-US')} rows of results (${replicates.toLocaleString('en-US')} replicates): about ${gb(need.rowsBytes)}`);
  }
  const what = parts.length > 0 ? parts.join(', and ') : `about ${gb(Math.max(mainThread, all))} in all`;
  const limit = mainThread > heap ? `the ${gb(limits.heapBytes)} a thread of this process may use` : `the ${gb(limits.machineBytes)} of this machine over ${counted(threads, 'thread')}`;
  // Advice that can work: a heap limit the machine can give, or else a smaller run.
  const advice: string[] = [];
  const rowsHeavy = need.rowsBytes > need.perThreadBytes;
  if (rowsHeavy) advice.push('run fewer replicates, or split the run with --shard i/n (each shard holds only its own rows)');
  else advice.push('use smaller pools (no option splits one case)');
  if (all > machine && threads > 1 && need.perThreadBytes * threads > need.rowsBytes) advice.push('run fewer --workers');
  const neededMb = Math.ceil(mainThread / 0.8 / 1024 ** 2 / 1024) * 1024;
  if (mainThread > heap && neededMb * 1024 ** 2 <= machine) {
    advice.push(`or raise the heap limit to what it needs: NODE_OPTIONS=--max-old-space-size=${neededMb} (MB)`);
  } else if (mainThread > heap) {
    advice.push(`raising the heap limit cannot help: ${gb(mainThread / 0.8)} is more than this machine's ${gb(limits.machineBytes)} can give`);
  }
  return `this run needs more memory than it has: ${what}; that is more than 80 % of ${limit}. ${advice.join('; ')}.`;
}
