import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/contract/validate.ts';
import { warmUpRequest } from '../../src/serve/warm-up.ts';

describe('the warm-up calls', () => {
  const requests = Array.from({ length: 2000 }, (_, i) => warmUpRequest(i));

  it('are all valid requests of the contract', () => {
    for (const r of requests) {
      const parsed = parseRequest(JSON.parse(JSON.stringify(r)));
      expect(parsed.ok ? null : parsed.problems, r.correlation_id).toBeNull();
    }
  });

  it('vary what the code sees: every record kind, 0 to 199 records, the calls of a case', () => {
    const kinds = new Set(requests.flatMap((r) => r.impacted_candidates_data.map((c) => `${c.notification_status}/${c.candidate_status}`)));
    expect(kinds.size).toBe(5);
    const sizes = requests.map((r) => r.impacted_candidates_data.length);
    expect(Math.min(...sizes)).toBe(0);
    expect(Math.max(...sizes)).toBe(199);
    expect(new Set(requests.map((r) => r.num_vacancies)).size).toBeGreaterThan(5);
    // Eight calls per case, numbered from 0, so that a case starts and goes on.
    expect(requests.slice(0, 9).map((r) => r.correlation_id)).toEqual([
      ...Array.from({ length: 8 }, (_, k) => `pacebench-warm-up-0_${k}`),
      'pacebench-warm-up-1_0',
    ]);
  });

  it('are the same every time', () => {
    expect(JSON.stringify(warmUpRequest(1234))).toBe(JSON.stringify(requests[1234]));
  });
});
