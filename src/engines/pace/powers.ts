/** pace's Weibull shapes, and the powers and logarithms of the half minutes its delays are read in. */

/** Weibull shapes the delay model chooses from, by penalised likelihood. */
export const SHAPES: readonly number[] = [0.5, 0.75, 1.1, 1.6, 2.4, 3.4];

// Powers of whole and half minutes, memoised: delays and ages are whole minutes, and the
// same few hundred values recur on every call. Pure functions of their argument, so a
// module-wide memo changes no result. It stays for the decision's cost (docs/performance.md,
// "pace's own mechanisms").

export const MEMO_LIMIT = 1 << 17;
const powMemo: Float64Array<ArrayBuffer>[] = SHAPES.map(() => new Float64Array(0));
let logMemo = new Float64Array(0);

function grow(table: Float64Array<ArrayBuffer>, index: number): Float64Array<ArrayBuffer> {
  let size = Math.max(256, table.length);
  while (size <= index) size *= 2;
  const next = new Float64Array(Math.min(size, MEMO_LIMIT)).fill(Number.NaN);
  next.set(table);
  return next;
}

/** `(h / 2)^SHAPES[j]` for a count of half minutes `h ≥ 0`. */
export function halfPow(j: number, h: number): number {
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return Math.pow(h / 2, SHAPES[j] as number);
  let table = powMemo[j] as Float64Array<ArrayBuffer>;
  if (h >= table.length) table = powMemo[j] = grow(table, h);
  let v = table[h] as number;
  if (Number.isNaN(v)) v = table[h] = Math.pow(h / 2, SHAPES[j] as number);
  return v;
}

/** `ln(h / 2)` for `h ≥ 1` half minutes. */
export function halfLog(h: number): number {
  if (h >= MEMO_LIMIT || !Number.isInteger(h)) return Math.log(h / 2);
  if (h >= logMemo.length) logMemo = grow(logMemo, h);
  let v = logMemo[h] as number;
  if (Number.isNaN(v)) v = logMemo[h] = Math.log(h / 2);
  return v;
}
