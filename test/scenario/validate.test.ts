import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/scenario/problems.ts';
import { BEHAVIOURS_HEADER, CANDIDATES_HEADER, POOLS_HEADER, check, lines, locations, scenarioOf } from '../helpers.ts';

const BEHAVIOURS = lines(BEHAVIOURS_HEADER, 'b,all,1,0.1,0.1,0.6,weibull,2.4,10.5');
const POOL = 'C1,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b';

function poolsProblem(row: string): string[] {
  return locations(check(lines(POOLS_HEADER, POOL, row), BEHAVIOURS));
}

function behavioursProblem(row: string): string[] {
  return locations(check(lines(POOLS_HEADER, POOL), lines(BEHAVIOURS_HEADER, 'b,all,1,0.1,0.1,0.6,weibull,2.4,10.5', row)));
}

describe('pools.csv problems name the file, line and column', () => {
  it.each([
    ['an empty case id', ',100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'case_id'],
    ['a case id with a space', 'C 2,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'case_id'],
    ['a duplicate case id', 'C1,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'case_id'],
    ['a fractional pool size', 'C2,10.5,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'pool_size'],
    ['a negative pool size', 'C2,-1,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'pool_size'],
    ['no vacancies', 'C2,100,0,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'num_vacancies'],
    ['a month 13', 'C2,100,3,2021-13-01 00:00:00,2021-12-05 09:00:00,b', 'start'],
    ['a deadline before the start', 'C2,100,3,2021-01-05 09:00:00,2021-01-04 09:00:00,b', 'deadline'],
    ['a deadline equal to the start', 'C2,100,3,2021-01-05 09:00:00,2021-01-05 09:00:00,b', 'deadline'],
    ['an undefined behaviour', 'C2,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,nope', 'behaviour'],
    ['no behaviour and no trace', 'C2,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,', 'behaviour'],
  ])('%s', (_, row, column) => {
    expect(poolsProblem(row)).toEqual([`pools.csv:3 ${column}`]);
  });

  it('a row with too few cells', () => {
    expect(poolsProblem('C2,100,3')).toEqual(['pools.csv:3 -']);
  });

  it('an unknown column (a typo must not pass silently) and a missing one', () => {
    const result = check(lines('case_id,pool_size,num_vacancies,start,dedline,behaviour', POOL), BEHAVIOURS);
    expect(locations(result)).toEqual(['pools.csv:1 dedline', 'pools.csv:1 deadline']);
  });

  it('quotes the spec example message', () => {
    const result = check(lines(POOLS_HEADER, 'C1,100,3,2021-01-04 09:00:00,2021-13-01 00:00:00,b'), BEHAVIOURS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatProblem(result.problems[0] as never)).toBe(
        'pools.csv:2: column deadline: "2021-13-01 00:00:00" is not a timestamp (expected YYYY-MM-DD HH:MM:SS or ISO 8601)',
      );
    }
  });

  it('invalid CSV (an unclosed quote) is a problem, not a crash', () => {
    const result = check(lines(POOLS_HEADER, 'C1,100,3,"2021-01-04 09:00:00,2021-01-05 09:00:00,b'), BEHAVIOURS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toMatch(/not valid CSV/);
  });

  it('an unclosed quote is named at the row that opens it, not at the end of the file, and no warning follows from it', () => {
    const rows = Array.from({ length: 6 }, (_, i) => `C${i + 2},100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b`);
    rows[1] = `${rows[1]},"unterminated`;
    const result = check(lines(POOLS_HEADER, POOL, ...rows), lines(BEHAVIOURS_HEADER, 'b,all,1,0.1,0.1,0.6,weibull,2.4,10.5', 'unused,all,1,0.1,0.1,0.6,weibull,2.4,10.5'));
    expect(locations(result)).toEqual(['pools.csv:4 -']);
    expect(result.warnings).toEqual([]);
  });
});

describe('behaviours.csv problems', () => {
  it.each([
    ['a zero weight', 'b,x,0,0.1,0.1,0.6,weibull,2.4,10.5', 'weight'],
    ['a probability above 1', 'b,x,1,1.2,0.1,0.6,weibull,2.4,10.5', 'p_accept'],
    ['p_accept + p_reject above 1', 'b,x,1,0.7,0.4,0.6,weibull,2.4,10.5', 'p_reject'],
    ['an unknown distribution', 'b,x,1,0.1,0.1,0.6,gamma,2.4,10.5', 'delay_dist'],
    ['a Weibull shape of 0', 'b,x,1,0.1,0.1,0.6,weibull,0,10.5', 'delay_a'],
    ['a log-normal without sigma', 'b,x,1,0.1,0.1,0.6,lognormal,2,', 'delay_b'],
    ['an exponential with a second parameter', 'b,x,1,0.1,0.1,0.6,exponential,10,3', 'delay_b'],
    ['a negative fixed delay', 'b,x,1,0.1,0.1,0.6,fixed,-1,', 'delay_a'],
    ['a duplicate segment', 'b,all,1,0.1,0.1,0.6,fixed,1,', 'segment'],
    ['a probability that is not a number', 'b,x,1,0.1,abc,0.6,fixed,1,', 'p_reject'],
  ])('%s', (_, row, column) => {
    expect(behavioursProblem(row)).toEqual([`behaviours.csv:3 ${column}`]);
  });

  it('a profile defined and never used is a warning, not an error', () => {
    const result = check(lines(POOLS_HEADER, POOL), lines(BEHAVIOURS_HEADER, 'b,all,1,0.1,0.1,0.6,weibull,2.4,10.5', 'unused,all,1,0.1,0.1,0.6,fixed,3,'));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => `${w.file}:${w.line} ${w.column}`)).toEqual(['behaviours.csv:3 behaviour']);
  });

  it('normalises segment weights to sum to 1', () => {
    const s = scenarioOf(lines(POOLS_HEADER, POOL), lines(BEHAVIOURS_HEADER, 'b,x,3,0.1,0.1,0.6,fixed,1,', 'b,y,1,0.1,0.1,0.6,fixed,2,'));
    expect(s.behaviours.b?.segments.map((x) => x.weight)).toEqual([0.75, 0.25]);
  });
});

describe('candidates.csv problems', () => {
  const pools = lines(POOLS_HEADER, 'R1,,2,2021-01-04 09:00:00,2021-01-05 09:00:00,', 'R2,3,2,2021-01-04 09:00:00,2021-01-05 09:00:00,');
  const ok = ['R1,0,accepted,offer_accepted,5', 'R1,1,rejected,,2', 'R2,0,no_response,,', 'R2,1,no_response,,', 'R2,2,no_response,,'];

  function candidatesProblem(...extra: string[]): string[] {
    return locations(check(pools, null, lines(CANDIDATES_HEADER, ...ok, ...extra)));
  }

  it('a well-formed trace loads, with the pool in position order', () => {
    const s = scenarioOf(pools, null, lines(CANDIDATES_HEADER, 'R1,1,rejected,,2', 'R1,0,accepted,offer_accepted,5', ...ok.slice(2)));
    expect(s.cases[0]?.trace?.map((t) => t.outcome)).toEqual(['accepted', 'rejected']);
    expect(s.cases[0]?.poolSize).toBe(2);
  });

  it.each([
    ['an unknown case', 'R9,0,rejected,,1', 'case_id'],
    ['a duplicate position', 'R1,1,rejected,,1', 'position'],
    ['an unknown outcome', 'R1,2,maybe,,1', 'outcome'],
    ['an offer on a rejection', 'R1,2,rejected,offer_accepted,1', 'offer'],
    ['an acceptance without its offer outcome', 'R1,2,accepted,,1', 'offer'],
    ['a delay on a no-response', 'R1,2,no_response,,4', 'delay_minutes'],
    ['a negative delay', 'R1,2,rejected,,-4', 'delay_minutes'],
  ])('%s', (_, row, column) => {
    expect(candidatesProblem(row)).toEqual([`candidates.csv:7 ${column}`]);
  });

  it('gaps in positions are reported on the case\'s first line', () => {
    expect(candidatesProblem('R1,5,rejected,,1')).toEqual(['candidates.csv:2 position']);
  });

  it('a pool size that disagrees with the trace', () => {
    const result = check(pools, null, lines(CANDIDATES_HEADER, ...ok.slice(0, 4)));
    expect(locations(result)).toEqual(['pools.csv:3 pool_size']);
  });
});

describe('every problem at once', () => {
  it('collects problems across files and lines instead of stopping at the first', () => {
    const result = check(
      lines(POOLS_HEADER, 'C1,x,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'C2,100,0,2021-01-04 09:00:00,2021-01-05 09:00:00,b'),
      lines(BEHAVIOURS_HEADER, 'b,all,1,0.1,0.1,0.6,weibull,-2,10.5'),
    );
    expect(locations(result)).toEqual(['behaviours.csv:2 delay_a', 'pools.csv:2 pool_size', 'pools.csv:3 num_vacancies']);
  });
});

describe('what real CSV exports contain is tolerated', () => {
  const plain = {
    pools: lines(POOLS_HEADER, 'C1,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'C2,50,2,2021-01-06T10:00:00Z,2021-01-07 10:00:00,b'),
    behaviours: BEHAVIOURS,
  };
  const reference = scenarioOf(plain.pools, plain.behaviours);

  it.each([
    ['CRLF line endings', (t: string) => t.replace(/\n/g, '\r\n')],
    ['a UTF-8 byte-order mark', (t: string) => `\uFEFF${t}`],
    ['comment and blank lines', (t: string) => t.replace(/\n/, '\n# exported 2021-02-01\n\n   \n')],
    ['spaces around cells', (t: string) => t.replace(/,/g, ' , ')],
    ['spreadsheet rows of empty cells', (t: string) => `${t},,,,,\n`],
    ['no final newline', (t: string) => t.replace(/\n$/, '')],
  ])('%s', (_, transform) => {
    const variant = scenarioOf(transform(plain.pools), transform(plain.behaviours));
    expect(variant).toEqual(reference);
  });

  it('any column order', () => {
    const pools = lines(
      'deadline,behaviour,case_id,start,num_vacancies,pool_size',
      '2021-01-05 09:00:00,b,C1,2021-01-04 09:00:00,3,100',
      '2021-01-07 10:00:00,b,C2,2021-01-06T10:00:00Z,2,50',
    );
    const behaviours = lines(
      'delay_b,delay_a,delay_dist,p_offer_accept,p_reject,p_accept,weight,segment,behaviour',
      '10.5,2.4,weibull,0.6,0.1,0.1,1,all,b',
    );
    expect(scenarioOf(pools, behaviours)).toEqual(reference);
  });
});

describe('inputs that must not crash or flood', () => {
  it('a header after comment lines is cited on its own line', () => {
    const result = check(lines('# exported 2021-01-06', '# by the ops team', 'case_id,pool_size,num_vacancies,start,dedline,behaviour', POOL), BEHAVIOURS);
    expect(locations(result)).toEqual(['pools.csv:3 dedline', 'pools.csv:3 deadline']);
  });

  it('a missing or empty behaviours.csv is one problem, not one per case', () => {
    const pools = lines(POOLS_HEADER, POOL, 'C2,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'C3,100,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b');
    const missing = check(pools, null);
    expect(missing.ok).toBe(false);
    expect(missing.ok ? [] : missing.problems.map(formatProblem)).toEqual([
      'behaviours.csv: is missing: the cases of pools.csv name behaviours (first on line 2)',
    ]);
    const empty = check(pools, '');
    expect(empty.ok ? [] : empty.problems.map(formatProblem)).toEqual(['behaviours.csv: is empty: expected a header row']);
  });

  it.each([
    ['a pool of 1e23 written out', 'C2,100000000000000000000000,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'pool_size'],
    ['a pool above the largest pacebench plays', 'C2,100000001,3,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'pool_size'],
    ['vacancies above it', 'C2,100,100000001,2021-01-04 09:00:00,2021-01-05 09:00:00,b', 'num_vacancies'],
  ])('%s is refused with its line', (_, row, column) => {
    expect(poolsProblem(row)).toEqual([`pools.csv:3 ${column}`]);
  });

  it('a trace position of 99 999 999 999 is refused, not looped over', () => {
    const result = check(
      lines(POOLS_HEADER, 'T1,,1,2021-01-04 09:00:00,2021-01-05 09:00:00,'),
      null,
      lines(CANDIDATES_HEADER, 'T1,0,accepted,offer_accepted,5', 'T1,99999999999,rejected,,5'),
    );
    expect(locations(result)).toEqual(['candidates.csv:3 position']);
  });
});
