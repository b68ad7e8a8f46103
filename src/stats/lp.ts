/**
 * A typed face for javascript-lp-solver's programmatic model API. The package's
 * declarations type `Solve` as returning `unknown` and describe a CommonJS module while
 * Node loads its ES module; everything untyped stays in this file.
 *
 * The model is built through the API rather than as a JSON model: `Solve(json)` parses
 * the JSON into the same objects on every call, which costs a third of a small solve.
 */
import * as lpSolver from 'javascript-lp-solver';

export interface LpVariable {
  /** The variable's value in the last solution. */
  readonly value: number;
}

export interface LpConstraint {
  addTerm(coefficient: number, variable: LpVariable): LpConstraint;
}

export interface LpModel {
  /** Presolve reductions; off saves time on tiny programmes. */
  usePresolve: boolean;
  /** Mixed-integer rounding cuts in branch and cut. */
  useMIRCuts: boolean;
  maximize(): LpModel;
  minimize(): LpModel;
  addVariable(cost: number, id: string, isInteger?: boolean): LpVariable;
  smallerThan(rhs: number): LpConstraint;
  greaterThan(rhs: number): LpConstraint;
  solve(): { readonly feasible: boolean; readonly evaluation: number; readonly bounded: boolean };
}

interface SolverModule {
  Model: new (precision?: number) => LpModel;
}

const loaded = (lpSolver as unknown as { default: SolverModule | { default: SolverModule } }).default;
const solver: SolverModule = 'Model' in loaded ? loaded : loaded.default;

/** A fresh, empty model; `precision` is the solver's tolerance for integrality. */
export function newLpModel(precision = 1e-9): LpModel {
  return new solver.Model(precision);
}
