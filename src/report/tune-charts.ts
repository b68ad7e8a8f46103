/**
 * The charts of a tuning run's report.html: value against each tuned parameter, and the
 * Pareto front of fill rate against invitations. Pure builders of each chart's data from
 * tune.json, and the Vega-Lite specification that draws it (only the library's types here).
 */
import type { TuneReport } from '../tune/report.ts';
import type { ConfigSummary } from '../tune/study.ts';
import { OKABE_ITO } from './charts/palette.ts';
import { colourChannel, HEIGHT, themed, WIDTH, type ChartSpec } from './charts/theme.ts';

/** What a configuration is in the charts; the winner and the defaults stand out. */
export type Role = 'winner' | 'defaults' | 'winner = defaults' | 'survived' | 'dropped';

/** Colours of the roles: Okabe–Ito for the two that matter, greys for the rest. */
export const ROLE_COLOURS: Readonly<Record<Role, string>> = {
  winner: OKABE_ITO[0],
  defaults: OKABE_ITO[1],
  'winner = defaults': OKABE_ITO[2],
  survived: '#7f7f7f',
  dropped: '#bdbdbd',
};

const ROLES: readonly Role[] = ['winner', 'defaults', 'winner = defaults', 'survived', 'dropped'];

/** The id of the configuration the report puts forward (`report.winner`, not merely the best in sample). */
export function winnerIdOf(report: TuneReport): number {
  return report.configurations.find((c) => c.spec === report.winner.spec)?.id ?? -1;
}

export function roleOf(c: ConfigSummary, winnerId: number): Role {
  const winner = c.id === winnerId;
  if (winner && c.is_default) return 'winner = defaults';
  if (winner) return 'winner';
  if (c.is_default) return 'defaults';
  return c.status === 'survived' ? 'survived' : 'dropped';
}

const labelOf = (role: Role): string => (role === 'survived' || role === 'dropped' ? '' : role);

export interface ProfilePoint {
  readonly spec: string;
  readonly role: Role;
  /** The parameter's value. */
  readonly x: number;
  /**
   * Mean value per case over every case the run played: the configuration's own mean when it
   * ran them all; for one a race dropped earlier, the defaults' mean plus its paired difference
   * over the cases it ran (its own mean, over the first cases only, is not comparable).
   */
  readonly value: number;
  /** Its own mean over the cases it ran. */
  readonly own_value: number;
  /**
   * The 95 % paired interval of the difference from the defaults, placed around the
   * configuration's own mean (the defaults' mean over the same cases plus the interval);
   * `null` for the defaults and when there is no interval.
   */
  readonly lo: number | null;
  readonly hi: number | null;
  readonly cases: number;
  readonly label: string;
}

/** One point per configuration, for the parameter `key`. */
export function profilePoints(report: TuneReport, key: string): ProfilePoint[] {
  const winnerId = winnerIdOf(report);
  const longest = Math.max(0, ...report.configurations.map((c) => c.overall.cases));
  const defaults = report.configurations.find((c) => c.is_default)?.overall ?? null;
  return report.configurations.flatMap((c) => {
    const x = c.params[key];
    if (x === undefined) return [];
    const role = roleOf(c, winnerId);
    const d = c.vs_defaults?.value_diff ?? null;
    const ci = d?.ci95 ?? null;
    const anchored = d !== null && defaults !== null && c.overall.cases < longest;
    const value = anchored ? defaults.value + d.mean : c.overall.value;
    // The paired interval of the difference, placed on the defaults' mean over the same cases.
    const shift = d === null ? 0 : value - d.mean;
    return [
      {
        spec: c.spec,
        role,
        x,
        value,
        own_value: c.overall.value,
        lo: ci === null ? null : shift + ci[0],
        hi: ci === null ? null : shift + ci[1],
        cases: c.overall.cases,
        label: labelOf(role),
      },
    ];
  });
}

/** The parameters that took two values or more: each gets a chart. */
export function profiledKeys(report: TuneReport): string[] {
  return report.space
    .map((d) => d.key)
    .filter((key) => new Set(report.configurations.flatMap((c) => (c.params[key] === undefined ? [] : [c.params[key]]))).size >= 2);
}

export interface ParetoPoint {
  readonly spec: string;
  readonly role: Role;
  /** Means per case over every case the run played, placed as `ProfilePoint.value` is for a configuration dropped early. */
  readonly invited: number;
  readonly fill_rate: number;
  /** On the front of fill rate against invitations (among the configurations that ran every case). */
  readonly pareto: boolean;
  readonly cases: number;
  readonly label: string;
}

/** Every configuration, and the front's points in order of invitations (the line that joins them). */
export function paretoPoints(report: TuneReport): { points: ParetoPoint[]; front: ParetoPoint[] } {
  const winnerId = winnerIdOf(report);
  const longest = Math.max(0, ...report.configurations.map((c) => c.overall.cases));
  const defaults = report.configurations.find((c) => c.is_default)?.overall ?? null;
  const points = report.configurations.map((c) => {
    const role = roleOf(c, winnerId);
    const d = c.vs_defaults;
    const anchored = d !== null && defaults !== null && c.overall.cases < longest;
    const invited = anchored ? defaults.invited + d.invited_diff.mean : c.overall.invited;
    const fill_rate = anchored ? defaults.fill_rate + d.fill_rate_diff.mean : c.overall.fill_rate;
    return { spec: c.spec, role, invited, fill_rate, pareto: c.pareto, cases: c.overall.cases, label: labelOf(role) };
  });
  const front = points.filter((p) => p.pareto).sort((a, b) => a.invited - b.invited || a.fill_rate - b.fill_rate || (a.spec < b.spec ? -1 : 1));
  return { points, front };
}

