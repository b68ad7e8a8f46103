/**
 * Random scenario populations across the plausible range, for measuring how an engine
 * generalises beyond the shipped scenarios (issue 20). A population is one scenario folder
 * (pools.csv, behaviours.csv, README.md): one response profile of 1 to 3 segments and
 * about 100 openings. `drawPopulation(seed, index)` is pure and deterministic: seeded
 * streams only, nothing read from the shipped scenarios.
 *
 *     npm run scenarios:populations -- --out DIR [--count 40] [--seed 2026] [--cases 100]
 *
 * The distributions (docs/generalisation.md says the same, and why), per population:
 *
 * - segments: 1, 2 or 3, equally likely; weights flat on the simplex (Dirichlet(1, …, 1)).
 * - per segment: answer rate p_accept + p_reject log-uniform on [3 %, 60 %]; the accepting
 *   share of answers uniform on [20 %, 80 %]; offer acceptance uniform on [30 %, 90 %];
 *   delay family weibull, lognormal, exponential or fixed, equally likely; median delay
 *   log-uniform on [2 minutes, 3 days]; Weibull shape uniform on [0.6, 3], log-normal
 *   sigma uniform on [0.4, 1.6].
 * - coverage (expected hires of a whole pool per vacancy) log-uniform on [0.8, 8].
 * - pool scale log-uniform on [max(50, coverage / hire rate), 10 000]: the lower end makes
 *   a typical pool able to give at least one vacancy's worth of hires.
 * - window scale log-uniform on [max(1 hour, 2 × the slowest segment's median delay), 21 days].
 *
 * Per opening: pool = scale × U(0.8, 1.2); vacancies = pool × hire rate / (coverage ×
 * U(0.8, 1.25)), rounded, clamped to [1, min(400, pool)]; window = window scale × 2^U(-1, 1),
 * at least one hour; start on a weekday at office hours in the first half of 2021.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEntryPoint } from '../src/cli/io.ts';
import { formatTimestamp } from '../src/contract/time.ts';
import { stream, type Random } from '../src/stats/rng.ts';
import { sampleGamma } from '../src/stats/distributions.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The ranges of the drawn parameters; tests check the populations span them. */
export const RANGES = {
  segments: [1, 3],
  answerRate: [0.03, 0.6],
  acceptShare: [0.2, 0.8],
  offerAccept: [0.3, 0.9],
  medianDelayMinutes: [2, 3 * 24 * 60],
  weibullShape: [0.6, 3],
  lognormalSigma: [0.4, 1.6],
  coverage: [0.8, 8],
  poolScale: [50, 10_000],
  windowScaleHours: [1, 21 * 24],
  maxVacancies: 400,
} as const;

export const DEFAULT_SEED = 2026;
export const DEFAULT_COUNT = 40;
export const DEFAULT_CASES = 100;

export const FAMILIES = ['weibull', 'lognormal', 'exponential', 'fixed'] as const;
export type Family = (typeof FAMILIES)[number];

export interface PopulationSegment {
  readonly id: string;
  readonly weight: number;
  readonly pAccept: number;
  readonly pReject: number;
  readonly pOfferAccept: number;
  readonly family: Family;
  /** The behaviours.csv columns: weibull shape, scale; lognormal mu, sigma; exponential mean; fixed minutes. */
  readonly delayA: number;
  readonly delayB: number | null;
  readonly medianDelayMinutes: number;
}

export interface PopulationParams {
  readonly name: string;
  readonly seed: number;
  readonly index: number;
  readonly segments: readonly PopulationSegment[];
  /** Weighted over segments, from the rounded values written to behaviours.csv. */
  readonly answerRate: number;
  readonly offerAccept: number;
  /** Chance that an invitation becomes a hire: sum of weight × p_accept × p_offer_accept. */
  readonly hireRate: number;
  readonly coverage: number;
  readonly poolScale: number;
  readonly windowScaleHours: number;
}

export interface Population {
  readonly name: string;
  readonly params: PopulationParams;
  /** File name → contents: pools.csv, behaviours.csv, README.md. */
  readonly files: Readonly<Record<string, string>>;
}

const uniform = (random: Random, lo: number, hi: number): number => lo + random() * (hi - lo);
const logUniform = (random: Random, lo: number, hi: number): number => Math.exp(uniform(random, Math.log(lo), Math.log(hi)));
/** Four significant digits: readable CSVs, and every figure derived from what is written. */
const sig = (x: number): number => Number(x.toPrecision(4));
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function populationName(seed: number, index: number): string {
  return `pop-${seed}-${String(index + 1).padStart(3, '0')}`;
}

