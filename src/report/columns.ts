/**
 * The one table of the summary's columns, one row per engine: summary.md and report.html both
 * read it, so that a column is added, renamed or formatted in one place.
 */
import type { EngineSummary, Interval } from '../score/summary.ts';
import { fixed, money, percent, share } from './format.ts';

/** The fields of an engine's summary whose values are of type `T`. */
type FieldsOf<T> = { [K in keyof EngineSummary]: EngineSummary[K] extends T ? K : never }[keyof EngineSummary];

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
