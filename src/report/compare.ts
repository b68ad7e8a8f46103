import { INFORMED, ORACLE, type CaseRow } from '../score/rows.ts';
import { bootstrapIntervals, clustersOf, DEFAULT_BOOTSTRAP, MIN_BOOTSTRAP, type EngineSummary, type Interval, type Summary } from '../score/summary.ts';
import { escapeCell, money, share, signed, signedMoney } from './format.ts';
import { counted } from '../words.ts';

/** One side of a comparison: a run's summary, and its rows when `cases.csv` was there. */
export interface RunSide {
  readonly label: string;
  readonly summary: Summary;
  readonly rows: readonly CaseRow[] | null;
}

export const DEFAULT_TOLERANCE = 0.01;

export interface FigureChange {
  readonly old: number;
  readonly new: number;
  readonly diff: number;
  /** diff / |old|, or `null` when old is 0. */
  readonly relative: number | null;
  /** Paired 95 % interval of the mean per-case difference; `null` when not paired. */
  readonly ci95: readonly [number, number] | null;
  readonly significant: boolean;
}

export type Verdict = 'better' | 'worse' | 'regression' | 'unchanged' | 'mixed';

export interface EngineComparison {
  readonly engine: string;
  readonly fill_rate: FigureChange;
  readonly value: FigureChange;
  readonly regret: { readonly old: number; readonly new: number };
  /**
   * The change in the learnable part of regret (informed's value minus the engine's), when both
   * runs have informed; `null` otherwise and on informed's own row. Paired like value. Negative:
   * the engine came closer to informed. Not part of the verdict.
   */
  readonly gap_to_informed: FigureChange | null;
  readonly verdict: Verdict;
  /** Figures significantly worse by more than the tolerance. */
  readonly regressions: readonly ('fill rate' | 'value')[];
}

export interface ScenarioComparison {
  readonly scenario: string;
  readonly old: string;
  readonly new: string;
  /** `paired`: the same cases and seed, compared case by case; `intervals`: by confidence intervals. */
  readonly test: 'paired' | 'intervals';
  /** Why the runs could not be paired, when they could not. */
  readonly unpairedBecause: string | null;
  readonly tolerance: number;
  readonly engines: readonly EngineComparison[];
  readonly onlyOld: readonly string[];
  readonly onlyNew: readonly string[];
}

const key = (r: CaseRow): string => `${r.replicate}\u001f${r.case_id}`;

const MONEY_KEYS = ['value_per_hire', 'cost_per_invite', 'cost_per_overbooking'] as const;

/**
 * How the money parameters of two runs differ, or null. Value and regret are defined by them,
 * and engines are told them, so runs with other money measure other things: no verdict.
 */
export function moneyProblem(a: Summary, b: Summary): string | null {
  const differ = MONEY_KEYS.filter((k) => a.params[k] !== b.params[k]).map((k) => `${k} ${a.params[k]} → ${b.params[k]}`);
  return differ.length === 0 ? null : differ.join(', ');
}

/**
 * Whether two runs saw the very same candidates: same seed, replicates, money and cases,
 * and the hindsight oracle (a function of the latent candidates alone) the same on every
 * case. Then differences are the engines' doing and can be tested case by case.
 */
export function pairingProblem(a: RunSide, b: RunSide): string | null {
  if (a.rows === null || b.rows === null) return 'cases.csv is missing on one side';
  const sa = a.summary;
  const sb = b.summary;
  if (sa.seed !== sb.seed) return `the seeds differ (${sa.seed} and ${sb.seed})`;
  if (sa.replicates !== sb.replicates) return `the replicates differ (${sa.replicates} and ${sb.replicates})`;
  if (moneyProblem(sa, sb) !== null) return 'the money parameters differ';
  const oracleA = new Map(a.rows.filter((r) => r.engine === ORACLE).map((r) => [key(r), r]));
  const oracleB = b.rows.filter((r) => r.engine === ORACLE);
  if (oracleA.size !== oracleB.length) return `the runs have ${oracleA.size} and ${counted(oracleB.length, 'case')}`;
  for (const r of oracleB) {
    const o = oracleA.get(key(r));
    if (o === undefined) return `case ${r.case_id} of replicate ${r.replicate} is on one side only`;
    if (o.value !== r.value || o.oracle_invites !== r.oracle_invites || o.pool_size !== r.pool_size || o.num_vacancies !== r.num_vacancies) {
      return `case ${r.case_id} has other candidates on each side (the scenario changed)`;
    }
  }
  return null;
}

