import { describe, expect, it } from 'vitest';
import { Law, delayCdf } from '../../../src/engines/informed/law.ts';
import type { Segment } from '../../../src/scenario/types.ts';

const SEGMENTS: Segment[] = [
  { id: 'a', weight: 0.8, pAccept: 0.07, pReject: 0.03, pOfferAccept: 0.5, delay: { kind: 'lognormal', mu: 3, sigma: 1.3 } },
  { id: 'b', weight: 0.05, pAccept: 0, pReject: 0.4, pOfferAccept: 0.6, delay: { kind: 'exponential', mean: 23 } },
  { id: 'c', weight: 0.15, pAccept: 0.06, pReject: 0.2, pOfferAccept: 0.5, delay: { kind: 'weibull', shape: 2.1, scale: 2600 } },
  { id: 'd', weight: 0.1, pAccept: 0.5, pReject: 0, pOfferAccept: 1, delay: { kind: 'fixed', minutes: 90 } },
];

/** pendingHireBetween as it was before the tables: every cdf computed afresh. */
function afresh(segments: readonly Segment[], e: number, x: number): number {
  const total = segments.reduce((s, g) => s + g.weight, 0);
  let num = 0;
  let pending = 0;
  for (const g of segments) {
    const fe = delayCdf(g.delay, e);
    const h = (g.weight / total) * g.pAccept * g.pOfferAccept;
    pending += g.weight / total - (g.weight / total) * (g.pAccept + g.pReject) * fe;
    if (h > 0) num += h * ((x === Infinity ? 1 : delayCdf(g.delay, x)) - fe);
  }
  return pending > 0 ? Math.max(0, num / pending) : 0;
}

describe('informed: the law read from its tables', () => {
  it('gives, bit for bit, what computing every cdf afresh gives, whatever was read before', () => {
    const law = new Law(SEGMENTS);
    const ages = [0, 1, 7, 89, 90, 600, 4000, 40_000, 2.5, 1e7];
    const waits = [1, 2, 3, 5, 60, 61, 2000, 9000];
    for (const round of [0, 1]) {
      for (const e of round === 0 ? ages : [...ages].reverse()) {
        const out = new Float64Array(2 * waits.length + 1).fill(-1);
        law.pendingHireWithin(e, waits, out, 2, 1);
        waits.forEach((w, j) => {
          const expected = afresh(SEGMENTS, e, e + w);
          expect(out[2 * j + 1]).toBe(expected);
          expect(out[2 * j]).toBe(-1);
          expect(law.pendingHireBetween(e, e + w)).toBe(expected);
        });
        expect(law.pendingHireBetween(e, Infinity)).toBe(afresh(SEGMENTS, e, Infinity));
      }
    }
  });
});
