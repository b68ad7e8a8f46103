/**
 * The search space of `pacebench tune`: `--param` arguments parsed and checked against the
 * engine's declared parameters, and the configurations drawn from it (a grid, or seeded
 * uniform draws). Pure: no file system, no clock.
 */
import { UserError } from '../errors.ts';
import type { EngineDefinition, ParamSpec } from '../engines/types.ts';
import { stream } from '../stats/rng.ts';

/** A grid larger than this is refused: it is a typo (a step too small) more often than a plan. */
export const MAX_GRID = 2000;

/** `key=LOW..HIGH[:STEP]` or `key=v1,v2,…` (one value fixes the parameter), as the user wrote it. */
export type ParamArg =
  | { readonly text: string; readonly key: string; readonly kind: 'range'; readonly low: number; readonly high: number; readonly step: number | null }
  | { readonly text: string; readonly key: string; readonly kind: 'list'; readonly values: readonly number[] };

/** A parameter of the space, checked against the engine. */
export interface Dimension {
  readonly key: string;
  readonly integer: boolean;
  readonly default: number;
  /** A range: uniform draws between `low` and `high`; its grid, when it has one, is `values`. */
  readonly low: number;
  readonly high: number;
  /**
   * The grid points; `null` for a real range without a step (random search only), or for
   * a range whose step gives more than `MAX_GRID` points (too many for a grid; random search
   * draws among them by `step`).
   */
  readonly values: readonly number[] | null;
  /** The STEP of a stepped range, `null` otherwise. */
  readonly step: number | null;
  /** Points of the grid: `values.length`, or Infinity for a real range without a step. */
  readonly gridSize: number;
  /**
   * How random search draws it: among `values` (a list, or a range with a STEP), the
   * integers of [low, high], or reals of [low, high].
   */
  readonly draw: 'values' | 'integers' | 'reals';
}

export interface Space {
  readonly engine: string;
  /** In the engine's declaration order, so specs and labels read the same everywhere. */
  readonly dimensions: readonly Dimension[];
}

/** One point of the space: a value for every dimension, keyed by parameter. */
export type Point = Readonly<Record<string, number>>;

/** Twelve significant digits: enough for any parameter, and no `0.30000000000000004` in a spec. */
export function tidy(x: number): number {
  const r = Number(x.toPrecision(12));
  return r === 0 ? 0 : r;
}

function number(text: string, what: string, arg: string): number {
  const t = text.trim();
  const x = t === '' ? Number.NaN : Number(t);
  if (!Number.isFinite(x)) throw new UserError(`--param ${arg}: ${what} "${t}" is not a number`);
  return x;
}

/** Parses one `--param` argument; the engine is not consulted yet. */
export function parseParamArg(text: string): ParamArg {
  const arg = text.trim();
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UserError(`--param ${arg}: expected key=LOW..HIGH[:STEP] or key=v1,v2,…`);
  const key = arg.slice(0, eq).trim();
  const rest = arg.slice(eq + 1).trim();
  if (rest === '') throw new UserError(`--param ${arg}: no values after "${key}="`);
  const dots = rest.indexOf('..');
  if (dots >= 0) {
    const colon = rest.indexOf(':', dots);
    const low = number(rest.slice(0, dots), 'LOW', arg);
    const high = number(rest.slice(dots + 2, colon < 0 ? undefined : colon), 'HIGH', arg);
    const step = colon < 0 ? null : number(rest.slice(colon + 1), 'STEP', arg);
    return { text: arg, key, kind: 'range', low, high, step };
  }
  const values = rest.split(',').map((v) => number(v, 'value', arg));
  return { text: arg, key, kind: 'list', values };
}

function outOfBounds(x: number, p: ParamSpec): string | null {
  if (p.min !== undefined && x < p.min) return `below the engine's minimum ${p.min}`;
  if (p.max !== undefined && x > p.max) return `above the engine's maximum ${p.max}`;
  return null;
}

/** How many points LOW, LOW + STEP, … up to HIGH (HIGH included when the steps land on it, to rounding). */
function stepCount(low: number, high: number, step: number): number {
  return Math.floor((high - low) / step + 1e-9) + 1;
}

/**
 * Checks every `--param` against the engine's declared parameters and builds the space;
 * every problem is reported at once, before anything runs.
 */
