import type { Scenario } from '../scenario/types.ts';

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
  const limit = mainThread > heap ? `the ${gb(limits.heapBytes)} a thread of this process may use` : `the ${gb(limits.machineBytes)} of this machine over ${threads} threads`;
  return (
    `this run needs more memory than it has: ${what}; that is more than 80 % of ${limit}. ` +
    'Run fewer replicates, smaller pools or fewer --workers, split it with --shard i/n, ' +
    'or raise the heap limit, e.g. NODE_OPTIONS=--max-old-space-size=16384 (MB).'
  );
}
