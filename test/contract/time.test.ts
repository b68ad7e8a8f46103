import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../../src/contract/time.ts';

describe('timestamps', () => {
  it('reads the canonical form as UTC', () => {
    expect(parseTimestamp('2021-01-02 03:12:27')).toBe(Date.UTC(2021, 0, 2, 3, 12, 27));
  });

  it('reads ISO 8601 with Z, fractions and offsets', () => {
    const t = Date.UTC(2021, 0, 2, 3, 12, 27);
    expect(parseTimestamp('2021-01-02T03:12:27Z')).toBe(t);
    expect(parseTimestamp('2021-01-02T03:12:27')).toBe(t);
    expect(parseTimestamp('2021-01-02T03:12:27.500Z')).toBe(t + 500);
    expect(parseTimestamp('2021-01-02T05:12:27+02:00')).toBe(t);
    expect(parseTimestamp('2021-01-01T22:12:27-05:00')).toBe(t);
  });

  it.each([
    '2021-13-01 00:00:00',
    '2021-02-29 00:00:00',
    '2021-04-31 10:00:00',
    '2021-01-01 24:00:00',
    '2021-01-01 10:60:00',
    '2021-1-01 10:00:00',
    '01/02/2021 10:00',
    '2021-01-01',
    '',
    '0021-01-01 00:00:00',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseTimestamp('2020-02-29 12:00:00')).toBe(Date.UTC(2020, 1, 29, 12));
  });

  it('formats back to the canonical form', () => {
    const text = '2021-03-04 05:06:07';
    expect(formatTimestamp(parseTimestamp(text) as number)).toBe(text);
    expect(formatTimestamp(Date.UTC(2021, 0, 1, 0, 0, 59, 999))).toBe('2021-01-01 00:00:59');
  });
});
