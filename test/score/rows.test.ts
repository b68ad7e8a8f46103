import { describe, expect, it } from 'vitest';
import { alwaysFaulted, type CaseRow } from '../../src/score/rows.ts';

describe('alwaysFaulted', () => {
  const row = (engine: string, fault: string | null) => ({ engine, fault }) as unknown as CaseRow;
  it('names the engines with a fault on every case, with the first fault, and no other', () => {
    const rows = [row('oracle', null), row('a', 'HTTP 404'), row('b', 'threw'), row('a', 'timeout'), row('b', null), row('c', null)];
    expect(alwaysFaulted(rows)).toEqual([{ engine: 'a', cases: 2, first: 'HTTP 404' }]);
    expect(alwaysFaulted([])).toEqual([]);
  });
});
