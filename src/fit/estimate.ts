/**
 * From observed openings to a fitted scenario: pick the engine whose calls are used, fit
 * each delay family by maximum likelihood, choose one, bootstrap over openings for 95 %
 * intervals, and check the fitted delay against Kaplan–Meier. Pure: no files, no clock.
 */
import { UserError } from '../errors.ts';
import { quantileSorted } from '../stats/distributions.ts';
import { stream } from '../stats/rng.ts';
import type { ObservedCase } from './cases.ts';
import { kaplanMeier, survivalAt } from './kaplan-meier.ts';
import { fitWarnings, type FitWarning } from './warnings.ts';
import { delayParameters, delayQuantile, delaySurvival, FAMILIES, FitIndex, fitFamily, naiveFit, type Estimate, type Family, type FitData } from './likelihood.ts';
import { counted } from '../words.ts';

export type DelayChoice = Family | 'auto';

export interface FitOptions {
  /** Use this engine's calls; required when the log holds several. */
  readonly engine?: string | undefined;
  readonly delay: DelayChoice;
  readonly bootstrap: number;
  readonly seed: number;
}

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface GoodnessRow {
  /** Level of the fitted delay's quantile this row sits at. */
  readonly level: number;
  readonly minutes: number;
  /** Share of all invited still without an answer at `minutes`: fitted 1 − q·F(t), and Kaplan–Meier. */
  readonly fitted: number;
  readonly kaplanMeier: { survival: number; low: number; high: number } | null;
}

export interface FitResult {
  readonly engine: string;
  /** Calls per engine in the log, for the record. */
  readonly engines: Readonly<Record<string, number>>;
  readonly openings: number;
  readonly cases: number;
  readonly replicates: number;
  readonly calls: number;
  readonly invited: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly pending: number;
  readonly offerKnown: number;
  readonly family: Family;
  readonly estimate: Estimate;
  /** Every family's fit, for the AIC table. */
  readonly families: readonly Estimate[];
  /** Name → estimate and 95 % bootstrap interval: p_accept, p_reject, p_none, p_offer_accept and the delay's parameters. */
  readonly intervals: Readonly<Record<string, Interval>>;
  /** The same figures from the naive fit (pending counted as never answering, delays from the answered alone), for contrast. */
  readonly naive: Readonly<Record<string, number>>;
  readonly bootstrap: { readonly resamples: number; readonly failed: number };
  readonly goodness: readonly GoodnessRow[];
  /** One row per case id for pools.csv, from its first observed opening. */
  readonly pools: readonly ObservedCase[];
  readonly evaluations: number;
  /** Where the log cannot support the fit (src/fit/warnings.ts); empty when it can. */
  readonly warnings: readonly FitWarning[];
}

/** The openings of the engine to fit: the one named, or the only one in the log. */
export function selectEngine(
  cases: readonly ObservedCase[],
  engine: string | undefined,
  /** Calls of engines the reader skipped unparsed. */
  skipped: Readonly<Record<string, number>> = {},
): { engine: string; engines: Record<string, number>; cases: ObservedCase[] } {
  const engines: Record<string, number> = { ...skipped };
  for (const c of cases) engines[c.engine] = (engines[c.engine] ?? 0) + c.calls;
  const names = Object.keys(engines).sort();
  const list = names.map((n) => `${n} (${counted(engines[n] ?? 0, 'call')})`).join(', ');
  if (names.length === 0) throw new UserError('the log holds no engine call');
  const sortedEngines = Object.fromEntries(names.map((n) => [n, engines[n] as number]));
  if (engine === undefined) {
    if (names.length > 1) {
      throw new UserError(
        `the log holds calls of ${names.length} engines: ${list}. Each engine invited other candidates of the same pools (the same latent candidates, under common random numbers), so they are not pooled: choose one with --engine`,
      );
    }
    engine = names[0] as string;
  } else if (engines[engine] === undefined) {
    throw new UserError(`--engine ${engine} has no call in the log; it holds ${list}`);
  }
  const chosen = engine;
  return { engine: chosen, engines: sortedEngines, cases: cases.filter((c) => c.engine === chosen) };
}

const GOODNESS_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

