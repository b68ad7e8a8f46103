import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/commands/decide.ts';
import { parseArgv } from '../../src/cli.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../../src/engines/call.ts';
import { UserError } from '../../src/errors.ts';
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

describe('decide and engines that misbehave', () => {
  const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'engines');

  it('stops at --engine-timeout when a Promise never settles, naming the engine and the line (exit 1)', async () => {
    const io = memoryIo();
    const text = [JSON.stringify(request(0)), JSON.stringify(request(1))].join('\n');
    const started = performance.now();
    const failure = await decide({ engine: path.join(FIXTURES, 'never-settles.mjs'), seed: 1, timeoutMs: 100 }, io, { text, source: 'requests.jsonl' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).exitCode).toBe(1);
    expect((failure as UserError).message).toBe('requests.jsonl:1: engine never-settles gave no decision within 100 ms (--engine-timeout)');
    expect(io.out).toBe('');
  });

  it('has --engine-timeout, 10 000 ms by default', async () => {
    const parsed = await parseArgv(['decide', '--engine', 'exp', '--engine-timeout', '250', 'x.jsonl']);
    expect(parsed).toMatchObject({ kind: 'decide', options: { timeoutMs: 250 } });
    const given = await parseArgv(['decide', '--engine', 'exp']);
    expect(given.kind === 'decide' && given.options.timeoutMs).toBe(undefined);
    const help = await parseArgv(['decide', '--help']);
    expect(help.kind === 'output' && help.text).toMatch(new RegExp(`--engine-timeout, --timeout-ms .*\\[default: ${DEFAULT_ENGINE_TIMEOUT_MS} ms\\]`));
  });

  it('accepts a request without correlation_id, as the service\'s /optim-* paths do', async () => {
    const { correlation_id: _, ...rest } = request(0);
    expect(await run('nbinomial', JSON.stringify(rest))).toEqual({
      code: 0,
      lines: [{ finished: false, num_candidates_needed: 27, callback_time_minutes: 7 }],
    });
  });
});

describe('what each record state means to each seed engine (spec/engines.md)', () => {
  const record = (notification: string, candidate: string, minutes = 30) => ({
    notification_status: notification,
    candidate_status: candidate,
    time_to_respond_ir_minutes: minutes,
  });
  const three = (r: object) => JSON.stringify(request(1, [r, r, r]));

  it('an accepted invitation whose offer is still open is censored, not a failure', async () => {
    // Prior Beta(10.93, 262.35): 1 + 262.35 / 9.93 rounds to 27; three failures would make it 28.
    const open = await run('nbinomial', three(record('ir_accepted', 'not_in_ft')));
    expect(open.lines).toEqual([{ finished: false, num_candidates_needed: 27, callback_time_minutes: 30 }]);
    const refused = await run('nbinomial', three(record('ir_rejected', 'cancelled')));
    expect(refused.lines).toEqual([{ finished: false, num_candidates_needed: 28, callback_time_minutes: 7 }]);
    // stoch-constraint sizes from the same posterior: open offers size like pending ones.
    const pending = await run('stoch-constraint', three(record('ir_pending', 'not_in_ft')));
    const openSc = await run('stoch-constraint', three(record('ir_accepted', 'not_in_ft')));
    const declined = await run('stoch-constraint', three(record('ir_accepted', 'cancelled')));
    const size = (r: { lines: unknown[] }) => (r.lines[0] as { num_candidates_needed: number }).num_candidates_needed;
    expect(size(openSc)).toBe(size(pending));
    expect(size(declined)).toBeGreaterThan(size(pending));
  });

  it('a refusal sent as ir_rejected with not_in_ft, as the original service README did, counts as a refusal', async () => {
    const legacy = await run('nbinomial', three(record('ir_rejected', 'not_in_ft')));
    expect(legacy.lines).toEqual([{ finished: false, num_candidates_needed: 28, callback_time_minutes: 7 }]);
  });

  it.each(['exp', 'exp-decay', 'nbinomial', 'stoch-constraint', 'all-at-once'])(
    '%s finishes on the same rule: offer acceptances reach the vacancies',
    async (engine) => {
      const hire = record('ir_accepted', 'offer_accepted');
      const full = { ...request(1, [hire, hire]), num_vacancies: 2 };
      expect((await run(engine, JSON.stringify(full))).lines).toEqual([{ finished: true, num_candidates_needed: 0, callback_time_minutes: 0 }]);
    },
  );

  it.each([
    ['ir_pending', 'offer_accepted', /candidate_status: "offer_accepted" cannot go with notification_status "ir_pending"/],
    ['ir_pending', 'cancelled', /candidate_status: "cancelled" cannot go with notification_status "ir_pending"/],
    ['ir_rejected', 'offer_accepted', /candidate_status: "offer_accepted" cannot go with notification_status "ir_rejected"/],
  ])('refuses the impossible state %s with %s, naming the record', async (notification, candidate, message) => {
    await expect(run('exp', three(record(notification, candidate)))).rejects.toThrow(message);
    await expect(run('exp', three(record(notification, candidate)))).rejects.toThrow(/requests.jsonl:1: field impacted_candidates_data\[0\]\.candidate_status/);
  });

  it('refuses minutes that are not whole', async () => {
    await expect(run('exp', three(record('ir_accepted', 'cancelled', 12.5)))).rejects.toThrow(
      /impacted_candidates_data\[0\]\.time_to_respond_ir_minutes: expected whole minutes, an integer >= 0, got 12.5/,
    );
  });
});

describe('decide on empty input', () => {
  it('refuses an empty list like an empty file: bad input, nothing answered', async () => {
    await expect(run('exp', '[]')).rejects.toThrow(/requests.jsonl: no request \(an empty list/);
    await expect(run('exp', '  \n')).rejects.toThrow(/requests.jsonl: no request/);
  });
});
