import { describe, expect, it } from 'vitest';
import type { CandidateRecord } from '../../src/contract/types.ts';
import { CaseBuilder, formatLogProblem } from '../../src/fit/cases.ts';
import type { TraceLine } from '../../src/trace/format.ts';

const P = (minutes: number): CandidateRecord => ({ notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: minutes });
const A = (minutes: number, hired = true): CandidateRecord => ({
  notification_status: 'ir_accepted',
  candidate_status: hired ? 'offer_accepted' : 'cancelled',
  time_to_respond_ir_minutes: minutes,
});
const R = (minutes: number): CandidateRecord => ({ notification_status: 'ir_rejected', candidate_status: 'cancelled', time_to_respond_ir_minutes: minutes });

function call(caseId: string, k: number, at: string, records: CandidateRecord[], o: { pool?: number; vacancies?: number; deadline?: string; engine?: string } = {}): TraceLine {
  return {
    engine: o.engine ?? 'exp',
    replicate: 1,
    request: {
      correlation_id: `${caseId}_${k}`,
      reference_date_time: `2021-01-01 ${at}:00`,
      deadline: o.deadline ?? '2021-01-03 00:00:00',
      num_vacancies: o.vacancies ?? 2,
      num_remaining_in_pool: (o.pool ?? 10) - records.length,
      impacted_candidates_data: records,
    },
    decision: { finished: false, num_candidates_needed: 1, callback_time_minutes: 10 },
  };
}

/** Calls at 10:00, 10:10, 10:30: two invited at the first, one more at the second. */
const calls = [
  call('K1', 0, '10:00', []),
  call('K1', 1, '10:10', [P(10), A(7)]),
  call('K1', 2, '10:30', [R(12), A(7), P(20)]),
];

function build(lines: readonly TraceLine[]) {
  const b = new CaseBuilder();
  lines.forEach((l, i) => b.add(l, i + 1));
  return { cases: b.finish(), problems: b.problems };
}

describe('CaseBuilder', () => {
  it('rebuilds each candidate: answer, offer, and the delay interval or the age when last seen', () => {
    const { cases, problems } = build(calls);
    expect(problems).toEqual([]);
    expect(cases).toHaveLength(1);
    const c = cases[0]!;
    expect(c).toMatchObject({ caseId: 'K1', engine: 'exp', replicate: 1, vacancies: 2, poolSize: 10, calls: 3, sawFirstCall: true });
    expect(new Date(c.start).toISOString()).toBe('2021-01-01T10:00:00.000Z');
    expect(c.candidates).toEqual([
      // pending at age 10, rejected after 12 minutes (seen at age 30): (12, 13]
      { answer: 2, lower: 12, upper: 13, age: 0, offerAccepted: null },
      // accepted after 7 minutes, seen at age 10: (7, 8]
      { answer: 1, lower: 7, upper: 8, age: 0, offerAccepted: true },
      // invited at 10:10, pending at 10:30: censored at 20 minutes
      { answer: 0, lower: 0, upper: 0, age: 20, offerAccepted: null },
    ]);
  });

  it('gives the same cases whatever the order of the lines', () => {
    const shuffled = [calls[2]!, calls[0]!, calls[1]!];
    expect(build(shuffled).cases).toEqual(build(calls).cases);
  });

  it('keeps engines and replicates apart', () => {
    const other = calls.map((l) => ({ ...l, engine: 'nbinomial' }));
    const { cases } = build([...calls, ...other]);
    expect(cases.map((c) => c.engine).sort()).toEqual(['exp', 'nbinomial']);
  });

  it('bounds the delay by the response time alone when calls are missing', () => {
    const { cases } = build([calls[2]!]);
    expect(cases[0]!.candidates[1]).toEqual({ answer: 1, lower: 7, upper: 8, age: 0, offerAccepted: true });
    expect(cases[0]!.sawFirstCall).toBe(false);
  });

  it('reports every problem of a log with its line and field', () => {
    const bad = [
      call('K1', 0, '10:00', []),
      call('K1', 1, '10:10', [P(10), A(7)], { vacancies: 3 }),
      call('K1', 2, '10:30', [P(30), A(7), P(20)], { deadline: '2021-01-04 00:00:00' }),
      call('K1', 3, '10:40', [R(12)]),
      call('K1', 4, '10:50', [P(50), A(8), P(40), { notification_status: 'ir_pending', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 1 }]),
      call('K2', 0, '11:00', [], { pool: 5 }),
      call('K2', 1, '11:10', [P(10)], { pool: 6 }),
      call('bad/id', 0, '11:00', []),
    ];
    const { cases, problems } = build(bad);
    const where = problems.map((p) => `${p.line} ${p.field}`).sort();
    expect(where).toEqual(
      [
        '2 request.num_vacancies',
        '3 request.deadline',
        '4 request.impacted_candidates_data',
        '5 request.impacted_candidates_data[0].notification_status',
        '5 request.impacted_candidates_data[1].time_to_respond_ir_minutes',
        '5 request.impacted_candidates_data[3].candidate_status',
        '7 request.num_remaining_in_pool',
        '8 request.correlation_id',
      ].sort(),
    );
    expect(cases).toEqual([]);
    const back = problems.find((p) => p.line === 5 && p.field.endsWith('notification_status'))!;
    expect(build([calls[0]!, call('K1', 1, '10:10', [P(10), A(7)]), call('K1', 2, '10:30', [P(30), A(7)]), call('K1', 3, '10:40', [R(12), A(7)])]).problems).toEqual([
      { line: 3, field: 'request.impacted_candidates_data[0].time_to_respond_ir_minutes', message: expect.stringMatching(/pending for 30 minutes here, but answered after 12 minutes on line 4/) },
    ]);
    expect(formatLogProblem('log.jsonl', back)).toMatch(/^log\.jsonl:5: request\.impacted_candidates_data\[0\]\.notification_status: ir_pending, but ir_rejected .*line 4.*does not go back to pending/);
  });
});

