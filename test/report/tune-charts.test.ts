import { describe, expect, it } from 'vitest';
import { paretoPoints, profileChartName, profiledKeys, profilePoints, tuneCharts } from '../../src/report/tune-charts.ts';
import { valueProfiles, type TuneReport } from '../../src/tune/report.ts';
import { paretoFront, type ConfigSummary } from '../../src/tune/study.ts';

const interval = (mean: number, lo: number, hi: number) => ({ mean, ci95: [lo, hi] as [number, number] });

interface Made {
  id: number;
  params: Record<string, number>;
  value: number;
  fill: number;
  invited: number;
  cases?: number;
  isDefault?: boolean;
  diff?: [number, number, number] | null;
  /** Mean paired differences of fill rate and invitations from the defaults. */
  others?: [number, number];
}

/** A report with the given configurations, ranked as given; the front computed as `tune` does. */
function report(made: readonly Made[]): TuneReport {
  const longest = Math.max(...made.map((m) => m.cases ?? 40));
  const front = paretoFront(made.filter((m) => (m.cases ?? 40) === longest).map((m) => ({ id: m.id, fill: m.fill, invited: m.invited })));
  const configurations: ConfigSummary[] = made.map((m, i) => {
    const overall = { cases: m.cases ?? 40, value: m.value, fill_rate: m.fill, invited: m.invited, regret: 0, faults: 0 };
    const d = m.diff ?? null;
    return {
      rank: i + 1,
      id: m.id,
      spec: `e:${Object.entries(m.params).map(([k, v]) => `${k}=${v}`).join(':')}`,
      params: m.params,
      is_default: m.isDefault === true,
      status: (m.cases ?? 40) === longest ? 'survived' : 'dropped',
      dropped_after: (m.cases ?? 40) === longest ? null : (m.cases ?? 40),
      p_value: null,
      overall,
      vs_defaults: d === null ? null : { value_diff: interval(d[0], d[1], d[2]), fill_rate_diff: interval(m.others?.[0] ?? 0, 0, 0), invited_diff: interval(m.others?.[1] ?? 0, 0, 0) },
      by_scenario: [{ scenario: 's', ...overall }],
      pareto: front.has(m.id),
    };
  });
  const keys = [...new Set(made.flatMap((m) => Object.keys(m.params)))];
  return {
    schema_version: 1,
    engine: 'e',
    method: 'race',
    objective: 'value',
    seed: 1,
    holdout_seed: 2,
    replicates: 1,
    scenarios: [{ name: 's', cases: 40 }],
    space: keys.map((key) => ({ key, integer: true, default: 2, low: 1, high: 8, values: null })),
    params: { value_per_hire: 2500, cost_per_invite: 20, cost_per_overbooking: 250, max_calls: 1000, bootstrap: 200 },
    race: null,
    rounds: [],
    stopped: 'cases ran out',
    configurations_evaluated: made.length,
    evaluations: 0,
    full_evaluations: 0,
    winner: { spec: configurations[0]?.spec ?? '', params: made[0]?.params ?? {} },
    winner_basis: configurations[0]?.is_default === true ? 'defaults first' : 'held',
    best_in_sample: { spec: configurations[0]?.spec ?? '', params: made[0]?.params ?? {} },
    command: 'pacebench tune --engine e --param k=1..8 --scenarios s --method race --seed 1 --holdout-seed 2 --block 10',
    backtest_commands: [],
    edges: [],
    configurations,
    holdout: [],
  };
}

// Ranked by value; k is profiled, `fixed` is not (one value).
const RUN = report([
  { id: 3, params: { k: 4, fixed: 1 }, value: 900, fill: 1, invited: 4, diff: [400, 350, 450] },
  { id: 4, params: { k: 5, fixed: 1 }, value: 850, fill: 1, invited: 5, diff: [350, 300, 400] },
  { id: 2, params: { k: 3, fixed: 1 }, value: 700, fill: 0.75, invited: 3, diff: [200, 150, 260] },
  { id: 1, params: { k: 2, fixed: 1 }, value: 500, fill: 0.5, invited: 2, isDefault: true },
  // Dominated by k=3 (more invitations, less fill), and dropped early: never on the front.
  { id: 5, params: { k: 6, fixed: 1 }, value: 300, fill: 0.6, invited: 6, cases: 10, diff: [-150, -300, 10], others: [0.05, 3.5] },
  // Dominated by k=4 on both at once.
  { id: 6, params: { k: 7, fixed: 1 }, value: 400, fill: 0.9, invited: 7, diff: [-100, -140, -60] },
  // Fewest invitations: on the front however poor its value.
  { id: 0, params: { k: 1, fixed: 1 }, value: 250, fill: 0.25, invited: 1, diff: [-250, -260, -240] },
]);

