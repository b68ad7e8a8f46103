/**
 * `--compare OLD.json`: each result against a saved run. A change is marked only when the
 * two runs' 95 % intervals for the mean do not overlap, i.e. when it is larger than both
 * margins of error together, so that noise is not called a regression.
 */
import type { BenchReport, BenchResult, ThroughputResult } from './results.ts';

export interface Change {
  readonly name: string;
  readonly old: number;
  readonly new: number;
  /** (new − old) / old, in percent; for times, positive is slower. */
  readonly change_pct: number;
  readonly verdict: 'slower' | 'faster' | 'within noise';
}

function verdict(oldValue: number, oldRme: number | null, newValue: number, newRme: number | null, higherIsWorse: boolean): Change['verdict'] {
  if (oldRme === null || newRme === null) return 'within noise';
  const oldMargin = (Math.abs(oldValue) * oldRme) / 100;
  const newMargin = (Math.abs(newValue) * newRme) / 100;
  if (Math.abs(newValue - oldValue) <= oldMargin + newMargin) return 'within noise';
  const up = newValue > oldValue;
  return up === higherIsWorse ? 'slower' : 'faster';
}

const pct = (o: number, n: number): number => (o === 0 ? 0 : Math.round(((n - o) / o) * 1000) / 10);

export function compareReports(old: BenchReport, current: BenchReport): { results: Change[]; throughput: Change[]; only: string[] } {
  const oldResults = new Map(old.results.map((r) => [r.name, r]));
  const results: Change[] = [];
  const only: string[] = [];
  for (const r of current.results) {
    const o = oldResults.get(r.name);
    if (o === undefined) {
      only.push(`${r.name} (new)`);
      continue;
    }
    oldResults.delete(r.name);
    if (o.state !== 'completed' || r.state !== 'completed') continue;
    results.push({ name: r.name, old: o.mean_ns, new: r.mean_ns, change_pct: pct(o.mean_ns, r.mean_ns), verdict: verdict(o.mean_ns, o.rme, r.mean_ns, r.rme, true) });
  }
  for (const name of oldResults.keys()) only.push(`${name} (gone)`);
  const key = (t: ThroughputResult): string => `${t.scenario}/${t.engines}/replicates=${t.replicates}/workers=${t.workers}`;
  const oldThroughput = new Map(old.throughput.map((t) => [key(t), t]));
  const throughput: Change[] = [];
  for (const t of current.throughput) {
    const o = oldThroughput.get(key(t));
    if (o === undefined) continue;
    throughput.push({ name: `throughput/${key(t)}`, old: o.wall_s, new: t.wall_s, change_pct: pct(o.wall_s, t.wall_s), verdict: verdict(o.wall_s, o.rme, t.wall_s, t.rme, true) });
  }
  return { results, throughput, only };
}

export function isBenchReport(value: unknown): value is BenchReport {
  const v = value as Partial<BenchReport> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.results) && Array.isArray(v.throughput);
}

export function completed(results: readonly BenchResult[]): Extract<BenchResult, { state: 'completed' }>[] {
  return results.filter((r): r is Extract<BenchResult, { state: 'completed' }> => r.state === 'completed');
}
