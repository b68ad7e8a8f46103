/**
 * What a tuning report puts forward: the configuration whose gain held on the holdout (not
 * merely the best in sample), and the command that reruns the whole study. Pure.
 */
import type { Money } from '../scenario/money.ts';
import { DEFAULT_MONEY } from '../scenario/money.ts';
import { DEFAULT_BOOTSTRAP } from '../score/summary.ts';
import { DEFAULT_MAX_CALLS } from '../sim/play.ts';
import type { Objective } from './race.ts';
import type { Method } from './report.ts';
import type { ConfigSummary, HoldoutEntry } from './study.ts';

/**
 * Why the winner is the winner. `held`: it beat the defaults in sample and again on the
 * holdout (its paired interval there lies above 0). `defaults first`: nothing beat the defaults
 * in sample. `none held`: what beat them in sample did not keep a clear gain on fresh
 * candidates, so the defaults stay.
 */
export type WinnerBasis = 'held' | 'defaults first' | 'none held';

function held(h: HoldoutEntry): boolean {
  const ci = h.holdout_vs_defaults?.value_diff.ci95 ?? null;
  return ci !== null && ci[0] > 0;
}

/**
 * The headline configuration: the best-ranked in sample among those that held on the holdout;
 * the defaults when they ranked first or when none held. A gain that vanishes on fresh
 * candidates only fitted the sample, so it is not put forward.
 */
export function chooseWinner(configurations: readonly ConfigSummary[], holdout: readonly HoldoutEntry[]): { winner: ConfigSummary; basis: WinnerBasis } {
  const best = configurations[0];
  const defaults = configurations.find((c) => c.is_default);
  if (best === undefined || defaults === undefined) throw new Error('the defaults must be among the ranked configurations');
  if (best.is_default) return { winner: best, basis: 'defaults first' };
  const rankOf = (id: number): number => configurations.find((c) => c.id === id)?.rank ?? Number.POSITIVE_INFINITY;
  const holding = holdout.filter((h) => !h.roles.includes('defaults') && held(h)).sort((a, b) => rankOf(a.id) - rankOf(b.id));
  const chosen = holding[0] === undefined ? undefined : configurations.find((c) => c.id === holding[0]?.id);
  return chosen === undefined ? { winner: defaults, basis: 'none held' } : { winner: chosen, basis: 'held' };
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export interface StudyArguments {
  /** As given: a registered name or a module path. */
  readonly engine: string;
  /** The `--param` arguments as given. */
  readonly params: readonly string[];
  /** The `--scenarios` as given: names or folders. */
  readonly scenarios: readonly string[];
  readonly method: Method;
  readonly objective: Objective;
  readonly seed: number;
  readonly holdoutSeed: number;
  readonly replicates: number;
  /** The `--budget` given, whatever the method. */
  readonly budget: number | null;
  readonly block: number;
  readonly bootstrap: number;
  readonly maxCalls: number;
  readonly money: Money;
}

function moneyWords(money: Money): string[] {
  const words: string[] = [];
  if (money.valuePerHire !== DEFAULT_MONEY.valuePerHire) words.push('--value-per-hire', String(money.valuePerHire));
  if (money.costPerInvite !== DEFAULT_MONEY.costPerInvite) words.push('--cost-per-invite', String(money.costPerInvite));
  if (money.costPerOverbooking !== DEFAULT_MONEY.costPerOverbooking) words.push('--cost-per-overbooking', String(money.costPerOverbooking));
  return words;
}

/** A backtest of `spec` on each scenario tuned on (backtest takes one scenario at a time), with the study's money. */
export function backtestCommands(spec: string, scenarios: readonly string[], money: Money): string[] {
  return scenarios.map((s) => ['pacebench', 'backtest', '--engines', spec, '--scenario', s, ...moneyWords(money)].map(shellWord).join(' '));
}

/**
 * The `pacebench tune` command that reruns this study: every scenario, both seeds, the method
 * and every parameter that shapes the results; options at their defaults are left out except
 * the method and the seeds, which a reader looks for.
 */
export function studyCommand(a: StudyArguments): string {
  const words = ['pacebench', 'tune', '--engine', a.engine];
  for (const p of a.params) words.push('--param', p);
  words.push('--scenarios', a.scenarios.join(','), '--method', a.method, '--seed', String(a.seed), '--holdout-seed', String(a.holdoutSeed));
  if (a.method === 'race') words.push('--block', String(a.block));
  if (a.budget !== null) words.push('--budget', String(a.budget));
  if (a.objective !== 'value') words.push('--objective', a.objective);
  if (a.replicates !== 1) words.push('--replicates', String(a.replicates));
  if (a.bootstrap !== DEFAULT_BOOTSTRAP) words.push('--bootstrap', String(a.bootstrap));
  if (a.maxCalls !== DEFAULT_MAX_CALLS) words.push('--max-calls', String(a.maxCalls));
  words.push(...moneyWords(a.money));
  return words.map(shellWord).join(' ');
}
