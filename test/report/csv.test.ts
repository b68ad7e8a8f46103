import { describe, expect, it } from 'vitest';
import { casesCsv, parseCasesCsv } from '../../src/report/csv.ts';
import { caseRow, oracleRow } from '../../src/score/rows.ts';

const facts = { replicate: 1, caseId: 'c1', poolSize: 400, vacancies: 5, window: 1440 };
const oracle = { invited: 40, hires: 5, overbooked: 0, timeToFill: 60, value: 12500 - 12.5 * 40 };
const money = { valuePerHire: 2500, costPerInvite: 12.5, costPerOverbooking: 250.1 };

describe('cases.csv', () => {
  it('rounds money like the other figures and reads back what it writes', () => {
    const play = { invited: 137, calls: 9, fault: null, overAsks: 0 };
    // 3 overbooked at 250.1 and 137 invitations at 12.5 give 13664.600000000002 unrounded.
    const outcome = { hires: 5, offerAcceptances: 8, timeToFill: 93.25 };
    const rows = [caseRow(facts, 'exp', play, outcome, oracle, money), oracleRow(facts, oracle)];
    expect(rows[0]?.value).toBe(12500 - 12.5 * 137 - 250.1 * 3);
    expect(String(rows[0]?.value)).not.toMatch(/0000000|9999999/);
    const text = casesCsv(rows);
    expect(parseCasesCsv(text, 'cases.csv')).toEqual(rows);
  });

  it('refuses a row no run could have written, with its line', () => {
    const rows = [caseRow(facts, 'exp', { invited: 50, calls: 4, fault: null, overAsks: 0 }, { hires: 5, offerAcceptances: 5, timeToFill: 80 }, oracle, money)];
    const text = casesCsv(rows).replace(',5,1,', ',5,2,');
    expect(() => parseCasesCsv(text, 'shard/cases.csv')).toThrow(/shard\/cases.csv:2: column fill_rate: 2 is not hires \/ num_vacancies = 1/);
  });
});
