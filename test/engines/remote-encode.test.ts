import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/contract/types.ts';
import { encodeRequest } from '../../src/engines/remote.ts';
import { LiveCandidateRecord, SimClock } from '../../src/sim/records.ts';

const plain = (request: Request): string => JSON.stringify({ ...request, now: request.reference_date_time });

describe('encodeRequest', () => {
  it('writes what JSON.stringify writes, byte for byte, live records read at the current time', () => {
    const clock = new SimClock();
    const records = Array.from({ length: 40 }, (_, i) => new LiveCandidateRecord(clock, i * 7, i % 5 === 0 ? Infinity : 30 + i * 11, i % 2 === 0, i % 3 === 0));
    const request: Request = {
      correlation_id: 'C0001_12',
      reference_date_time: '2021-03-30 11:55:03',
      deadline: '2021-04-03T09:00:00+02:00',
      num_vacancies: 7,
      num_remaining_in_pool: 300,
      impacted_candidates_data: records,
    };
    for (const t of [0, 45, 200, 10_000]) {
      clock.t = t;
      expect(encodeRequest(request)).toBe(plain(request));
    }
  });

  it('escapes what needs escaping, and writes non-finite numbers as null', () => {
    const request = {
      correlation_id: 'case "7"\\ é\n\u2028_3',
      reference_date_time: '2021-03-30 11:55:03',
      deadline: '2021-04-03 09:00:00',
      num_vacancies: Number.NaN,
      num_remaining_in_pool: 1e21,
      impacted_candidates_data: [
        { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: -0 },
        { notification_status: 'odd "status"', candidate_status: 'cancelled', time_to_respond_ir_minutes: Number.POSITIVE_INFINITY },
        { notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 0.5 },
      ],
    } as unknown as Request;
    expect(encodeRequest(request)).toBe(plain(request));
    expect(encodeRequest({ ...request, impacted_candidates_data: [] })).toBe(plain({ ...request, impacted_candidates_data: [] }));
  });
});