function change(old: number, now: number, ci: readonly [number, number] | null, significant: boolean): FigureChange {
  const diff = now - old;
  return { old, new: now, diff, relative: old === 0 ? null : diff / Math.abs(old), ci95: ci, significant };
}

/**
 * Significant without pairing: each mean lies outside the other's interval. A side without
 * an interval (one case, or a run made with too few resamples) supports no verdict.
 */
function apart(a: Interval, b: Interval): boolean {
  const ia = a.ci95;
  const ib = b.ci95;
  if (ia === null || ib === null) return false;
  return (b.mean < ia[0] || b.mean > ia[1]) && (a.mean < ib[0] || a.mean > ib[1]);
}

function beyond(f: FigureChange, tolerance: number): boolean {
  return f.relative === null ? Math.abs(f.diff) > tolerance : Math.abs(f.relative) > tolerance;
}

function verdictOf(fill: FigureChange, value: FigureChange, tolerance: number): { verdict: Verdict; regressions: ('fill rate' | 'value')[] } {
  const regressions: ('fill rate' | 'value')[] = [];
  if (fill.significant && fill.diff < 0 && beyond(fill, tolerance)) regressions.push('fill rate');
  if (value.significant && value.diff < 0 && beyond(value, tolerance)) regressions.push('value');
  if (regressions.length > 0) return { verdict: 'regression', regressions };
  const up = [fill, value].filter((f) => f.significant && f.diff > 0).length;
  const down = [fill, value].filter((f) => f.significant && f.diff < 0).length;
  if (up > 0 && down > 0) return { verdict: 'mixed', regressions };
  if (up > 0) return { verdict: 'better', regressions };
  if (down > 0) return { verdict: 'worse', regressions };
  return { verdict: 'unchanged', regressions };
}

/**
 * Compares two runs of one scenario, engine by engine. With the same cases and seed the
 * test is paired: a bootstrap interval of the per-case differences, far tighter than two
 * independent intervals. A figure is a regression when it is significantly worse by more
 * than `tolerance` (relative to the old value).
 */
