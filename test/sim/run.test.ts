import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/contract/types.ts';
import { resolveEngines, type ResolvedEngine } from '../../src/engines/load.ts';
import { parseEngineList } from '../../src/engines/spec.ts';
import { checkScenario } from '../../src/scenario/read.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import type { CaseRow } from '../../src/score/rows.ts';
import { planUnits, runUnit, type RunConfig } from '../../src/sim/run.ts';
import { runUnits } from '../../src/sim/workers.ts';

function load(name: string): Scenario {
  const check = checkScenario(name);
  if (!check.ok) throw new Error(`scenario ${name} does not load`);
  return check.scenario;
}

const config: RunConfig = { seed: 3, replicates: 2, carryState: false, maxCalls: 100_000, money: DEFAULT_MONEY };
const tiny = load('test/fixtures/tiny');

function runAll(scenario: Scenario, engines: readonly ResolvedEngine[], c: RunConfig = config): CaseRow[] {
  return planUnits(scenario, c).flatMap((u) => runUnit(scenario, engines, c, u) as CaseRow[]);
}

const rowsOf = (rows: CaseRow[], engine: string) => rows.filter((r) => r.engine === engine);

/** Records every request it is sent, as plain JSON, in a shared log. */
function recorder(name: string, log: Map<string, string[]>): ResolvedEngine {
  const seen: string[] = [];
  log.set(name, seen);
  return {
    label: name,
    spec: { text: name, ref: name, params: [] },
    params: {},
    definition: {
      name,
      description: 'records requests',
      create: () => ({
        decide(request: Request) {
          seen.push(JSON.stringify(request));
          return { finished: false, num_candidates_needed: 3, callback_time_minutes: 17 };
        },
      }),
    },
  };
}

describe('common random numbers', () => {
  it('two engines face exactly the same candidates', () => {
    const log = new Map<string, string[]>();
    const rows = runAll(tiny, [recorder('first', log), recorder('second', log)]);
    expect(log.get('first')?.length).toBeGreaterThan(20);
    expect(log.get('second')).toEqual(log.get('first'));
    const strip = (r: CaseRow) => ({ ...r, engine: '' });
    expect(rowsOf(rows, 'second').map(strip)).toEqual(rowsOf(rows, 'first').map(strip));
  });

  it('adding or removing engines changes nothing in another engine\'s rows, random ones included', async () => {
    const alone = runAll(tiny, await resolveEngines(parseEngineList(['stoch-constraint'])));
    const crowd = runAll(tiny, await resolveEngines(parseEngineList(['exp,nbinomial,stoch-constraint,all-at-once'])));
    expect(rowsOf(crowd, 'stoch-constraint')).toEqual(rowsOf(alone, 'stoch-constraint'));
    expect(rowsOf(crowd, 'oracle')).toEqual(rowsOf(alone, 'oracle'));
  });

  it('replicates differ, and the same seed repeats', async () => {
    const engines = await resolveEngines(parseEngineList(['exp']));
    const rows = runAll(tiny, engines);
    const one = rows.filter((r) => r.replicate === 1).map((r) => r.value);
    const two = rows.filter((r) => r.replicate === 2).map((r) => r.value);
    expect(one).not.toEqual(two);
    expect(runAll(tiny, engines)).toEqual(rows);
  });
});

describe('worker threads', () => {
  it('give the same rows in the same order whatever their number', async () => {
    const engines = await resolveEngines(parseEngineList(['exp,stoch-constraint,test/fixtures/engines/half-pool.ts']));
    const scenario = load('cold_start');
    const units = planUnits(scenario, config).slice(0, 60);
    const serial = await runUnits({ scenario, engines, config, units, workers: 1 });
    const parallel = await runUnits({ scenario, engines, config, units, workers: 3, helpers: 'at-once' });
    // An engine from a user's module runs only in guarded helper threads, one at least.
    expect(serial.helperThreads).toBe(1);
    expect(parallel.helperThreads).toBe(3);
    expect(parallel.rowsByUnit).toEqual(serial.rowsByUnit);
  });

  it('leave pacebench\'s own engines on this thread until helpers are worth it', async () => {
    const engines = await resolveEngines(parseEngineList(['exp,stoch-constraint']));
    const scenario = load('cold_start');
    const units = planUnits(scenario, config).slice(0, 40);
    const serial = await runUnits({ scenario, engines, config, units, workers: 1 });
    const parallel = await runUnits({ scenario, engines, config, units, workers: 2, helpers: 'at-once' });
    expect(serial.helperUnits).toBe(0);
    expect(parallel.helperUnits).toBeGreaterThan(0);
    expect(parallel.rowsByUnit).toEqual(serial.rowsByUnit);
  });

  it('carry engine state across cases deterministically', async () => {
    const engines = await resolveEngines(parseEngineList(['stoch-constraint']));
    const carry = { ...config, carryState: true };
    const units = planUnits(tiny, carry);
    expect(units).toHaveLength(2);
    const a = await runUnits({ scenario: tiny, engines, config: carry, units, workers: 1 });
    const b = await runUnits({ scenario: tiny, engines, config: carry, units, workers: 2, helpers: 'at-once' });
    expect(b.rowsByUnit).toEqual(a.rowsByUnit);
    expect(a.rowsByUnit.flat()).toHaveLength(2 * tiny.cases.length * 2);
  });
});

describe('regret is never negative', () => {
  it.each(['cold_start', 'tight_deadlines', 'scarce_pool', 'slow_responders', 'mixed_segments', 'large_pools', 'trace_replay'])(
    'on every case of %s, for every engine',
    async (name) => {
      const scenario = load(name);
      const engines = await resolveEngines(parseEngineList(['exp,exp-decay,nbinomial,stoch-constraint,all-at-once']));
      const c = { ...config, replicates: 1 };
      const result = await runUnits({ scenario, engines, config: c, units: planUnits(scenario, c), workers: 2 });
      const rows = result.rowsByUnit.flat();
      expect(rows).toHaveLength(scenario.cases.length * 6);
      const negative = rows.filter((r) => r.regret < 0);
      expect(negative).toEqual([]);
      expect(rows.filter((r) => r.fault !== null)).toEqual([]);
    },
  );
});
