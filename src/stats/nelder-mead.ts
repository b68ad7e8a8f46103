/**
 * Nelder–Mead simplex minimisation (Nelder and Mead 1965, with the standard coefficients
 * of Lagarias et al. 1998: reflection 1, expansion 2, contraction 1/2, shrink 1/2). Written
 * here because the maintained npm package for it, `fmin` 0.0.4, does not load under Node's
 * ESM (a UMD `main` in a `"type": "module"` package). Derivative-free, which suits
 * likelihoods of censored data whose gradients are tedious; a few parameters only.
 */

export interface NelderMeadOptions {
  /** Initial step along each coordinate (default 0.5, or 10 % of a coordinate larger than 5). */
  readonly step?: number;
  readonly maxIterations?: number;
  /** Stop when the simplex's values and its points both agree to within these. */
  readonly fTolerance?: number;
  readonly xTolerance?: number;
}

export interface Minimum {
  readonly x: number[];
  readonly fx: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/** Minimises `f` from `x0`. Non-finite values of `f` count as +Infinity (outside the domain). */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): Minimum {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 400 * n;
  const fTol = options.fTolerance ?? 1e-9;
  const xTol = options.xTolerance ?? 1e-6;
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    const xi = p[i] as number;
    p[i] = xi + (options.step ?? (Math.abs(xi) > 5 ? 0.1 * xi : 0.5));
    points.push(p);
  }
  let values = points.map(value);
  const combine = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * ((b[i] as number) - ai));

  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    const sorted = order.map((i) => points[i] as number[]);
    values = order.map((i) => values[i] as number);
    points.splice(0, points.length, ...sorted);
    const best = values[0] as number;
    const worst = values[n] as number;
    let spread = 0;
    for (let k = 1; k <= n; k++) {
      for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs((points[k] as number[])[i]! - (points[0] as number[])[i]!));
    }
    if (Math.abs(worst - best) <= fTol * (1 + Math.abs(best)) && spread <= xTol * (1 + Math.max(...(points[0] as number[]).map(Math.abs)))) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (points[k] as number[])[i]! / n;
    const worstPoint = points[n] as number[];
    const reflected = combine(centroid, worstPoint, -1);
    const fr = value(reflected);
    if (fr < best) {
      const expanded = combine(centroid, worstPoint, -2);
      const fe = value(expanded);
      if (fe < fr) replace(expanded, fe);
      else replace(reflected, fr);
    } else if (fr < (values[n - 1] as number)) {
      replace(reflected, fr);
    } else {
      const outside = fr < worst;
      const contracted = outside ? combine(centroid, worstPoint, -0.5) : combine(centroid, worstPoint, 0.5);
      const fc = value(contracted);
      if (fc < (outside ? fr : worst)) {
        replace(contracted, fc);
      } else {
        for (let k = 1; k <= n; k++) {
          points[k] = combine(points[0] as number[], points[k] as number[], 0.5);
          values[k] = value(points[k] as number[]);
        }
      }
    }
  }
  let at = 0;
  for (let k = 1; k <= n; k++) if ((values[k] as number) < (values[at] as number)) at = k;
  return { x: (points[at] as number[]).slice(), fx: values[at] as number, iterations, evaluations, converged };

  function replace(p: number[], fp: number): void {
    points[n] = p;
    values[n] = fp;
  }
}

/** Nelder–Mead restarted from its own answer until a restart no longer improves it (guards against a collapsed simplex). */
export function minimize(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): Minimum {
  let result = nelderMead(f, x0, options);
  let evaluations = result.evaluations;
  for (let restart = 0; restart < 5; restart++) {
    const again = nelderMead(f, result.x, options);
    evaluations += again.evaluations;
    const improved = again.fx < result.fx - 1e-10 * (1 + Math.abs(result.fx));
    if (again.fx <= result.fx) result = again;
    if (!improved) break;
  }
  return { ...result, evaluations };
}
