import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/commands/backtest.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { bootstrapIntervals } from '../../src/score/summary.ts';
import { binomialPmf } from '../../src/stats/distributions.ts';
import { BEHAVIOURS_HEADER, POOLS_HEADER, lines, memoryIo } from '../helpers.ts';

/**
 * The simulator against exact probability. With everyone invited at once, the offer
 * acceptances arriving by the deadline are Binomial(N, q), q the chance of an on-time
 * hire, so the fill rate is E[min(X, V)]/V and the overbooked E[X_all] − E[min(X, V)].
 */
const N = 30;
const V = 3;
const CASES = 400;
const REPLICATES = 5;

function expectedMinimum(n: number, q: number, v: number): number {
  let e = 0;
  for (let k = 0; k <= n; k++) e += binomialPmf(k, n, q) * Math.min(k, v);
  return e;
}

async function backtestAllAtOnce(behaviour: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-exact-'));
  const scenario = path.join(dir, 'exact');
  mkdirSync(scenario);
  const pools = Array.from({ length: CASES }, (_, i) => `E${i},${N},${V},2021-01-04 09:00:00,2021-01-04 11:00:00,b`);
  writeFileSync(path.join(scenario, 'pools.csv'), lines(POOLS_HEADER, ...pools));
  writeFileSync(path.join(scenario, 'behaviours.csv'), lines(BEHAVIOURS_HEADER, behaviour));
  const io = memoryIo(dir);
  const result = await backtest(
    {
      scenario,
      engines: ['all-at-once'],
      seed: 11,
      replicates: REPLICATES,
      workers: 2,
      out: path.join(dir, 'report'),
      format: 'md',
      carryState: false,
      maxCalls: 100_000,
      money: DEFAULT_MONEY,
      bootstrap: 1000,
    },
    io,
  );
  const rows = result.rows.filter((r) => r.engine === 'all-at-once');
  expect(rows).toHaveLength(CASES * REPLICATES);
  const summary = result.summary?.engines.find((e) => e.engine === 'all-at-once');
  const [overbooked] = bootstrapIntervals([Float64Array.from(rows, (r) => r.overbooked)], 1000, 11);
  return { rows, summary, overbooked };
}

describe('the backtest agrees with exact probability', () => {
  it('fixed delay inside the window: hires are min(V, Binomial(N, p_accept · p_offer_accept))', async () => {
    // p_accept 0.25, p_offer_accept 0.4: q = 0.1; every answer arrives after exactly 30 minutes.
    const { rows, summary, overbooked } = await backtestAllAtOnce('b,all,1,0.25,0.25,0.4,fixed,30,');
    const q = 0.1;
    const fill = expectedMinimum(N, q, V) / V;
    const over = N * q - expectedMinimum(N, q, V);
    expect(summary).toBeDefined();
    const ci = summary!.fill_rate.ci95!;
    expect(ci[0]).toBeLessThanOrEqual(fill);
    expect(ci[1]).toBeGreaterThanOrEqual(fill);
    expect(overbooked!.ci95![0]).toBeLessThanOrEqual(over);
    expect(overbooked!.ci95![1]).toBeGreaterThanOrEqual(over);
    // Every filled case fills when the answers arrive, 30 minutes in.
    for (const r of rows) if (r.time_to_fill_minutes !== null) expect(r.time_to_fill_minutes).toBe(30);
    // And the intervals are tight enough to mean something.
    expect(ci[1] - ci[0]).toBeLessThan(0.05);
  });

  it('exponential delay against a 2-hour deadline: on time with probability 1 − e^−2', async () => {
    const { summary, overbooked } = await backtestAllAtOnce('b,all,1,0.25,0.25,0.4,exponential,60,');
    const onTime = 0.1 * (1 - Math.exp(-2));
    const hires = expectedMinimum(N, onTime, V);
    const fill = hires / V;
    const over = N * 0.1 - hires;
    const ci = summary!.fill_rate.ci95!;
    expect(ci[0]).toBeLessThanOrEqual(fill);
    expect(ci[1]).toBeGreaterThanOrEqual(fill);
    expect(overbooked!.ci95![0]).toBeLessThanOrEqual(over);
    expect(overbooked!.ci95![1]).toBeGreaterThanOrEqual(over);
  });
});
