import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/contract/types.ts';
import { encodeTraceLine, parseTraceLine, splitCorrelationId } from '../../src/trace/format.ts';
import { LiveCandidateRecord, SimClock } from '../../src/sim/records.ts';

const request: Request = {
  correlation_id: 'C0001_2',
  reference_date_time: '2021-01-02 03:12:27',
  deadline: '2021-01-05 09:00:00',
  num_vacancies: 3,
  num_remaining_in_pool: 10,
  impacted_candidates_data: [
    { notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 4 },
    { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 7 },
  ],
};
const decision = { finished: false, num_candidates_needed: 3, callback_time_minutes: 10 };

describe('trace lines', () => {
  it('round-trip through the encoder and the parser', () => {
    const text = encodeTraceLine({ engine: 'exp', replicate: 1, request, decision });
    expect(text.startsWith('{"engine":"exp","replicate":1,"request":{"correlation_id":"C0001_2"')).toBe(true);
    expect(text).not.toContain('\n');
    const parsed = parseTraceLine(text);
    expect(parsed).toEqual({ ok: true, line: { engine: 'exp', replicate: 1, request, decision } });
  });

  it('carry a fault as a null decision, and leave out what a service does not know', () => {
    const faulted = JSON.parse(encodeTraceLine({ engine: 'x', replicate: 2, request, decision: null, fault: 'threw' }));
    expect(faulted).toMatchObject({ decision: null, fault: 'threw' });
    const service = JSON.parse(encodeTraceLine({ engine: 'x', request }));
    expect(Object.keys(service)).toEqual(['engine', 'request']);
    expect(parseTraceLine(JSON.stringify(service)).ok).toBe(true);
  });

  it('hold the plain records an engine saw at that call, not live views', () => {
    const clock = new SimClock();
    clock.t = 5;
    const live = new LiveCandidateRecord(clock, 0, 3.5, true, false);
    const text = encodeTraceLine({ engine: 'e', request: { ...request, impacted_candidates_data: [live] } });
    clock.t = 1; // later changes of the clock do not reach the line
    expect(JSON.parse(text).request.impacted_candidates_data).toEqual([
      { notification_status: 'ir_accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: 3 },
    ]);
  });

  it('name every bad field', () => {
    const bad = { engine: '', replicate: 0, request: { ...request, num_vacancies: 0, impacted_candidates_data: [{ notification_status: 'x', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 1 }] }, decision: { finished: 'no' }, extra: 1 };
    const parsed = parseTraceLine(JSON.stringify(bad));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.field).sort()).toEqual(
      ['decision', 'engine', 'extra', 'replicate', 'request.impacted_candidates_data[0].notification_status', 'request.num_vacancies'].sort(),
    );
    expect(parseTraceLine('{"engine":')).toMatchObject({ ok: false, problems: [{ field: '(line)' }] });
    expect(parseTraceLine('[1]')).toMatchObject({ ok: false });
    expect(parseTraceLine('{"engine":"e"}')).toMatchObject({ ok: false, problems: [{ field: 'request', message: 'is missing' }] });
  });

  it('split correlation ids at the last underscore', () => {
    expect(splitCorrelationId('Case_7_12')).toEqual({ caseId: 'Case_7', call: 12 });
    expect(splitCorrelationId('C1')).toBeNull();
    expect(splitCorrelationId('C1_x')).toBeNull();
  });
});
