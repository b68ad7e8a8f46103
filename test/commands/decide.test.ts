import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/commands/decide.ts';
import { memoryIo } from '../helpers.ts';

const request = (call: number, list: object[] = [], extra: object = {}) => ({
  correlation_id: `C_${call}`,
  reference_date_time: '2021-01-04 09:00:00',
  deadline: '2021-01-08 09:00:00',
  num_vacancies: 9,
  num_remaining_in_pool: 400 - list.length,
  impacted_candidates_data: list,
  ...extra,
});

async function run(engine: string, text: string): Promise<{ code: number; lines: unknown[] }> {
  const io = memoryIo();
  const code = await decide({ engine, seed: 1 }, io, { text, source: 'requests.jsonl' });
  return { code, lines: io.out.trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('pacebench decide', () => {
  it('answers one request with one decision line', async () => {
    expect(await run('nbinomial', JSON.stringify(request(0)))).toEqual({
      code: 0,
      lines: [{ finished: false, num_candidates_needed: 27, callback_time_minutes: 7 }],
    });
  });

  it('reads a pretty-printed request, `now` for the time, and a JSON array', async () => {
    const { reference_date_time, ...rest } = request(0);
    expect((await run('exp', JSON.stringify({ ...rest, now: reference_date_time }, null, 2))).lines).toHaveLength(1);
    expect((await run('exp', JSON.stringify([request(0), request(1)]))).lines).toHaveLength(2);
  });

  it('keeps one engine instance for all lines, as a session would', async () => {
    const hire = { notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 40 };
    const lines = [
      request(0),
      { ...request(1, [hire, hire, hire]), correlation_id: 'A_1' },
      { ...request(0), correlation_id: 'B_0' },
    ];
    const { lines: out } = await run('stoch-constraint', lines.map((l) => JSON.stringify(l)).join('\n'));
    // Case A's accepted times (40, 40, 40) joined the memory [16] by the time case B starts.
    expect((out[2] as { callback_time_minutes: number }).callback_time_minutes).toBe(40);
  });

  it('names the line and the field of an invalid request, and answers none', async () => {
    const io = memoryIo();
    const text = [JSON.stringify(request(0)), JSON.stringify(request(1, [], { num_vacancies: 'nine' }))].join('\n');
    await expect(decide({ engine: 'exp', seed: 1 }, io, { text, source: 'requests.jsonl' })).rejects.toThrow(
      'requests.jsonl:2: field num_vacancies: expected an integer >= 1, got "nine"',
    );
    expect(io.out).toBe('');
  });

  it('names the line that is not JSON', async () => {
    await expect(run('exp', `${JSON.stringify(request(0))}\n{oops\n`)).rejects.toThrow(/requests.jsonl:2: not JSON/);
  });

  it('runs an engine from a module path', async () => {
    const engine = path.join(import.meta.dirname, '..', 'fixtures', 'engines', 'factory.mjs');
    expect((await run(engine, JSON.stringify(request(0)))).lines).toEqual([{ finished: false, num_candidates_needed: 10, callback_time_minutes: 10 }]);
  });
});
