import { describe, expect, it } from 'vitest';
import { fitWarnings, type WarningInput } from '../../src/fit/warnings.ts';

/** A fit the log supports: cold_start's figures (docs/fit.md). */
const good: WarningInput = {
  openings: 200,
  invited: 40121,
  accepted: 1200,
  rejected: 1180,
  offerKnown: 1150,
  delayParameters: 2,
  intervals: {
    p_accept: { estimate: 0.1025, low: 0.09961, high: 0.1055 },
    p_reject: { estimate: 0.1002, low: 0.09718, high: 0.103 },
    p_none: { estimate: 0.7973, low: 0.7934, high: 0.8017 },
    p_offer_accept: { estimate: 0.5871, low: 0.5717, high: 0.6044 },
    delay_shape: { estimate: 2.422, low: 2.375, high: 2.473 },
    delay_scale: { estimate: 10.48, low: 10.36, high: 10.58 },
  },
};

const about = (input: WarningInput) => fitWarnings(input).map((w) => `${w.parameter ?? '(fit)'}: ${w.message}`);

describe('fitWarnings', () => {
  it('says nothing of a fit the log supports', () => {
    expect(fitWarnings(good)).toEqual([]);
  });

  it('flags too few openings and answers, and shares resting on few events', () => {
    const w = about({ ...good, openings: 2, accepted: 9, rejected: 9, offerKnown: 6 });
    expect(w).toEqual([
      expect.stringMatching(/^\(fit\): only 2 openings: .*fewer than 10 openings/),
      expect.stringMatching(/^\(fit\): only 18 answers for the 4 parameters of the response model \(fewer than 10 per parameter\)$/),
      'p_accept: p_accept rests on 9 acceptances (fewer than 10)',
      'p_reject: p_reject rests on 9 refusals (fewer than 10)',
      'p_offer_accept: p_offer_accept rests on 6 known offer outcomes (fewer than 10)',
    ]);
  });

  it('flags an estimate on the boundary, or at the end of its own interval (the issue\'s p_none 3.5e-13, p_accept 0.68 [0.647, 1])', () => {
    const w = about({
      ...good,
      intervals: {
        ...good.intervals,
        p_accept: { estimate: 0.68, low: 0.647, high: 1 },
        p_none: { estimate: 3.5e-13, low: 3.5e-13, high: 0.02 },
      },
    });
    expect(w).toEqual([
      expect.stringMatching(/^p_none: p_none = 3\.5e-13 is on the boundary of \[0, 1\]: fewer than half a candidate of 40121 on one side$/),
      expect.stringMatching(/^p_none: p_none = 3\.5e-13 is at the end of its own 95 % interval \[3\.5e-13, 0\.02\]/),
    ]);
    // 0.68 inside [0.647, 1] is not at an end; the interval is narrow enough: no warning for it.
    expect(about({ ...good, intervals: { ...good.intervals, p_accept: { estimate: 1, low: 0.647, high: 1 } } })).toEqual([
      expect.stringMatching(/^p_accept: p_accept = 1 is on the boundary of \[0, 1\]/),
      expect.stringMatching(/^p_accept: p_accept = 1 is at the end of its own 95 % interval \[0\.647, 1\]/),
    ]);
  });

  it('flags intervals that do not pin a parameter down, and missing ones', () => {
    const w = about({
      ...good,
      delayParameters: 2,
      intervals: {
        ...good.intervals,
        p_reject: { estimate: 0.3, low: 0.05, high: 0.6 },
        delay_scale: { estimate: 10, low: 2, high: 40 },
        delay_shape: { estimate: 2, low: NaN, high: NaN },
      },
    });
    expect(w).toEqual([
      expect.stringMatching(/^p_reject: p_reject has the 95 % interval \[0\.05, 0\.6\], which covers more than half of \[0, 1\]/),
      'delay_shape: delay_shape has no interval: no bootstrap resample could be fitted',
      expect.stringMatching(/^delay_scale: delay_scale has the 95 % interval \[2, 40\], which spans more than a factor of 10/),
    ]);
    expect(about({ ...good, intervals: { delay_mu: { estimate: 5, low: 3.8, high: 6.2 } } })).toEqual([expect.stringMatching(/^delay_mu: .*factor of 10 in the delay \(2\.4 in ln minutes\)/)]);
    expect(about({ ...good, intervals: { delay_mu: { estimate: 5, low: 4, high: 6 } } })).toEqual([]);
  });
});