function drawSegment(random: Random, id: string, weight: number): PopulationSegment {
  const answer = logUniform(random, ...RANGES.answerRate);
  const share = uniform(random, ...RANGES.acceptShare);
  const pAccept = round(answer * share, 4);
  const pReject = round(answer - pAccept, 4);
  const pOfferAccept = round(uniform(random, ...RANGES.offerAccept), 4);
  const family = FAMILIES[Math.floor(random() * FAMILIES.length)] as Family;
  const median = logUniform(random, ...RANGES.medianDelayMinutes);
  let delayA: number;
  let delayB: number | null = null;
  let medianDelayMinutes: number;
  switch (family) {
    case 'weibull': {
      delayA = round(uniform(random, ...RANGES.weibullShape), 3);
      delayB = sig(median / Math.pow(Math.LN2, 1 / delayA));
      medianDelayMinutes = delayB * Math.pow(Math.LN2, 1 / delayA);
      break;
    }
    case 'lognormal': {
      delayA = round(Math.log(median), 4);
      delayB = round(uniform(random, ...RANGES.lognormalSigma), 3);
      medianDelayMinutes = Math.exp(delayA);
      break;
    }
    case 'exponential': {
      delayA = sig(median / Math.LN2);
      medianDelayMinutes = delayA * Math.LN2;
      break;
    }
    case 'fixed': {
      delayA = sig(median);
      medianDelayMinutes = delayA;
      break;
    }
  }
  return { id, weight, pAccept, pReject, pOfferAccept, family, delayA, delayB, medianDelayMinutes };
}

/** Flat on the simplex, rounded to thousandths that sum to 1 and are never 0. */
function drawWeights(random: Random, k: number): number[] {
  const g = Array.from({ length: k }, () => sampleGamma(1, random));
  const total = g.reduce((a, b) => a + b, 0);
  const w = g.map((x) => Math.max(0.001, round(x / total, 3)));
  w[0] = Math.max(0.001, round(1 - w.slice(1).reduce((a, b) => a + b, 0), 3));
  return w;
}

/** The parameters of population `index` of `seed`; the openings come from a stream of their own. */
export function drawParams(seed: number, index: number): PopulationParams {
  const random = stream('population', seed, index);
  const k = RANGES.segments[0] + Math.floor(random() * (RANGES.segments[1] - RANGES.segments[0] + 1));
  const weights = drawWeights(random, k);
  const segments = weights.map((w, i) => drawSegment(random, `s${i + 1}`, w));
  const answerRate = segments.reduce((s, x) => s + x.weight * (x.pAccept + x.pReject), 0);
  const hireRate = segments.reduce((s, x) => s + x.weight * x.pAccept * x.pOfferAccept, 0);
  const accepting = segments.reduce((s, x) => s + x.weight * x.pAccept, 0);
  const coverage = sig(logUniform(random, ...RANGES.coverage));
  const poolScale = Math.round(logUniform(random, Math.max(RANGES.poolScale[0], coverage / hireRate), RANGES.poolScale[1]));
  const slowest = Math.max(...segments.map((s) => s.medianDelayMinutes));
  const windowScaleHours = sig(logUniform(random, Math.max(RANGES.windowScaleHours[0], (2 * slowest) / 60), RANGES.windowScaleHours[1]));
  return {
    name: populationName(seed, index),
    seed,
    index,
    segments,
    answerRate,
    offerAccept: hireRate / accepting,
    hireRate,
    coverage,
    poolScale,
    windowScaleHours,
  };
}

/** Openings start on weekdays of the first half of 2021, at office hours, to the second. */
function startTime(random: Random): number {
  const base = Date.UTC(2021, 0, 4, 0, 0, 0);
  for (;;) {
    const day = Math.floor(random() * 181);
    const weekday = (new Date(base + day * DAY).getUTCDay() + 6) % 7;
    if (weekday >= 5) continue;
    return base + day * DAY + (7 * 3600 + Math.floor(random() * 11 * 3600)) * 1000;
  }
}

interface Opening {
  readonly id: string;
  readonly pool: number;
  readonly vacancies: number;
  readonly start: number;
  readonly deadline: number;
}

