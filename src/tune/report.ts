/**
 * What a tuning run found (`tune.json`'s shape) and the figures drawn from it. Pure: the
 * files that show it (tune.json, tune.md, configs.csv, report.html) are written by report/.
 */
import type { WinnerBasis } from './headline.ts';
import type { Objective, RaceRound } from './race.ts';
import type { ConfigSummary, Figures, HoldoutEntry } from './study.ts';
import type { Dimension } from './space.ts';

export type Method = 'grid' | 'random' | 'race';

/** `tune.json`: what a tuning run found. Holds no time or date, so a rerun is byte-identical. */
export interface TuneReport {
  readonly schema_version: number;
  readonly engine: string;
  readonly method: Method;
  readonly objective: Objective;
  readonly seed: number;
  readonly holdout_seed: number;
  /** Replicates of every case; a scenario's figures are over its cases × replicates. */
  readonly replicates: number;
  readonly scenarios: readonly { readonly name: string; readonly cases: number }[];
  readonly space: readonly Pick<Dimension, 'key' | 'integer' | 'default' | 'low' | 'high' | 'values'>[];
  readonly params: {
    readonly value_per_hire: number;
    readonly cost_per_invite: number;
    readonly cost_per_overbooking: number;
    readonly max_calls: number;
    readonly bootstrap: number;
  };
  /** The race's rules; `null` for grid and random search. */
  readonly race: {
    readonly block: number;
    readonly min_cases: number;
    readonly alpha: number;
    readonly budget: number | null;
    readonly test: string;
  } | null;
  readonly rounds: readonly RaceRound[];
  readonly stopped: string;
  readonly configurations_evaluated: number;
  /** Case-evaluations (a configuration on a case) spent in sample, and what evaluating every configuration on every case costs. */
  readonly evaluations: number;
  readonly full_evaluations: number;
  /**
   * The configuration put forward: the best in sample among those whose gain over the defaults
   * held on the holdout; the defaults when they ranked first or when none held (`winner_basis`).
   */
  readonly winner: { readonly spec: string; readonly params: Readonly<Record<string, number>> };
  readonly winner_basis: WinnerBasis;
  /** The configuration ranked first in sample, which may not have held on the holdout. */
  readonly best_in_sample: { readonly spec: string; readonly params: Readonly<Record<string, number>> };
  /** The `pacebench tune` command that reruns this study. */
  readonly command: string;
  /** Backtests of the winner, one per scenario; none when the defaults stay. */
  readonly backtest_commands: readonly string[];
  /** The winner's parameters that sit on the edge of the range searched, where the engine allows further: the best may lie beyond. */
  readonly edges: readonly { readonly key: string; readonly value: number; readonly side: 'low' | 'high' }[];
  readonly configurations: readonly ConfigSummary[];
  readonly holdout: readonly HoldoutEntry[];
  /**
   * With `--informed` only (absent otherwise): the informed reference on every case, in sample
   * and in the holdout, shown beside the configurations as a yardstick, never tuned or ranked.
   */
  readonly yardstick?: { readonly engine: string; readonly in_sample: Figures; readonly holdout: Figures };
}

/**
 * The winner's parameters at the low or high end of what was searched, when the engine's
 * declared bounds leave room beyond.
 */
export function winnerEdges(
  space: TuneReport['space'],
  winner: Readonly<Record<string, number>>,
  bounds: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>,
): TuneReport['edges'] {
  return space.flatMap((d): TuneReport['edges'] => {
    const x = winner[d.key];
    if (x === undefined || d.low === d.high) return [];
    const b = bounds[d.key] ?? {};
    if (x <= d.low && (b.min === undefined || d.low > b.min)) return [{ key: d.key, value: x, side: 'low' as const }];
    if (x >= d.high && (b.max === undefined || d.high < b.max)) return [{ key: d.key, value: x, side: 'high' as const }];
    return [];
  });
}

/**
 * For each tuned parameter with two values or more: the best mean value among the
 * configurations with each of its values, over those that ran every case (the others'
 * means are over fewer cases). The profile a chart of value against the parameter shows.
 */
export function valueProfiles(report: TuneReport): { key: string; points: { x: number; value: number }[] }[] {
  const longest = Math.max(0, ...report.configurations.map((c) => c.overall.cases));
  const complete = report.configurations.filter((c) => c.overall.cases === longest);
  return report.space.flatMap((d) => {
    const best = new Map<number, number>();
    for (const c of complete) {
      const x = c.params[d.key];
      if (x === undefined) continue;
      best.set(x, Math.max(best.get(x) ?? Number.NEGATIVE_INFINITY, c.overall.value));
    }
    const points = [...best].map(([x, value]) => ({ x, value })).sort((a, b) => a.x - b.x);
    return points.length < 2 ? [] : [{ key: d.key, points }];
  });
}
