import { describe, expect, it } from 'vitest';
import { tuneHtml } from '../../src/report/tune-html.ts';
import { tuneMarkdown } from '../../src/report/tune-files.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { shellWord } from '../../src/tune/headline.ts';
import { tuneReport, type StudyFacts } from '../../src/tune/plan.ts';
import type { ConfigSummary, HoldoutEntry } from '../../src/tune/study.ts';

const interval = (mean: number, lo: number, hi: number) => ({ mean, ci95: [lo, hi] as [number, number] });
const figures = (cases: number, value: number) => ({ cases, value, fill_rate: 1, invited: 10, regret: 0, faults: 0 });

/** A configuration of `e` with q = `q`, ranked `rank`, its in-sample Δ value against the defaults [lo, hi]. */
function config(rank: number, q: number, value: number, cases: number, diff: [number, number] | null): ConfigSummary {
  return {
    rank,
    id: q,
    spec: `e:q=${q}`,
    params: { q },
    is_default: diff === null,
    status: cases === 150 ? 'survived' : 'dropped',
    dropped_after: cases === 150 ? null : cases,
    p_value: null,
    overall: figures(cases, value),
    vs_defaults: diff === null ? null : { value_diff: interval((diff[0] + diff[1]) / 2, ...diff), fill_rate_diff: interval(0, 0, 0), invited_diff: interval(0, 0, 0) },
    by_scenario: [],
    pareto: false,
  };
}

function holdout(c: ConfigSummary, roles: string[], diff: [number, number] | null): HoldoutEntry {
  return {
    roles,
    id: c.id,
    spec: c.spec,
    in_sample: c.overall,
    holdout: c.overall,
    holdout_vs_defaults: diff === null ? null : { value_diff: interval((diff[0] + diff[1]) / 2, ...diff), fill_rate_diff: interval(0, 0, 0), invited_diff: interval(0, 0, 0) },
  };
}

// As on stoch-constraint × tight_deadlines: the best in sample (q=0) does not hold on the holdout, the runner-up (q=1) does.
const BEST = config(1, 0, 9970, 150, [77, 229]);
const RUNNER = config(2, 1, 9948, 150, [36, 223]);
const DEFAULTS = config(3, 3, 9813, 150, null);
// Dropped early, on easier cases: a higher mean over 20 cases than anything over 150.
const DROPPED = config(4, 2, 11067, 20, [148, 283]);

function facts(holdoutEntries: HoldoutEntry[], configurations = [BEST, RUNNER, DEFAULTS, DROPPED]): StudyFacts {
  return {
    engine: 'e',
    engineParams: { q: { default: 3, description: 'q', min: 0, max: 10, integer: true } },
    method: 'race',
    objective: 'value',
    seed: 7,
    holdoutSeed: 9,
    replicates: 1,
    scenarios: [
      { name: 'tight_deadlines', cases: 100 },
      { name: 'my openings', cases: 50 },
    ],
    space: { engine: 'e', dimensions: [{ key: 'q', integer: true, default: 3, low: 0, high: 4, values: [0, 1, 2, 3, 4], step: null, gridSize: 5, draw: 'values' }] },
    money: DEFAULT_MONEY,
    maxCalls: 100_000,
    bootstrap: 1000,
    settings: { block: 10, minCases: 20, alpha: 0.05, budget: null },
    race: { racers: [], evaluations: 470, rounds: [], stopped: 'cases exhausted' },
    racers: 4,
    totalCases: 150,
    configurations,
    holdout: holdoutEntries,
    given: { engine: 'e', params: ['q=0..4'], scenarios: ['tight_deadlines', 'data/my openings'], budget: null, block: 10 },
  };
}