/** A call as the original clients send it, without correlation id (`serve` logs `""`). */
function bare(at: string, records: CandidateRecord[], o: { pool?: number; vacancies?: number; deadline?: string } = {}): TraceLine {
  const line = call('x', 0, at, records, o);
  return { engine: 'exp', request: { ...line.request, correlation_id: '' }, decision: line.decision };
}

/** A refusal as the original clients sent it, and `serve` accepts. */
const RN = (minutes: number): CandidateRecord => ({ notification_status: 'ir_rejected', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: minutes });

describe('CaseBuilder on calls without correlation id', () => {
  it('groups them by deadline, vacancies and pool, numbers them by time, and reads ir_rejected with not_in_ft as a refusal', () => {
    const one = [bare('10:00', []), bare('10:10', [P(10), A(7)]), bare('10:30', [RN(12), A(7), P(20)])];
    const two = [bare('10:05', [], { pool: 12 }), bare('10:15', [P(10)], { pool: 12 })];
    const lines = [one[2]!, two[1]!, one[0]!, two[0]!, one[1]!];
    const { cases, problems } = build(lines);
    expect(problems).toEqual([]);
    expect(cases.map((c) => [c.caseId, c.calls, c.poolSize, c.sawFirstCall])).toEqual([
      ['nocid-20210103T000000-v2-p10', 3, 10, true],
      ['nocid-20210103T000000-v2-p12', 2, 12, true],
    ]);
    // The same candidates as the correlated calls of the first test: the refusal is a refusal.
    expect(cases[0]!.candidates).toEqual(build(calls).cases[0]!.candidates);
    expect(cases[0]!.replicate).toBeNull();
  });

  it('refuses two openings it cannot tell apart, naming the line', () => {
    const { cases, problems } = build([bare('10:00', []), bare('10:00', []), bare('10:10', [P(10), A(7)])]);
    expect(cases).toEqual([]);
    expect(problems).toEqual([
      { line: 2, field: 'request.reference_date_time', message: expect.stringMatching(/^a call without correlation id at the same time as line 1, both of case nocid-20210103T000000-v2-p10 \(engine exp\): two openings/) },
    ]);
  });
});