export function buildSpace(definition: EngineDefinition, args: readonly ParamArg[]): Space {
  const declared = definition.params ?? {};
  const known = Object.keys(declared);
  const problems: string[] = [];
  const byKey = new Map<string, Dimension>();
  if (args.length === 0) problems.push(`give at least one --param to tune (${definition.name} takes ${known.length === 0 ? 'none' : known.join(', ')})`);
  for (const arg of args) {
    const p = declared[arg.key];
    const where = `--param ${arg.text}`;
    if (p === undefined) {
      problems.push(`${where}: ${definition.name} has no parameter "${arg.key}" (${known.length === 0 ? 'it takes none' : `it takes ${known.join(', ')}`})`);
      continue;
    }
    if (byKey.has(arg.key)) {
      problems.push(`${where}: "${arg.key}" is given twice`);
      continue;
    }
    const integer = p.integer === true;
    const before = problems.length;
    const check = (x: number, what: string): void => {
      const bad = outOfBounds(x, p);
      if (bad !== null) problems.push(`${where}: ${what} ${x} is ${bad}`);
      else if (integer && !Number.isInteger(x)) problems.push(`${where}: ${what} ${x} is not an integer, and ${arg.key} is an integer parameter`);
    };
    if (arg.kind === 'list') {
      arg.values.forEach((x) => check(x, 'value'));
      const unique = [...new Set(arg.values.map(tidy))];
      if (unique.length < arg.values.length) problems.push(`${where}: a value is listed twice`);
      if (problems.length === before) {
        byKey.set(arg.key, {
          key: arg.key,
          integer,
          default: p.default,
          low: Math.min(...unique),
          high: Math.max(...unique),
          values: unique,
          step: null,
          gridSize: unique.length,
          draw: 'values',
        });
      }
      continue;
    }
    const { low, high, step } = arg;
    if (low > high) problems.push(`${where}: LOW ${low} is above HIGH ${high}`);
    check(low, 'LOW');
    check(high, 'HIGH');
    if (step !== null && !(step > 0)) problems.push(`${where}: STEP ${step} must be above 0`);
    else if (step !== null && integer && !Number.isInteger(step)) problems.push(`${where}: STEP ${step} is not an integer, and ${arg.key} is an integer parameter`);
    if (problems.length > before) continue;
    const gridStep = step ?? (integer ? 1 : null);
    const count = gridStep === null ? Number.POSITIVE_INFINITY : stepCount(low, high, gridStep);
    byKey.set(arg.key, {
      key: arg.key,
      integer,
      default: p.default,
      low,
      high,
      values: gridStep === null || count > MAX_GRID ? null : Array.from({ length: count }, (_, i) => tidy(low + i * gridStep)),
      step: gridStep,
      gridSize: count,
      draw: step !== null ? 'values' : integer ? 'integers' : 'reals',
    });
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return { engine: definition.name, dimensions: known.flatMap((k) => byKey.get(k) ?? []) };
}

/** The engine's defaults for the tuned parameters: the reference every configuration is compared with. */
export function defaultPoint(space: Space): Point {
  return Object.fromEntries(space.dimensions.map((d) => [d.key, d.default]));
}

/** Every combination of the dimensions' grid points, the first dimension varying slowest. */
export function gridPoints(space: Space): Point[] {
  const problems: string[] = [];
  let size = 1;
  for (const d of space.dimensions) {
    if (d.step === null && d.values === null) problems.push(`--param ${d.key}=${d.low}..${d.high} has no STEP: a grid (and a race, which runs one) needs ${d.key}=${d.low}..${d.high}:STEP or a list of values`);
    else size *= d.gridSize;
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  if (size > MAX_GRID) {
    const sizes = space.dimensions.map((d) => `${d.key}: ${d.gridSize}`).join(', ');
    const total = size <= 1e9 ? `${size}` : `more than ${MAX_GRID}`;
    throw new UserError(`the grid has ${total} configurations (${sizes}), above the cap of ${MAX_GRID}; take larger steps, fewer values, or --method random`);
  }
  let points: Record<string, number>[] = [{}];
  for (const d of space.dimensions) points = points.flatMap((p) => (d.values ?? []).map((v) => ({ ...p, [d.key]: v })));
  return points;
}

function drawValue(d: Dimension, random: () => number): number {
  // A range with a step is drawn on its grid, so every draw is a point the user allowed.
  if (d.draw === 'values') {
    const i = Math.floor(random() * d.gridSize);
    return d.values?.[i] ?? tidy(d.low + i * (d.step ?? 0));
  }
  if (d.draw === 'integers') {
    // Uniform over the integers of [low, high]: the real draw, rounded, with half-open ends.
    const k = Math.round(d.low - 0.5 + random() * (d.high - d.low + 1));
    return Math.min(d.high, Math.max(d.low, k));
  }
  return Number((d.low + random() * (d.high - d.low)).toPrecision(4));
}

/** The number of distinct points the space holds, or Infinity when a real range has no step. */
export function spaceSize(space: Space): number {
  return space.dimensions.reduce((n, d) => n * d.gridSize, 1);
}

/**
 * `count` distinct points drawn uniformly from the space with a stream seeded by `seed`
 * alone, so the same seed gives the same configurations. Real values keep four significant
 * digits (a spec people can read; finer than any engine's sensitivity). A space with fewer
 * points than `count` gives them all, in the order drawn. Points `accepts` refuses (parameters
 * that clash, like a Beta variance too large for its mean) are drawn again.
 */
export function randomPoints(space: Space, count: number, seed: number, accepts: (point: Point) => boolean = () => true): Point[] {
  const random = stream('tune', 'random', seed);
  const wanted = Math.min(count, spaceSize(space));
  const seen = new Set<string>();
  const out: Point[] = [];
  for (let attempt = 0; out.length < wanted && attempt < wanted * 100; attempt++) {
    const point = Object.fromEntries(space.dimensions.map((d) => [d.key, drawValue(d, random)]));
    const key = pointKey(space, point);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!accepts(point)) continue;
    out.push(point);
  }
  return out;
}

/** The parameters as they follow the engine's name in a spec: `quantile=0.25:draws=15`. */
export function pointKey(space: Space, point: Point): string {
  return space.dimensions.map((d) => `${d.key}=${point[d.key]}`).join(':');
}

/** An engine spec ready to paste: `stoch-constraint:draws=15:quantile=0.25`. */
export function pointSpec(engineRef: string, space: Space, point: Point): string {
  const key = pointKey(space, point);
  return key === '' ? engineRef : `${engineRef}:${key}`;
}
