/**
 * What the commands share on the command line: the readers of numeric options and the option
 * groups several commands declare (engines, seed, replicates, workers, money, output). Each
 * is declared here once; a command picks the groups it has and gives them its own words.
 */
import type { Options } from 'yargs';
import { UserError } from '../errors.ts';
import { DEFAULT_MONEY, type Money } from '../scenario/money.ts';
import { DEFAULT_BOOTSTRAP, MIN_BOOTSTRAP } from '../score/summary.ts';
import { DEFAULT_MAX_CALLS } from '../sim/play.ts';
import { defaultWorkers } from '../sim/workers.ts';
import type { Io } from './io.ts';
import { counted } from '../words.ts';

/** The text as the user typed it, for messages: `"abc"`, not NaN. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Numeric options arrive as text (yargs would turn "abc" into NaN and 2^53 + 1 into 2^53),
 * and are read here: integers exactly, within the range a run can use.
 */
export function integer(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const text = typeof value === 'string' ? value.trim() : value;
  const x = typeof text === 'string' && /^[+-]?\d+$/.test(text) ? Number(text) : typeof text === 'number' ? text : Number.NaN;
  if (!Number.isInteger(x) || x < min) throw new UserError(`--${name} must be an integer >= ${min}, got ${shown(value)}`);
  if (x > max || (typeof text === 'string' && !Number.isSafeInteger(x))) {
    throw new UserError(`--${name} must be at most ${max}${max === Number.MAX_SAFE_INTEGER ? ' (2^53 − 1, the largest integer a double holds exactly)' : ''}, got ${shown(value)}`);
  }
  return x;
}

export function finite(name: string, value: unknown): number {
  const x = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(x)) throw new UserError(`--${name} must be a number, got ${shown(value)}`);
  return x;
}

export function tolerance(value: unknown): number {
  const x = finite('tolerance', value);
  if (x < 0) throw new UserError(`--tolerance must be >= 0 (a share of the old figure, 0.01 = 1 %), got ${shown(value)}`);
  return x;
}

export function bootstrapCount(value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : String(value);
  // Not an integer, or too large: the usual message, with the same lower bound.
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return integer('bootstrap', value, MIN_BOOTSTRAP);
  const b = Number(text);
  if (b < MIN_BOOTSTRAP) {
    throw new UserError(
      `--bootstrap must be at least ${MIN_BOOTSTRAP}, got ${b}: a 95 % interval lies between the 2.5 % and 97.5 % quantiles of the resamples, ` +
        `and with fewer than ${MIN_BOOTSTRAP} those are the two or three most extreme ones (0 would make every interval a point and every difference "significant")`,
    );
  }
  return b;
}

/** Comma-separated values, the option repeated or not: `-s a,b -s c` is a, b, c. */
export function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((x) => x.split(','));
}

/** A number given as text (read by `integer` or `finite`), its default shown as it is. */
export function numberText(value: number, describe: string, defaultDescription: string = String(value)) {
  return { type: 'string', default: String(value), defaultDescription, describe } as const;
}

/** `--engines`/`-e`: engine specs, comma-separated or repeated. */
export function enginesOption(describe: string) {
  return { alias: 'e', type: 'string', array: true, describe } as const;
}

export function seedOption(describe: string) {
  return numberText(1, describe);
}

export function replicatesOption(describe: string) {
  return { alias: 'r', ...numberText(1, describe) } as const;
}

/** `--workers`/`-w`; its default (the machine's cores) comes with the parse, see `workersOf`. */
export function workersOption(describe: string) {
  return { alias: 'w', type: 'string', describe } as const;
}

export function bootstrapOption(describe: string, value: number = DEFAULT_BOOTSTRAP) {
  return numberText(value, describe);
}

/** `--html`/`--no-html`, on by default. */
export function htmlOption(describe: string) {
  return { type: 'boolean', default: true, describe } as const;
}

export function formatOption(describe: string) {
  return { choices: ['md', 'json'] as const, default: 'md' as const, describe } as const;
}

export const MAX_CALLS_OPTION = numberText(DEFAULT_MAX_CALLS, 'calls per case after which an engine is stopped with a fault');

/** The money options, with the words of the command that has them. */
export function moneyOptions(describe: { readonly valuePerHire: string; readonly costPerOverbooking: string }) {
  return {
    'value-per-hire': numberText(DEFAULT_MONEY.valuePerHire, describe.valuePerHire),
    'cost-per-invite': numberText(DEFAULT_MONEY.costPerInvite, 'what each invitation costs'),
    'cost-per-overbooking': numberText(DEFAULT_MONEY.costPerOverbooking, describe.costPerOverbooking),
  } as const satisfies Record<string, Options>;
}

export function readMoney(a: { readonly 'value-per-hire': string; readonly 'cost-per-invite': string; readonly 'cost-per-overbooking': string }): Money {
  return {
    valuePerHire: finite('value-per-hire', a['value-per-hire']),
    costPerInvite: finite('cost-per-invite', a['cost-per-invite']),
    costPerOverbooking: finite('cost-per-overbooking', a['cost-per-overbooking']),
  };
}

/** `--workers` as given, else the machine's cores (as the parse was told). */
export function workersOf(given: string | undefined, cores: number): number {
  return integer('workers', given ?? cores, 1);
}

/**
 * More threads than cores only adds start-up and contention (docs/performance.md,
 * "Threads"): cap them, and say so.
 */
export function capWorkers<T extends { readonly workers: number }>(options: T, io: Io, cores: number = defaultWorkers()): T {
  if (options.workers <= cores) return options;
  io.stderr(`pacebench: --workers ${options.workers} is more than this machine's ${counted(cores, 'core')}; using ${cores}\n`);
  return { ...options, workers: cores };
}