describe('the headline of a tuning report', () => {
  it('puts forward the configuration that held on the holdout, not the best in sample that did not', () => {
    const report = tuneReport(facts([holdout(BEST, ['best'], [-12, 211]), holdout(RUNNER, ['runner-up'], [8, 238]), holdout(DEFAULTS, ['defaults'], null)]));
    expect(report.winner).toEqual({ spec: 'e:q=1', params: { q: 1 } });
    expect(report.winner_basis).toBe('held');
    expect(report.best_in_sample.spec).toBe('e:q=0');
    const md = tuneMarkdown(report);
    expect(md).toContain('**Winner:** `e:q=1`');
    expect(md).toMatch(/Ranked 2 in sample, and its gain over the defaults held on fresh candidates \(Δ value \+123 \[\+8, \+238\] on the holdout: better\)/);
    expect(md).toMatch(/The best in sample, `e:q=0`, is not put forward: Δ value .* on the holdout: no clear difference/);
    expect(tuneHtml(report, [])).toContain('<strong>Winner:</strong> <code id="winner">e:q=1</code>');
  });

  it('says plainly that none held, and keeps the defaults', () => {
    const report = tuneReport(facts([holdout(BEST, ['best'], [-12, 211]), holdout(RUNNER, ['runner-up'], [-30, 100]), holdout(DEFAULTS, ['defaults'], null)]));
    expect(report.winner.spec).toBe('e:q=3');
    expect(report.winner_basis).toBe('none held');
    expect(report.backtest_commands).toEqual([]);
    const md = tuneMarkdown(report);
    expect(md).toContain('**No winner:** no configuration kept a clear gain over the defaults on the holdout; keep the defaults, `e:q=3`.');
    expect(md).not.toContain('**Winner:**');
  });

  it('gives the command that reruns the study: every scenario, both seeds, the method and the parameters', () => {
    const report = tuneReport(facts([holdout(BEST, ['best'], [10, 211]), holdout(RUNNER, ['runner-up'], [8, 238]), holdout(DEFAULTS, ['defaults'], null)]));
    expect(report.command).toBe("pacebench tune --engine e --param q=0..4 --scenarios 'tight_deadlines,data/my openings' --method race --seed 7 --holdout-seed 9 --block 10");
    expect(report.backtest_commands).toEqual(['pacebench backtest --engines e:q=0 --scenario tight_deadlines', "pacebench backtest --engines e:q=0 --scenario 'data/my openings'"]);
    const md = tuneMarkdown(report);
    expect(md).toContain(report.command);
    for (const c of report.backtest_commands) expect(md).toContain(c);
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });

  it('does not set means over different cases side by side as if comparable', () => {
    const report = tuneReport(facts([holdout(BEST, ['best'], [10, 211]), holdout(RUNNER, ['runner-up'], [8, 238]), holdout(DEFAULTS, ['defaults'], null)]));
    const md = tuneMarkdown(report);
    const table = md.slice(md.indexOf('## Configurations ranked'), md.indexOf('◆ on the Pareto front'));
    expect(table).toMatch(/\| \| \*\*ran all 150 cases\*\* \|[^\n]*\n\| 1 \| `e:q=0`/);
    expect(table).toMatch(/\| \| \*\*dropped after 20 cases: means over those 20 only\*\* \|[^\n]*\n\| 4 \| `e:q=2`/);
    expect(table).toContain('means and ranks compare within a group only');
    const html = tuneHtml(report, []);
    expect(html).toContain('<tr class="group"><th colspan="13" scope="rowgroup">dropped after 20 cases: means over those 20 only</th></tr>');
    // Narrow enough for a 1 280 px window: specs may break after a colon, the status is short.
    expect(html).toContain('<code class="spec">e:<wbr>q=2</code>');
    expect(html).toContain('<td>dropped at 20</td>');
    // Without a race, every row ran every case: one group, no group rows.
    const grid = tuneMarkdown(tuneReport(facts([holdout(BEST, ['best'], [10, 211]), holdout(DEFAULTS, ['defaults'], null)], [BEST, RUNNER, DEFAULTS])));
    expect(grid).not.toContain('ran all 150 cases');
  });
});
