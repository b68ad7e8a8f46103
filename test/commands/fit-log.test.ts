import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/commands/backtest.ts';
import { fit, type FitCommandOptions } from '../../src/commands/fit.ts';
import { UserError } from '../../src/errors.ts';
import { backtestOptions, memoryIo } from '../helpers.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
/** A `serve --log-requests` log of original-path traffic (no correlation ids): see original-client.mjs beside it. */
const SERVED = path.join(ROOT, 'test', 'fit', 'fixtures', 'original-path.jsonl.gz');
const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-fit-log-'));

function fitOptions(o: Partial<FitCommandOptions> & { log: string; out: string }): FitCommandOptions {
  return { delay: 'auto', bootstrap: 50, seed: 1, ...o };
}

describe('pacebench fit on what serve --log-requests wrote', () => {
  it('fits original-path traffic: calls without correlation id, refusals sent as ir_rejected + not_in_ft', async () => {
    const out = path.join(temp(), 'fitted');
    const result = await fit(fitOptions({ log: SERVED, out }), memoryIo());
    expect(result.openings).toBe(6);
    expect(result.rejected).toBeGreaterThan(0);
    const pools = readFileSync(path.join(out, 'pools.csv'), 'utf8').split('\n').filter((l) => /^nocid-/.test(l));
    expect(pools).toHaveLength(6);
    expect(pools[0]).toBe('nocid-20261105T090000-v2-p30,30,2,2026-11-02 09:00:00,2026-11-05 09:00:00,fitted');
  });
});

describe('pacebench fit on calls it cannot group', () => {
  it('lists the lines and says the grouping rule when two openings share deadline, vacancies and pool', async () => {
    const dir = temp();
    const log = path.join(dir, 'two.jsonl');
    const pending = { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 0 };
    const line = (at: string, invited: number) =>
      JSON.stringify({
        engine: 'exp',
        request: { correlation_id: '', now: `2021-01-01 ${at}:00`, deadline: '2021-01-02 00:00:00', num_vacancies: 1, num_remaining_in_pool: 5 - invited, impacted_candidates_data: Array(invited).fill(pending) },
      });
    // Two openings started five minutes apart, one inviting two at its first call, the other one.
    writeFileSync(log, [line('10:00', 0), line('10:05', 0), line('10:10', 2), line('10:15', 1), ''].join('\n'));
    const out = path.join(dir, 'out');
    const error = await fit(fitOptions({ log, out }), memoryIo(dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toMatch(/^log two\.jsonl has \d+ problems?; nothing was fitted\n/);
    expect(message).toMatch(/^two\.jsonl:4: request\.impacted_candidates_data: 1 candidates invited at call 3 of case nocid-20210102T000000-v1-p5 \(engine exp\), but 2 at call 2/m);
    expect(message).toMatch(/\(4 calls without a correlation id: calls without a correlation id are grouped into openings by engine, deadline, num_vacancies and pool size/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('pacebench fit on a truncated gzip', () => {
  it('says where reading stopped, exits 2 without a stack trace, and writes nothing', async () => {
    const dir = temp();
    const log = path.join(dir, 'cut.jsonl.gz');
    const whole = readFileSync(SERVED);
    writeFileSync(log, whole.subarray(0, Math.floor(whole.length / 2)));
    const out = path.join(dir, 'out');
    const error = await fit(fitOptions({ log, out }), memoryIo(dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/^cut\.jsonl\.gz: the gzip stream is truncated or corrupt \(unexpected end of file\): reading stopped after line \d+; nothing was fitted$/);
    expect(existsSync(out)).toBe(false);

    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'pacebench.mjs'), 'fit', log, '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated or corrupt .*reading stopped after line \d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('pacebench fit on too little data', () => {
  it('warns on stderr, in README.md and in fit.json when two openings cannot support the fit', async () => {
    const dir = temp();
    const trace = path.join(dir, 'tiny.jsonl');
    await backtest(backtestOptions({ engines: ['exp'], trace, out: path.join(dir, 'r'), print: false }), memoryIo());
    const two = path.join(dir, 'two.jsonl');
    const lines = readFileSync(trace, 'utf8').split('\n').filter((l) => /"correlation_id":"A[12]_/.test(l));
    writeFileSync(two, `${lines.join('\n')}\n`);
    const out = path.join(dir, 'fitted');
    const io = memoryIo(dir);
    const result = await fit(fitOptions({ log: two, out, bootstrap: 100 }), io);
    expect(result.openings).toBe(2);
    expect(io.err).toMatch(/^warning: only 2 openings: /m);
    expect(io.err).toMatch(/^warning: only \d+ answers for the \d parameters of the response model/m);
    // An estimate at the end of its own interval, like the p_none 3.5e-13 [.., ..].
    expect(io.err).toMatch(/^warning: .* is at the end of its own 95 % interval/m);
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(readme).toContain('## Warning: the log cannot support this fit');
    expect(readme).toMatch(/^\| `p_none` = 1 − both: never answers ⚠ \|/m);
    expect(io.out).toBe(readme);
    const json = JSON.parse(readFileSync(path.join(out, 'fit.json'), 'utf8'));
    expect(json.warnings.length).toBe(result.warnings.length);
    expect(json.warnings[0]).toEqual({ parameter: null, message: expect.stringMatching(/^only 2 openings/) });
  });
});