/** A chart's file name for a parameter: letters, digits, `-` and `_` only. */
export function profileChartName(key: string): string {
  return `value-by-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

const ON_FRONT = 'on the front';
const OFF_FRONT = 'behind it';

function roleColour(present: readonly Role[]) {
  const domain = ROLES.filter((r) => present.includes(r));
  return colourChannel('role', 'configuration', domain, (r) => ROLE_COLOURS[r]);
}

/** Configurations dropped before the last case are placed by estimate: drawn faint. */
const opacity = { field: 'seen', type: 'ordinal' as const, legend: null, sort: ['all', 'fewer'], scale: { domain: ['all', 'fewer'], range: [0.95, 0.35] } };

/**
 * The winner's label above its point and the defaults' below, so that the two stay apart
 * when their points are close.
 */
function labels(labelled: readonly { readonly role: Role }[], x: object, y: object, roles: readonly Role[]) {
  return [
    { values: labelled.filter((p) => p.role !== 'defaults'), dy: -12 },
    { values: labelled.filter((p) => p.role === 'defaults'), dy: 16 },
  ]
    .filter((l) => l.values.length > 0)
    .map((l) => ({ data: { values: l.values }, mark: { type: 'text' as const, dy: l.dy, fontSize: 11, fontWeight: 'bold' as const }, encoding: { x, y, text: { field: 'label' }, color: roleColour(roles) } }));
}

function profileSpec(report: TuneReport, key: string): ChartSpec {
  const points = profilePoints(report, key);
  const longest = Math.max(0, ...points.map((p) => p.cases));
  const data = points.map((p) => ({ ...p, seen: p.cases === longest ? 'all' : 'fewer' }));
  const roles = [...new Set(points.map((p) => p.role))];
  const dimension = report.space.find((d) => d.key === key);
  const x = { field: 'x', type: 'quantitative' as const, title: `${key} (parameter value)`, scale: { zero: false, nice: false, padding: 12 }, ...(dimension?.integer === true ? { axis: { format: 'd', tickMinStep: 1 } } : {}) };
  const y = { field: 'value', type: 'quantitative' as const, title: 'value per case (money units)', scale: { zero: false } };
  const intervals = data.filter((p) => p.lo !== null);
  const labelled = data.filter((p) => p.label !== '');
  return {
    name: profileChartName(key),
    title: `Value against ${key}`,
    question: `How does the mean value per case move with ${key}? One point per configuration (others differ in the other parameters); bars: 95 % paired intervals against the defaults; faint: dropped by the race before its last case, placed at the defaults' mean plus its paired difference over the cases it ran.`,
    spec: {
      title: { text: `Mean value per case against ${key}`, subtitle: 'one point per configuration; bars: 95 % paired interval vs the defaults' },
      width: WIDTH,
      height: HEIGHT,
      layer: [
        ...(intervals.length === 0
          ? []
          : [{ data: { values: intervals }, mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.6 }, encoding: { x, y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' }, color: roleColour(roles) } }]),
        { data: { values: data }, mark: { type: 'point' as const, filled: true, size: 70 }, encoding: { x, y, color: roleColour(roles), opacity } },
        ...labels(labelled, x, y, roles),
      ],
    },
  };
}

function paretoSpec(report: TuneReport): ChartSpec {
  const { points, front } = paretoPoints(report);
  const longest = Math.max(0, ...points.map((p) => p.cases));
  const data = points.map((p) => ({ ...p, seen: p.cases === longest ? 'all' : 'fewer', front: p.pareto ? ON_FRONT : OFF_FRONT }));
  const roles = [...new Set(points.map((p) => p.role))];
  const x = { field: 'invited', type: 'quantitative' as const, title: 'invitations per case (mean)', scale: { zero: false, padding: 12 } };
  // Fill rates within a few points of each other need a decimal to tell the ticks apart.
  const fills = points.map((p) => p.fill_rate);
  const format = Math.max(0, ...fills) - Math.min(1, ...fills) < 0.1 ? '.1%' : '.0%';
  const y = { field: 'fill_rate', type: 'quantitative' as const, title: 'fill rate (%)', axis: { format }, scale: { zero: false, padding: 12 } };
  const labelled = data.filter((p) => p.label !== '');
  return {
    name: 'pareto',
    title: 'Pareto front',
    question: 'Which configurations buy the most fill rate for their invitations? The line joins the front: no other configuration fills more with as few invitations. Faint: dropped by the race before its last case, placed at the means of the defaults plus its paired differences over the cases it ran; never on the front.',
    spec: {
      title: { text: 'Fill rate against invitations per case', subtitle: 'line: the Pareto front (more fill, fewer invitations is better)' },
      width: WIDTH,
      height: HEIGHT,
      layer: [
        { data: { values: front }, mark: { type: 'line' as const, color: '#555555', strokeWidth: 1.5, strokeDash: [5, 3] }, encoding: { x, y, order: { field: 'invited', type: 'quantitative' as const } } },
        {
          data: { values: data },
          mark: { type: 'point' as const, filled: true, size: 70 },
          encoding: {
            x,
            y,
            color: roleColour(roles),
            opacity,
            shape: {
              field: 'front',
              type: 'nominal' as const,
              title: 'Pareto front',
              scale: { domain: [ON_FRONT, OFF_FRONT], range: ['diamond', 'circle'] },
              legend: { symbolFillColor: '#555555', symbolStrokeColor: '#555555' },
            },
          },
        },
        ...labels(labelled, x, y, roles),
      ],
    },
  };
}

/** Every chart of a tuning report, in the page's order: one per profiled parameter, then the front. */
export function tuneCharts(report: TuneReport): ChartSpec[] {
  return themed([...profiledKeys(report).map((key) => profileSpec(report, key)), paretoSpec(report)]);
}
