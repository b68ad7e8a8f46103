/**
 * A typed face for javascript-lp-solver. Its `Solve` is declared to return `unknown`; this
 * checks the shape once, here, so no untyped value leaks into an engine.
 */
import * as lpSolver from 'javascript-lp-solver';
import type { Model } from 'javascript-lp-solver';

interface Solver {
  Solve(model: Model): unknown;
}

// The package's types describe a CommonJS module whose `default` is the solver, while Node
// loads its ES module whose default export is the solver itself; accept either.
const loaded = (lpSolver as unknown as { default: Solver | { default: Solver } }).default;
const solver: Solver = 'Solve' in loaded ? loaded : loaded.default;

export type LinearModel = Model;

export interface LinearSolution {
  readonly feasible: boolean;
  readonly bounded: boolean;
  /** The objective at the optimum. */
  readonly result: number;
  /** Variables at the optimum; the solver leaves out those at zero, so read with `?? 0`. */
  readonly values: Readonly<Record<string, number>>;
}

const META = new Set(['feasible', 'result', 'bounded', 'isIntegral']);

export function solveLinear(model: LinearModel): LinearSolution {
  const raw = solver.Solve(model) as unknown;
  if (typeof raw !== 'object' || raw === null) throw new Error('javascript-lp-solver returned no solution object');
  const r = raw as Record<string, unknown>;
  const values: Record<string, number> = {};
  for (const [key, v] of Object.entries(r)) {
    if (!META.has(key) && typeof v === 'number') values[key] = v;
  }
  return {
    feasible: r.feasible === true,
    bounded: r.bounded !== false,
    result: typeof r.result === 'number' ? r.result : Number.NaN,
    values,
  };
}
