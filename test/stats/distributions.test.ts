import { afterEach, describe, expect, it, vi } from 'vitest';
import { stream } from '../../src/stats/rng.ts';
import {
  betaFromMoments,
  fitLogNormal,
  logNormalQuantile,
  quantile,
  quantileSorted,
  sampleBeta,
  sampleGamma,
} from '../../src/stats/distributions.ts';

describe('Beta by the method of moments', () => {
  it('gives the nbinomial prior: mean 0.04, variance 0.00014', () => {
    const { alpha, beta } = betaFromMoments(0.04, 0.00014);
    expect(alpha).toBeCloseTo(10.9314, 3);
    expect(beta).toBeCloseTo(262.354, 2);
  });

  it('gives the stoch-constraint prior: mean 0.2, variance 0.001', () => {
    const { alpha, beta } = betaFromMoments(0.2, 0.001);
    expect(alpha).toBeCloseTo(31.8, 10);
    expect(beta).toBeCloseTo(127.2, 10);
  });

  it('round-trips: the Beta it gives has that mean and variance', () => {
    const { alpha: a, beta: b } = betaFromMoments(0.3, 0.01);
    expect(a / (a + b)).toBeCloseTo(0.3, 12);
    expect((a * b) / ((a + b) ** 2 * (a + b + 1))).toBeCloseTo(0.01, 12);
  });

  it('refuses moments no Beta has', () => {
    expect(() => betaFromMoments(0.5, 0.3)).toThrow(/variance/);
    expect(() => betaFromMoments(1.2, 0.01)).toThrow(/mean/);
  });
});

describe('sampling from a given generator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never reads Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const random = stream('test');
    for (let i = 0; i < 1000; i++) sampleBeta(31.8, 127.2, random);
    expect(spy).not.toHaveBeenCalled();
  });

  it('repeats exactly for the same seed', () => {
    const a = stream('same');
    const b = stream('same');
    for (let i = 0; i < 100; i++) expect(sampleBeta(2, 5, a)).toBe(sampleBeta(2, 5, b));
  });

  it.each([
    [31.8, 127.2],
    [0.5, 0.5],
    [2, 30],
  ])('Beta(%f, %f) has the right mean and variance', (alpha, beta) => {
    const random = stream('beta', alpha, beta);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleBeta(alpha, beta, random);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    const m = alpha / (alpha + beta);
    const v = (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
    expect(Math.abs(mean - m)).toBeLessThan(4 * Math.sqrt(v / n));
    expect(Math.abs(variance - v) / v).toBeLessThan(0.05);
  });

  it('Gamma(0.3) (the small-shape boost) has mean 0.3', () => {
    const random = stream('gamma');
    let s = 0;
    for (let i = 0; i < 40_000; i++) s += sampleGamma(0.3, random);
    expect(s / 40_000).toBeCloseTo(0.3, 1);
  });
});

describe('interpolated quantile (type 7)', () => {
  it('interpolates linearly between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.3)).toBe(22);
    // 15 solutions, q = 0.3: position 4.2 between the 5th and 6th smallest.
    const xs = Array.from({ length: 15 }, (_, i) => 100 + 10 * i);
    expect(quantileSorted(xs, 0.3)).toBeCloseTo(142, 10);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
    expect(quantile([7], 0.3)).toBe(7);
  });
});

describe('log-normal', () => {
  it('fits by maximum likelihood: mean and 1/n standard deviation of the logs', () => {
    const values = [Math.E, Math.E ** 3];
    expect(fitLogNormal(values)).toEqual({ mu: 2, sigma: 1 });
  });

  it('quantiles: the median is e^μ and the 0.7-quantile is e^(μ + 0.5244σ)', () => {
    expect(logNormalQuantile(0.5, { mu: 2, sigma: 0.5 })).toBeCloseTo(Math.exp(2), 8);
    expect(logNormalQuantile(0.7, { mu: 2, sigma: 0.5 })).toBeCloseTo(Math.exp(2 + 0.5 * 0.524400513), 6);
    expect(logNormalQuantile(0.7, { mu: 1, sigma: 0 })).toBe(Math.E);
  });
});

describe('erfc', () => {
  it('matches known values, and keeps its relative accuracy far in the tail', async () => {
    const { erfc } = await import('../../src/stats/distributions.ts');
    expect(erfc(0)).toBeCloseTo(1, 15);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 14);
    // erfc(6) = 2.151973671249891e-17, erfc(10) = 2.088487583762545e-45
    expect(erfc(6) / 2.151973671249891e-17).toBeCloseTo(1, 10);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 10);
  });
});