export function compareRuns(oldSide: RunSide, newSide: RunSide, tolerance: number = DEFAULT_TOLERANCE): ScenarioComparison {
  const oldEngines = new Map(oldSide.summary.engines.map((e) => [e.engine, e]));
  const newEngines = new Map(newSide.summary.engines.map((e) => [e.engine, e]));
  const common = newSide.summary.engines.map((e) => e.engine).filter((e) => e !== ORACLE && oldEngines.has(e));
  const unpairedBecause = pairingProblem(oldSide, newSide);
  const paired = unpairedBecause === null;

  // The split on both sides: each engine's gap to informed is compared too.
  const gapBoth = (engine: string): boolean =>
    engine !== INFORMED && oldEngines.get(engine)?.gap_to_informed !== undefined && newEngines.get(engine)?.gap_to_informed !== undefined;
  let pairedIntervals = new Map<string, { fill: Interval; value: Interval; gap: Interval | null }>();
  if (paired && oldSide.rows !== null && newSide.rows !== null) {
    const oldRows = new Map(oldSide.rows.map((r) => [`${r.engine}\u001f${key(r)}`, r]));
    const newRows = new Map(newSide.rows.map((r) => [`${r.engine}\u001f${key(r)}`, r]));
    const valueOf = (rows: Map<string, CaseRow>, engine: string, r: CaseRow): number => rows.get(`${engine}\u001f${key(r)}`)?.value ?? Number.NaN;
    const series: Float64Array[] = [];
    const gapSlots = new Map<string, number>();
    for (const engine of common) {
      const rows = newSide.rows.filter((r) => r.engine === engine);
      const fill = new Float64Array(rows.length);
      const value = new Float64Array(rows.length);
      rows.forEach((r, i) => {
        const o = oldRows.get(`${engine}\u001f${key(r)}`);
        fill[i] = r.fill_rate - (o?.fill_rate ?? Number.NaN);
        value[i] = r.value - (o?.value ?? Number.NaN);
      });
      series.push(fill, value);
    }
    for (const engine of common.filter(gapBoth)) {
      const rows = newSide.rows.filter((r) => r.engine === engine);
      // (informed − engine) new, minus the same old, case by case.
      const gap = Float64Array.from(rows, (r) => valueOf(newRows, INFORMED, r) - r.value - (valueOf(oldRows, INFORMED, r) - valueOf(oldRows, engine, r)));
      gapSlots.set(engine, series.push(gap) - 1);
    }
    // Resampled like the summaries: cases with all their replicates. A run recorded with too
    // few resamples (an old report) still gets a real paired test from its rows.
    const recorded = newSide.summary.params.bootstrap;
    const resamples = recorded >= MIN_BOOTSTRAP ? recorded : DEFAULT_BOOTSTRAP;
    const caseIds = newSide.rows.filter((r) => r.engine === common[0]).map((r) => r.case_id);
    const intervals = bootstrapIntervals(series, resamples, newSide.summary.seed, clustersOf(caseIds));
    const gapAt = (engine: string): Interval | null => {
      const slot = gapSlots.get(engine);
      return slot === undefined ? null : (intervals[slot] as Interval);
    };
    pairedIntervals = new Map(common.map((engine, i) => [engine, { fill: intervals[2 * i] as Interval, value: intervals[2 * i + 1] as Interval, gap: gapAt(engine) }]));
  }

  // A run made with too few resamples (reports of older versions allowed 0) has points for
  // intervals; unpaired, it supports no verdict at all.
  const withoutIntervals = (s: Summary): boolean => s.params.bootstrap < MIN_BOOTSTRAP;
  const noIntervals = withoutIntervals(oldSide.summary) || withoutIntervals(newSide.summary);
  const apartIfIntervals = (a: Interval, b: Interval): boolean => !noIntervals && apart(a, b);
  const engines = common.map((engine): EngineComparison => {
    const o = oldEngines.get(engine) as EngineSummary;
    const n = newEngines.get(engine) as EngineSummary;
    const p = pairedIntervals.get(engine);
    const excludesZero = (i: Interval): boolean => i.ci95 !== null && (i.ci95[0] > 0 || i.ci95[1] < 0);
    const fill = p
      ? change(o.fill_rate.mean, n.fill_rate.mean, p.fill.ci95, excludesZero(p.fill))
      : change(o.fill_rate.mean, n.fill_rate.mean, null, apartIfIntervals(o.fill_rate, n.fill_rate));
    const value = p
      ? change(o.value.mean, n.value.mean, p.value.ci95, excludesZero(p.value))
      : change(o.value.mean, n.value.mean, null, apartIfIntervals(o.value, n.value));
    let gap: FigureChange | null = null;
    if (gapBoth(engine)) {
      const go = o.gap_to_informed as Interval;
      const gn = n.gap_to_informed as Interval;
      gap = p?.gap ? change(go.mean, gn.mean, p.gap.ci95, excludesZero(p.gap)) : change(go.mean, gn.mean, null, apartIfIntervals(go, gn));
    }
    return { engine, fill_rate: fill, value, regret: { old: o.regret.mean, new: n.regret.mean }, gap_to_informed: gap, ...verdictOf(fill, value, tolerance) };
  });

  return {
    scenario: newSide.summary.scenario,
    old: oldSide.label,
    new: newSide.label,
    test: paired ? 'paired' : 'intervals',
    unpairedBecause,
    tolerance,
    engines,
    onlyOld: [...oldEngines.keys()].filter((e) => e !== ORACLE && !newEngines.has(e)),
    onlyNew: [...newEngines.keys()].filter((e) => e !== ORACLE && !oldEngines.has(e)),
  };
}

function arrow(a: string, b: string): string {
  return a === b ? a : `${a} → ${b}`;
}

function relative(f: FigureChange): string {
  return f.relative === null ? '' : ` (${signed(f.relative * 100, 1)} %)`;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  better: 'better',
  worse: 'worse, within tolerance',
  regression: '**regression**',
  unchanged: 'no significant change',
  mixed: 'mixed',
};

/** How both pages say that the two runs were compared case by case. */
export const PAIRED_NOTE = 'Same cases and seed on both sides: each change is tested case by case (paired 95 % bootstrap interval of the differences).';

/** A change's 95 % interval after its figure, ` [low, high]`; nothing without one. */
export function intervalSuffix(ci95: readonly [number, number] | null, show: (x: number) => string): string {
  return ci95 === null ? '' : ` [${show(ci95[0])}, ${show(ci95[1])}]`;
}

/** How both pages read the change in the gap to informed. */
export const GAP_NOTE =
  "*Δ gap to informed*: the change in informed's value minus the engine's (the learnable part of its regret); negative when the engine came closer to informed. Shown when both runs have `informed`.";

/** The change in the gap to informed, `old → new` then the change with its interval; `–` where there is none. */
export function gapCell(g: FigureChange | null): string {
  if (g === null) return '–';
  return `${arrow(money(g.old), money(g.new))}: ${signedMoney(g.diff)}${intervalSuffix(g.ci95, signedMoney)}${g.significant ? ' ✱' : ''}`;
}

