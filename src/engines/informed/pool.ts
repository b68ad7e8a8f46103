import { addBernoullis } from './counts.ts';
import { MAX_ROUNDS } from './rounds.ts';

/**
 * The round values when the pool, not the time, limits the hires (a pool whose candidates hold
 * few more hires than are missing): P[j](m, M), the value of filling `m` more vacancies in `j`
 * rounds from `M` candidates left, each round inviting a batch of the pool and seeing its hires
 * (Binomial(batch, p1)) before the next. Unlike the Poisson rounds, the pool left after a
 * round is the state's, so a plan cannot count on candidates it has already spent.
 */
export class PoolRounds {
  /** Pool sizes of the table: every size to 64, then steps of 3 % (read between, linearly). */
  private readonly sizes: number[] = [];
  /** values[j][m * sizes.length + i] */
  private readonly values: Float64Array[] = [];

  constructor(
    readonly n: number,
    readonly maxPool: number,
    p1: number,
    perFresh: number,
    A: number,
  ) {
    // One sequence for every table, so that a value does not depend on the table it is read from
    // (which cases came first): runs stay byte-identical across workers and shards.
    for (let M = 0; ; M = M < 64 ? M + 1 : Math.max(M + 1, Math.round(M * 1.03))) {
      this.sizes.push(M);
      if (M >= maxPool) break;
    }
    const S = this.sizes.length;
    // Batch sizes: every size to 24, then steps of 8 %; the binomial count of each, cut at n.
    const batches: number[] = [];
    for (let b = 1; b <= maxPool; b = b < 24 ? b + 1 : Math.max(b + 1, Math.round(b * 1.08))) batches.push(b);
    const pmfs = batches.map((b) => {
      const pmf = new Float64Array(n + 1);
      pmf[0] = 1;
      addBernoullis(pmf, b, p1);
      return pmf;
    });
    // Where the pool left after each (pool size, batch) falls in the table: cell and weight.
    const cell = new Int32Array(S * batches.length);
    const frac = new Float64Array(S * batches.length);
    for (let i = 0; i < S; i++) {
      for (let k = 0; k < batches.length; k++) {
        const x = (this.sizes[i] as number) - (batches[k] as number);
        if (x < 0) break;
        const c = this.cell(x);
        cell[i * batches.length + k] = c;
        frac[i * batches.length + k] = c >= S - 1 ? 0 : (x - (this.sizes[c] as number)) / ((this.sizes[c + 1] as number) - (this.sizes[c] as number));
      }
    }
    this.values.push(new Float64Array((n + 1) * S));
    // The previous round's values read at the pool left after a batch, per vacancies missing.
    const later = new Float64Array(n + 1);
    const best = new Float64Array(n + 1);
    for (let j = 1; j <= MAX_ROUNDS; j++) {
      const prev = this.values[j - 1] as Float64Array;
      const row = new Float64Array((n + 1) * S);
      for (let i = 0; i < S; i++) {
        const M = this.sizes[i] as number;
        for (let m = 1; m <= n; m++) best[m] = prev[m * S + i] as number;
        for (let k = 0; k < batches.length; k++) {
          const b = batches[k] as number;
          if (b > M) break;
          const pmf = pmfs[k] as Float64Array;
          const c = cell[i * batches.length + k] as number;
          const t = frac[i * batches.length + k] as number;
          const c1 = Math.min(c + 1, S - 1);
          for (let r = 1; r <= n; r++) later[r] = (prev[r * S + c] as number) * (1 - t) + (prev[r * S + c1] as number) * t;
          for (let m = 1; m <= n; m++) {
            let v = -perFresh * b;
            let below = 0;
            for (let y = 0; y < m; y++) {
              const p = pmf[y] as number;
              below += p;
              v += p * (A * y + (later[m - y] as number));
            }
            v += (1 - below) * A * m;
            if (v > (best[m] as number)) best[m] = v;
          }
        }
        for (let m = 1; m <= n; m++) row[m * S + i] = best[m] as number;
      }
      this.values.push(row);
      // A round that changed nothing: every later round is the same (a function of the one before).
      if (row.every((x, at) => x === prev[at])) break;
    }
  }

  /** P[j](m, M), read between the table's pool sizes; j is cut at the rounds looked ahead. */
  at(j: number, m: number, M: number): number {
    if (m <= 0) return 0;
    const row = this.values[Math.min(j, this.values.length - 1)] as Float64Array;
    const S = this.sizes.length;
    const x = Math.min(Math.max(0, M), this.sizes[this.sizes.length - 1] as number);
    // The table's pool sizes are integers to 64, then a geometric grid: find the cell.
    const i = this.cell(x);
    if (i >= S - 1) return row[m * S + S - 1] as number;
    const a = this.sizes[i] as number;
    const b = this.sizes[i + 1] as number;
    const t = (x - a) / (b - a);
    return (row[m * S + i] as number) * (1 - t) + (row[m * S + i + 1] as number) * t;
  }

  /** `at(j, m, M)` for every m from 1 to n, into `out[m]`: one look-up of M for them all. */
  column(j: number, M: number, out: Float64Array): Float64Array {
    const row = this.values[Math.min(j, this.values.length - 1)] as Float64Array;
    const S = this.sizes.length;
    const x = Math.min(Math.max(0, M), this.sizes[this.sizes.length - 1] as number);
    const i = this.cell(x);
    out[0] = 0;
    if (i >= S - 1) {
      for (let m = 1; m <= this.n; m++) out[m] = row[m * S + S - 1] as number;
      return out;
    }
    const a = this.sizes[i] as number;
    const b = this.sizes[i + 1] as number;
    const t = (x - a) / (b - a);
    for (let m = 1; m <= this.n; m++) out[m] = (row[m * S + i] as number) * (1 - t) + (row[m * S + i + 1] as number) * t;
    return out;
  }

  /** The table's cell holding pool size `x` (integers to 64, then a geometric grid). */
  private cell(x: number): number {
    if (x <= 64) return Math.min(Math.floor(x), this.sizes.length - 1);
    let lo = 0;
    let hi = this.sizes.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((this.sizes[mid] as number) <= x) lo = mid;
      else hi = mid;
    }
    return lo;
  }
}

const tables = new Map<string, PoolRounds>();

/**
 * A `PoolRounds` remembered across calls and cases (a pure function of its arguments; the cases
 * of one behaviour share it). A table for more vacancies and a larger pool serves smaller ones;
 * a table outgrown grows by a quarter, so that the next few larger cases do not rebuild it.
 */
export function poolRoundsMemo(n: number, pool: number, p1: number, perFresh: number, A: number): PoolRounds {
  const key = `${p1}:${perFresh}:${A}`;
  const known = tables.get(key);
  if (known !== undefined && known.n >= n && known.maxPool >= pool) return known;
  if (tables.size > 64) tables.clear();
  // Room to grow, so that the next, larger case does not build it again.
  const grownN = known !== undefined && n > known.n ? Math.ceil(known.n * 1.25) : 0;
  const table = new PoolRounds(Math.max(n, known?.n ?? 0, grownN, 12), Math.max(Math.ceil(pool * 1.25), known?.maxPool ?? 0), p1, perFresh, A);
  tables.set(key, table);
  return table;
}