function interval(estimate: number, draws: number[]): Interval {
  const sorted = draws.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { estimate, low: NaN, high: NaN };
  return { estimate, low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
}

function figures(e: Estimate): Record<string, number> {
  const named: Record<string, number> = { p_accept: e.pAccept, p_reject: e.pReject, p_none: e.pNone, p_offer_accept: e.pOffer };
  for (const [k, v] of Object.entries(delayParameters(e.delay))) named[`delay_${k}`] = v;
  return named;
}

/** Survival of the whole invited population: those who never answer never leave it. */
export function populationSurvival(e: Estimate, t: number): number {
  const q = e.pAccept + e.pReject;
  return 1 - q + q * delaySurvival(e.delay, t);
}

export function fitOpenings(all: readonly ObservedCase[], options: FitOptions, skipped: Readonly<Record<string, number>> = {}): FitResult {
  const { engine, engines, cases } = selectEngine(all, options.engine, skipped);
  const index = new FitIndex(cases);
  const data = index.data();
  if (data.accepted + data.rejected === 0) {
    throw new UserError(`no candidate invited by ${engine} has answered in the log: nothing to fit the response model to`);
  }
  if (data.offerKnown === 0) {
    throw new UserError(`no accepted candidate of ${engine} shows an offer outcome (offer_accepted or cancelled): p_offer_accept cannot be estimated`);
  }
  const families = FAMILIES.map((f) => fitFamily(f, data));
  let evaluations = families.reduce((n, f) => n + f.evaluations, 0);
  const family: Family =
    options.delay === 'auto' ? [...families].sort((a, b) => a.aic - b.aic)[0]!.family : options.delay;
  const best = families.find((f) => f.family === family) as Estimate;

  const point = figures(best);
  const draws: Record<string, number[]> = Object.fromEntries(Object.keys(point).map((k) => [k, []]));
  const random = stream('fit-bootstrap', options.seed);
  let failed = 0;
  const n = cases.length;
  const weights = new Float64Array(n);
  for (let b = 0; b < options.bootstrap; b++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[Math.floor(random() * n)]! += 1;
    const resample: FitData = index.data(weights);
    if (resample.accepted + resample.rejected === 0) {
      failed++;
      continue;
    }
    const e = fitFamily(family, resample, best.x);
    evaluations += e.evaluations;
    for (const [k, v] of Object.entries(figures(e))) draws[k]?.push(v);
  }
  const intervals: Record<string, Interval> = {};
  for (const [k, v] of Object.entries(point)) intervals[k] = interval(v, draws[k] ?? []);

  const km = kaplanMeier(data.upper, data.answeredWeight, data.age, data.pendingWeight);
  const goodness = GOODNESS_LEVELS.map((level) => {
    const minutes = Math.max(1, Math.round(delayQuantile(best.delay, level)));
    return { level, minutes, fitted: populationSurvival(best, minutes), kaplanMeier: survivalAt(km, minutes) };
  });

  const pools: ObservedCase[] = [];
  const seen = new Set<string>();
  const sorted = [...cases].sort((a, b) => (a.replicate ?? 0) - (b.replicate ?? 0));
  for (const c of sorted) {
    if (seen.has(c.caseId)) continue;
    seen.add(c.caseId);
    pools.push(c);
  }
  pools.sort((a, b) => a.start - b.start || (a.caseId < b.caseId ? -1 : 1));
  const replicates = new Set(cases.map((c) => c.replicate)).size;
  const warnings = fitWarnings({
    openings: cases.length,
    invited: data.accepted + data.rejected + data.pending,
    accepted: data.accepted,
    rejected: data.rejected,
    offerKnown: data.offerKnown,
    delayParameters: Object.keys(delayParameters(best.delay)).length,
    intervals,
  });
  return {
    engine,
    engines,
    openings: cases.length,
    cases: pools.length,
    replicates,
    calls: cases.reduce((s, c) => s + c.calls, 0),
    invited: data.accepted + data.rejected + data.pending,
    accepted: data.accepted,
    rejected: data.rejected,
    pending: data.pending,
    offerKnown: data.offerKnown,
    family,
    estimate: best,
    families,
    intervals,
    naive: figures(naiveFit(family, data)),
    bootstrap: { resamples: options.bootstrap, failed },
    goodness,
    pools,
    evaluations,
    warnings,
  };
}
