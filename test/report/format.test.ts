import { describe, expect, it } from 'vitest';
import { percent, share } from '../../src/report/format.ts';

describe('shares', () => {
  it('never round up to 100 % or down to 0 % unless exactly that', () => {
    expect(percent(0.998)).toBe('99.8 %');
    expect(percent(0.99999)).toBe('99.999 %');
    expect(percent(1)).toBe('100 %');
    expect(percent(0.0004)).toBe('0.04 %');
    expect(percent(0)).toBe('0 %');
    expect(percent(0.5)).toBe('50 %');
    expect(percent(0.9996, 1)).toBe('99.96 %');
    expect(share(0.9996, 3)).toBe('0.9996');
    expect(share(1, 3)).toBe('1.000');
    expect(share(0.00004, 3)).toBe('0.00004');
    expect(share(0.25, 3)).toBe('0.250');
  });
});
