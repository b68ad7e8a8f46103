/**
 * The one table of the summary's columns, one row per engine: summary.md and report.html both
 * read it, so that a column is added, renamed or formatted in one place.
 */
import type { EngineSummary, Interval } from '../score/summary.ts';
import { fixed, money, percent, share } from './format.ts';

/** The fields of an engine's summary whose values are of type `T`. */
type FieldsOf<T> = { [K in keyof EngineSummary]-?: EngineSummary[K] extends T ? K : never }[keyof EngineSummary];

interface Column {
  readonly header: string;
  /** In summary.md (the page aligns every column but the first to the right). */
  readonly align: 'left' | 'right';
}

export type SummaryColumn =
  /** The engine's label: each writer draws it its own way (the page with the engine's colour). */
  | (Column & { readonly kind: 'engine' })
  /** A number, `–` when there is none. */
  | (Column & { readonly kind: 'figure'; readonly key: FieldsOf<number | null>; readonly show: (x: number) => string })
  /** A mean with its 95 % interval; `showOnPage` where the page shows the numbers otherwise. */
  | (Column & { readonly kind: 'interval'; readonly key: FieldsOf<Interval>; readonly show: (x: number) => string; readonly showOnPage?: (x: number) => string });

export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { header: 'engine', align: 'left', kind: 'engine' },
  { header: 'fill rate [95 % CI]', align: 'left', kind: 'interval', key: 'fill_rate', show: (x) => share(x, 3), showOnPage: (x) => fixed(x, 3) },
  { header: 'filled', align: 'right', kind: 'figure', key: 'filled_share', show: (x) => percent(x) },
  { header: 'invited', align: 'right', kind: 'figure', key: 'invited', show: (x) => fixed(x, 1) },
  { header: 'excess invites', align: 'right', kind: 'figure', key: 'excess_invites', show: (x) => fixed(x, 1) },
  { header: 'overbooked', align: 'right', kind: 'figure', key: 'overbooked', show: (x) => fixed(x, 2) },
  { header: 'time to fill (median min)', align: 'right', kind: 'figure', key: 'time_to_fill_minutes_median', show: (x) => fixed(x, 0) },
  { header: 'time to fill (share of window)', align: 'right', kind: 'figure', key: 'time_to_fill_ratio', show: (x) => percent(x, 1) },
  { header: 'value [95 % CI]', align: 'left', kind: 'interval', key: 'value', show: money },
  { header: 'regret [95 % CI]', align: 'left', kind: 'interval', key: 'regret', show: money },
  { header: 'calls', align: 'right', kind: 'figure', key: 'calls', show: (x) => fixed(x, 1) },
  { header: 'faults', align: 'right', kind: 'figure', key: 'faults', show: (x) => String(x) },
];

/** The hindsight part of regret and the rows that carry a learnable part: `null` when informed did not run. */
export interface RegretSplit {
  /** The oracle's value minus informed's, per case: the same for every engine. */
  readonly hindsight: Interval;
  /** The engines with a `gap_to_informed`: every one but the oracle, informed included (its gap is 0). */
  readonly rows: readonly EngineSummary[];
}

export function regretSplit(engines: readonly EngineSummary[]): RegretSplit | null {
  const hindsight = engines.find((e) => e.hindsight !== undefined)?.hindsight;
  if (hindsight === undefined) return null;
  return { hindsight, rows: engines.filter((e) => e.gap_to_informed !== undefined) };
}

/** What a run without informed says instead of a split, in place of one. */
export const SPLIT_HINT =
  'Regret is not split into its hindsight and learnable parts: `informed` did not run (add it: `--engines …,informed`).';

/** How the split is read, under its table. */
export const SPLIT_NOTE =
  "*Hindsight* is the oracle's value minus informed's: the price of not seeing the future, which no engine deciding as time passes recovers. " +
  "*Learnable* is informed's value minus the engine's (paired per case): what an engine that knew each case's true behaviour would recover; negative when the engine beat informed. regret = hindsight + learnable.";

export type SplitColumn =
  | (Column & { readonly kind: 'engine' })
  /** A field of the row's engine, with its interval. */
  | (Column & { readonly kind: 'interval'; readonly key: 'regret' | 'gap_to_informed'; readonly show: (x: number) => string })
  /** The run's hindsight part, the same on every row (a field of informed's row, not of the row's engine). */
  | (Column & { readonly kind: 'hindsight'; readonly show: (x: number) => string })
  /** The learnable part as a share of the engine's regret; `null` when the regret is 0. */
  | (Column & { readonly kind: 'share'; readonly show: (x: number) => string });

/** The columns of the second table, regret split in two: summary.md and report.html both read it. */
export const SPLIT_COLUMNS: readonly SplitColumn[] = [
  { header: 'engine', align: 'left', kind: 'engine' },
  { header: 'regret [95 % CI]', align: 'left', kind: 'interval', key: 'regret', show: money },
  { header: 'hindsight (oracle − informed)', align: 'right', kind: 'hindsight', show: money },
  { header: 'learnable (informed − engine) [95 % CI]', align: 'left', kind: 'interval', key: 'gap_to_informed', show: money },
  { header: 'learnable share of regret', align: 'right', kind: 'share', show: (x) => percent(x) },
];

/** The learnable part over the regret, or `null` when there is no regret to share out. */
export function learnableShare(e: EngineSummary): number | null {
  const gap = e.gap_to_informed;
  if (gap === undefined || e.regret.mean === 0) return null;
  return gap.mean / e.regret.mean;
}