describe('the tune report\'s charts, as data', () => {
  it('profiles each parameter that took two values or more, one point per configuration at its value', () => {
    expect(profiledKeys(RUN)).toEqual(['k']);
    const points = profilePoints(RUN, 'k');
    expect(points).toHaveLength(RUN.configurations.length);
    for (const c of RUN.configurations.filter((c) => c.overall.cases === 40)) {
      const p = points.find((q) => q.spec === c.spec);
      expect(p).toMatchObject({ x: c.params.k, value: c.overall.value, own_value: c.overall.value, cases: c.overall.cases });
    }
    // Dropped after 10 cases: its own mean (300) is over the first cases only; it is placed at the
    // defaults' mean over all of them (500) plus its paired difference (-150), its interval likewise.
    expect(points.find((p) => p.x === 6)).toMatchObject({ value: 350, own_value: 300, lo: 200, hi: 510, cases: 10 });
    // The profile of tune.md (best value per k among the configurations that ran every case) is on the chart's points.
    for (const { x, value } of valueProfiles(RUN)[0]?.points ?? []) expect(points.some((p) => p.x === x && p.value === value)).toBe(true);
  });

  it('places the paired interval against the defaults around each configuration\'s mean; none for the defaults', () => {
    const points = profilePoints(RUN, 'k');
    // value 700 = defaults' 500 + Δ 200; Δ's interval [150, 260] puts it at [650, 760].
    expect(points.find((p) => p.x === 3)).toMatchObject({ lo: 650, hi: 760 });
    expect(points.find((p) => p.x === 2)).toMatchObject({ lo: null, hi: null, role: 'defaults', label: 'defaults' });
    expect(points.find((p) => p.x === 4)).toMatchObject({ role: 'winner', label: 'winner', lo: 850, hi: 950 });
    expect(points.find((p) => p.x === 6)).toMatchObject({ role: 'dropped', label: '' });
    expect(paretoPoints(RUN).points.find((p) => p.spec === 'e:k=6:fixed=1')).toMatchObject({ invited: 5.5, fill_rate: 0.55, pareto: false });
  });

  it('marks as the front exactly the configurations no other beats on fill rate and invitations together', () => {
    const { points, front } = paretoPoints(RUN);
    expect(points).toHaveLength(RUN.configurations.length);
    const complete = points.filter((p) => p.cases === 40);
    const dominated = (p: (typeof points)[number]): boolean =>
      complete.some((q) => q !== p && q.fill_rate >= p.fill_rate && q.invited <= p.invited && (q.fill_rate > p.fill_rate || q.invited < p.invited));
    expect(points.filter((p) => p.pareto)).toEqual(complete.filter((p) => !dominated(p)));
    // In order of invitations, the line the chart draws.
    expect(front.map((p) => p.spec)).toEqual(['e:k=1:fixed=1', 'e:k=2:fixed=1', 'e:k=3:fixed=1', 'e:k=4:fixed=1']);
  });

  it('labels the winner as the defaults when the defaults won', () => {
    const won = report([
      { id: 1, params: { k: 2 }, value: 500, fill: 0.5, invited: 2, isDefault: true },
      { id: 0, params: { k: 1 }, value: 250, fill: 0.25, invited: 1, diff: [-250, -260, -240] },
    ]);
    expect(paretoPoints(won).points.map((p) => p.label)).toEqual(['winner = defaults', '']);
  });

  it('names a chart per profiled parameter, then the front, each with every configuration as a point', () => {
    const charts = tuneCharts(RUN);
    expect(charts.map((c) => c.name)).toEqual(['value-by-k', 'pareto']);
    for (const c of charts) {
      const layers = (c.spec as { layer: { mark: { type: string }; data: { values: unknown[] } }[] }).layer;
      expect(layers.filter((l) => l.mark.type === 'point').map((l) => l.data.values.length)).toEqual([RUN.configurations.length]);
    }
    expect(profileChartName('a.b c')).toBe('value-by-a-b-c');
  });
});