function drawOpenings(p: PopulationParams, cases: number): Opening[] {
  const random = stream('population-cases', p.seed, p.index);
  return Array.from({ length: cases }, (_, i) => {
    const pool = Math.max(1, Math.round(p.poolScale * uniform(random, 0.8, 1.2)));
    const wanted = Math.round((pool * p.hireRate) / (p.coverage * uniform(random, 0.8, 1.25)));
    const vacancies = Math.min(RANGES.maxVacancies, pool, Math.max(1, wanted));
    const start = startTime(random);
    const minutes = Math.max(60, Math.round(p.windowScaleHours * 60 * Math.pow(2, uniform(random, -1, 1))));
    return { id: `P${String(i + 1).padStart(4, '0')}`, pool, vacancies, start, deadline: start + minutes * MINUTE };
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function duration(minutes: number): string {
  if (minutes < 90) return `${minutes.toFixed(minutes < 10 ? 1 : 0)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

function delayText(s: PopulationSegment): string {
  switch (s.family) {
    case 'weibull':
      return `Weibull(shape ${s.delayA}, scale ${s.delayB} min)`;
    case 'lognormal':
      return `log-normal(μ ${s.delayA}, σ ${s.delayB})`;
    case 'exponential':
      return `exponential(mean ${s.delayA} min)`;
    case 'fixed':
      return `fixed(${s.delayA} min)`;
  }
}

/** One line for tables: what was drawn. */
export function describeParams(p: PopulationParams): string {
  const segs = p.segments
    .map((s) => `${pct(s.weight)}: answers ${pct(s.pAccept + s.pReject)}, offers ${pct(s.pOfferAccept)}, ${s.family} median ${duration(s.medianDelayMinutes)}`)
    .join('; ');
  return `hire rate ${pct(p.hireRate)}, coverage ${p.coverage}, pool ~${p.poolScale}, window ~${duration(p.windowScaleHours * 60)}; ${segs}`;
}

function readme(p: PopulationParams, openings: readonly Opening[]): string {
  const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))} to ${f(Math.max(...xs))}`;
  const lines = [
    `# ${p.name}`,
    '',
    `A generated population (seed ${p.seed}, number ${p.index + 1}) for the generalisation bench: ${p.segments.length} segment${p.segments.length === 1 ? '' : 's'}, answer rate ${pct(p.answerRate)}, hire rate per invitation ${pct(p.hireRate)}, ${openings.length} openings.`,
    '',
    '| | |',
    '| --- | --- |',
    `| cases | ${openings.length} |`,
    `| pool | ${range(openings.map((o) => o.pool), String)} (scale ${p.poolScale}) |`,
    `| vacancies | ${range(openings.map((o) => o.vacancies), String)} (coverage ${p.coverage}: expected hires of a pool per vacancy) |`,
    `| window | ${range(openings.map((o) => (o.deadline - o.start) / MINUTE), duration)} (scale ${duration(p.windowScaleHours * 60)}) |`,
    '',
    '| segment | weight | accept | reject | offer accepted | delay | median delay |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
    ...p.segments.map((s) => `| ${s.id} | ${s.weight} | ${s.pAccept} | ${s.pReject} | ${s.pOfferAccept} | ${delayText(s)} | ${duration(s.medianDelayMinutes)} |`),
    '',
    'Drawn by scenarios/populations.ts from wide distributions (see docs/generalisation.md), not from the shipped scenarios.',
    '',
  ];
  return lines.join('\n');
}

function csv(header: string, columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const lines = [`# ${header}`, '# generated by scenarios/populations.ts; edit the generator, not this file', columns.join(',')];
  for (const row of rows) lines.push(row.map((v) => (v === null ? '' : String(v))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Population `index` of `seed` as the files of a scenario folder. */
export function drawPopulation(seed: number, index: number, cases: number = DEFAULT_CASES): Population {
  const params = drawParams(seed, index);
  const openings = drawOpenings(params, cases);
  const header = `${params.name}: a generated population`;
  return {
    name: params.name,
    params,
    files: {
      'pools.csv': csv(
        header,
        ['case_id', 'pool_size', 'num_vacancies', 'start', 'deadline', 'behaviour'],
        openings.map((o) => [o.id, o.pool, o.vacancies, formatTimestamp(o.start), formatTimestamp(o.deadline), 'population']),
      ),
      'behaviours.csv': csv(
        header,
        ['behaviour', 'segment', 'weight', 'p_accept', 'p_reject', 'p_offer_accept', 'delay_dist', 'delay_a', 'delay_b'],
        params.segments.map((s) => ['population', s.id, s.weight, s.pAccept, s.pReject, s.pOfferAccept, s.family, s.delayA, s.delayB]),
      ),
      'README.md': readme(params, openings),
    },
  };
}

/** Writes populations 0 … count − 1 of `seed` as folders of `out`; returns their paths. */
export function writePopulations(out: string, count: number, seed: number, cases: number = DEFAULT_CASES): { dir: string; population: Population }[] {
  const written: { dir: string; population: Population }[] = [];
  for (let i = 0; i < count; i++) {
    const population = drawPopulation(seed, i, cases);
    const dir = path.join(out, population.name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(population.files)) writeFileSync(path.join(dir, file), text);
    written.push({ dir, population });
  }
  return written;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!Number.isSafeInteger(x) || x < 0 || (name !== 'seed' && x < 1)) throw new Error(`--${name} must be a ${name === 'seed' ? 'non-negative' : 'positive'} integer, got "${raw}"`);
  return x;
}

function main(argv: readonly string[]): void {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') {
      process.stdout.write('npm run scenarios:populations -- --out DIR [--count 40] [--seed 2026] [--cases 100]\n');
      return;
    }
    const m = /^--(out|count|seed|cases)(?:=(.*))?$/.exec(a);
    if (m === null) throw new Error(`unknown argument "${a}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    flags.set(m[1] as string, value);
  }
  const out = flags.get('out');
  if (out === undefined) throw new Error('--out DIR is required');
  const count = positiveInteger('count', flags.get('count'), DEFAULT_COUNT);
  const seed = positiveInteger('seed', flags.get('seed'), DEFAULT_SEED);
  const cases = positiveInteger('cases', flags.get('cases'), DEFAULT_CASES);
  for (const { dir } of writePopulations(out, count, seed, cases)) process.stderr.write(`wrote ${dir}/\n`);
}

if (isEntryPoint(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`scenarios:populations: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
