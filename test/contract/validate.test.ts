import { describe, expect, it } from 'vitest';
import { CONTRACT_REQUEST } from '../helpers.ts';
import { decisionProblem, parseRequest } from '../../src/contract/validate.ts';

describe('decision validity', () => {
  it('accepts a well-formed decision, and a finished one without a callback', () => {
    expect(decisionProblem({ finished: false, num_candidates_needed: 3, callback_time_minutes: 5 })).toBeNull();
    expect(decisionProblem({ finished: true, num_candidates_needed: 0, callback_time_minutes: 0 })).toBeNull();
  });

  it.each([
    [null, /object/],
    [[false, 1, 1], /object/],
    [{ finished: 'no', num_candidates_needed: 1, callback_time_minutes: 1 }, /finished must be a boolean/],
    [{ finished: false, num_candidates_needed: -1, callback_time_minutes: 1 }, /num_candidates_needed/],
    [{ finished: false, num_candidates_needed: 1.5, callback_time_minutes: 1 }, /num_candidates_needed/],
    [{ finished: false, num_candidates_needed: Number.NaN, callback_time_minutes: 1 }, /NaN/],
    [{ finished: false, num_candidates_needed: 1, callback_time_minutes: 0 }, /callback_time_minutes/],
    [{ finished: false, num_candidates_needed: 1, callback_time_minutes: 2.5 }, /callback_time_minutes/],
    [{ finished: false, num_candidates_needed: 1 }, /callback_time_minutes .* got nothing/],
  ])('rejects %j', (decision, reason) => {
    expect(decisionProblem(decision)).toMatch(reason);
  });
});

const valid = CONTRACT_REQUEST;

describe('request parsing', () => {
  it('accepts the contract example', () => {
    const parsed = parseRequest(valid);
    expect(parsed.ok).toBe(true);
  });

  it('accepts `now` for reference_date_time, as the original service did', () => {
    const { reference_date_time, ...rest } = valid;
    const parsed = parseRequest({ ...rest, now: reference_date_time });
    expect(parsed.ok && parsed.request.reference_date_time).toBe(reference_date_time);
  });

  it('names every bad field', () => {
    const parsed = parseRequest({
      ...valid,
      deadline: '2021-02-30 00:00:00',
      num_vacancies: 0,
      extra: 1,
      impacted_candidates_data: [{ notification_status: 'accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: -1 }],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const fields = parsed.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'deadline',
        'num_vacancies',
        'extra',
        'impacted_candidates_data[0].notification_status',
        'impacted_candidates_data[0].time_to_respond_ir_minutes',
      ]),
    );
    expect(parsed.problems.find((p) => p.field === 'deadline')?.message).toMatch(/not a timestamp/);
  });
});
