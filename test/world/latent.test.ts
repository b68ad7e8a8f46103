import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenario/types.ts';
import { ACCEPT, NEVER, REJECT, drawLatentPool } from '../../src/world/latent.ts';
import { BEHAVIOURS_HEADER, POOLS_HEADER, lines, scenarioOf } from '../helpers.ts';

function scenarioWith(poolSize: number, behaviourRows: string[]): Scenario {
  return scenarioOf(
    lines(POOLS_HEADER, `C1,${poolSize},3,2021-01-04 09:00:00,2021-01-10 09:00:00,b`),
    lines(BEHAVIOURS_HEADER, ...behaviourRows),
  );
}

const weibull = ['b,all,1,0.3,0.2,0.6,weibull,2.4,10.5'];

describe('latent candidates', () => {
  it('depend only on (seed, replicate, case, position): a bigger pool keeps the first candidates', () => {
    const small = scenarioWith(100, weibull);
    const big = scenarioWith(1000, weibull);
    const a = drawLatentPool(small, small.cases[0]!, 7, 1);
    const b = drawLatentPool(big, big.cases[0]!, 7, 1);
    expect(Array.from(b.delay.slice(0, 100))).toEqual(Array.from(a.delay));
    expect(Array.from(b.outcome.slice(0, 100))).toEqual(Array.from(a.outcome));
  });

  it('are the same on every draw, and differ by seed and by replicate', () => {
    const s = scenarioWith(200, weibull);
    const c = s.cases[0]!;
    expect(drawLatentPool(s, c, 1, 1)).toEqual(drawLatentPool(s, c, 1, 1));
    expect(Array.from(drawLatentPool(s, c, 2, 1).delay)).not.toEqual(Array.from(drawLatentPool(s, c, 1, 1).delay));
    expect(Array.from(drawLatentPool(s, c, 1, 2).delay)).not.toEqual(Array.from(drawLatentPool(s, c, 1, 1).delay));
  });

  it('follow the profile: outcome shares and the Weibull mean', () => {
    const s = scenarioWith(40_000, weibull);
    const pool = drawLatentPool(s, s.cases[0]!, 1, 1);
    const share = (k: number) => pool.outcome.filter((o) => o === k).length / pool.size;
    expect(share(ACCEPT)).toBeCloseTo(0.3, 1);
    expect(share(REJECT)).toBeCloseTo(0.2, 1);
    expect(share(NEVER)).toBeCloseTo(0.5, 1);
    const answered = Array.from(pool.delay).filter(Number.isFinite);
    const mean = answered.reduce((x, y) => x + y, 0) / answered.length;
    // Weibull mean = λ Γ(1 + 1/k) = 10.5 · Γ(1.41667) ≈ 9.31
    expect(mean).toBeGreaterThan(9.1);
    expect(mean).toBeLessThan(9.5);
    let accepting = 0;
    let offers = 0;
    pool.outcome.forEach((o, i) => {
      if (o === ACCEPT) {
        accepting++;
        offers += pool.offerAccepted[i]!;
      } else expect(pool.offerAccepted[i]).toBe(0);
    });
    expect(offers / accepting).toBeCloseTo(0.6, 1);
  });

  it.each([
    ['exponential', 'b,all,1,1,0,1,exponential,15,', 15],
    ['log-normal', 'b,all,1,1,0,1,lognormal,2,0.5', Math.exp(2 + 0.125)],
    ['fixed', 'b,all,1,1,0,1,fixed,12,', 12],
  ])('draws %s delays with the right mean', (_, row, expected) => {
    const s = scenarioWith(40_000, [row]);
    const pool = drawLatentPool(s, s.cases[0]!, 1, 1);
    const mean = pool.delay.reduce((x, y) => x + y, 0) / pool.size;
    expect(Math.abs(mean - expected) / expected).toBeLessThan(0.02);
  });

  it('assigns segments by weight', () => {
    const s = scenarioWith(30_000, ['b,fast,3,1,0,1,fixed,1,', 'b,slow,1,1,0,1,fixed,100,']);
    const pool = drawLatentPool(s, s.cases[0]!, 1, 1);
    const slow = pool.segment.filter((k) => k === 1).length / pool.size;
    expect(slow).toBeCloseTo(0.25, 1);
    pool.segment.forEach((k, i) => expect(pool.delay[i]).toBe(k === 0 ? 1 : 100));
  });
});