/** The markdown of one scenario's comparison: a table and a one-line verdict. */
export function comparisonMarkdown(c: ScenarioComparison): string {
  const out: string[] = [];
  out.push(`### \`${c.scenario}\`: ${c.old} → ${c.new}`, '');
  out.push(
    c.test === 'paired'
      ? PAIRED_NOTE
      : `Not paired (${c.unpairedBecause}): a change counts when each mean lies outside the other's 95 % interval; a side without intervals (one case, or too few bootstrap resamples) gives no verdict.`,
    '',
  );
  const split = c.engines.some((e) => e.gap_to_informed !== null);
  out.push(
    `| engine | fill rate | Δ fill rate | value | Δ value |${split ? ' Δ gap to informed |' : ''} regret | verdict |`,
    `| --- | --- | --- | --- | --- |${split ? ' --- |' : ''} --- | --- |`,
  );
  for (const e of c.engines) {
    const f = e.fill_rate;
    const v = e.value;
    const ciFill = intervalSuffix(f.ci95, (x) => signed(x, 3));
    const ciValue = intervalSuffix(v.ci95, signedMoney);
    out.push(
      `| ${escapeCell(e.engine)} | ${arrow(share(f.old, 3), share(f.new, 3))} | ${signed(f.diff, 3)}${ciFill}${f.significant ? ' ✱' : ''} | ` +
        `${arrow(money(v.old), money(v.new))} | ${signedMoney(v.diff)}${relative(v)}${ciValue}${v.significant ? ' ✱' : ''} | ` +
        (split ? `${gapCell(e.gap_to_informed)} | ` : '') +
        `${arrow(money(e.regret.old), money(e.regret.new))} | ${VERDICT_TEXT[e.verdict]} |`,
    );
  }
  out.push('');
  if (split) out.push(GAP_NOTE, '');
  if (c.engines.some((e) => e.fill_rate.significant || e.value.significant || e.gap_to_informed?.significant === true)) out.push('✱ significant at 95 %.', '');
  if (c.onlyOld.length > 0) out.push(`Only in ${c.old}: ${c.onlyOld.map((e) => `\`${e}\``).join(', ')}.`, '');
  if (c.onlyNew.length > 0) out.push(`Only in ${c.new}: ${c.onlyNew.map((e) => `\`${e}\``).join(', ')}.`, '');
  out.push(verdictLine(c), '');
  return out.join('\n');
}

export function regressionsOf(c: ScenarioComparison): string[] {
  return c.engines.flatMap((e) =>
    e.regressions.map((figure) => {
      const f = figure === 'value' ? e.value : e.fill_rate;
      const pct = f.relative === null ? '' : ` (${signed(f.relative * 100, 1)} %)`;
      const shown = figure === 'value' ? `${money(f.old)} → ${money(f.new)}` : `${share(f.old, 3)} → ${share(f.new, 3)}`;
      return `${c.scenario}: ${e.engine} ${figure} ${shown}${pct}, significantly worse by more than the ${(c.tolerance * 100).toFixed(1)} % tolerance`;
    }),
  );
}

/**
 * The engines of the old run that the new one lacks: a check that no longer runs is a failed
 * check, not an unchanged one.
 */
export function missingOf(c: ScenarioComparison): string[] {
  return c.onlyOld.map((engine) => `${c.scenario}: ${engine} is in ${c.old} but missing from ${c.new}`);
}

export function verdictLine(c: ScenarioComparison): string {
  const regressions = regressionsOf(c);
  const missing = c.onlyOld.map((e) => `\`${e}\``);
  if (regressions.length > 0 || missing.length > 0) {
    const parts = [...regressions, ...(missing.length > 0 ? [`missing from ${c.new}: ${missing.join(', ')}`] : [])];
    return `**Verdict: ${regressions.length > 0 ? 'regression' : 'failed'}.** ${parts.join('; ')}.`;
  }
  const better = c.engines.filter((e) => e.verdict === 'better').map((e) => `\`${e.engine}\``);
  const worse = c.engines.filter((e) => e.verdict === 'worse' || e.verdict === 'mixed').map((e) => `\`${e.engine}\``);
  const parts = [`${c.engines.length - better.length - worse.length} of ${counted(c.engines.length, 'engine')} unchanged`];
  if (better.length > 0) parts.push(`better: ${better.join(', ')}`);
  if (worse.length > 0) parts.push(`worse within the ${(c.tolerance * 100).toFixed(1)} % tolerance: ${worse.join(', ')}`);
  return `**Verdict: no regression.** ${parts.join('; ')}.`;
}
