import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { fit, type FitCommandOptions } from '../../src/commands/fit.ts';
import { parseTimestamp } from '../../src/contract/time.ts';
import { UserError } from '../../src/errors.ts';
import { backtestOptions, memoryIo } from '../helpers.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-fit-'));
const read = (file: string): string => readFileSync(file, 'utf8');

/** A backtest of cold_start, unless told otherwise, that prints nothing. */
function run(o: Partial<BacktestOptions>): BacktestOptions {
  return backtestOptions({ scenario: 'cold_start', bootstrap: 500, print: false, ...o });
}

function fitOptions(o: Partial<FitCommandOptions> & { log: string; out: string }): FitCommandOptions {
  return { delay: 'auto', bootstrap: 100, seed: 1, ...o };
}

interface Figure {
  estimate: number;
  low: number;
  high: number;
}
type FitJson = { warnings: unknown[]; estimates: Record<string, Figure>; naive: Record<string, number>; delay_family: string; candidates: { pending: number; invited: number } };
const fitJson = (dir: string): FitJson => JSON.parse(read(path.join(dir, 'fit.json')));

function expectInside(figures: Record<string, Figure>, truth: Record<string, number>): void {
  for (const [name, value] of Object.entries(truth)) {
    const f = figures[name]!;
    expect({ name, inside: f.low <= value && value <= f.high }).toEqual({ name, inside: true });
  }
}

/** Engine → [mean value, its 95 % interval]. */
function values(dir: string): Record<string, [number, number, number]> {
  const s = JSON.parse(read(path.join(dir, 'summary.json')));
  return Object.fromEntries(s.engines.map((e: { engine: string; value: { mean: number; ci95: [number, number] } }) => [e.engine, [e.value.mean, ...e.value.ci95]]));
}

/** Only the calls made within `minutes` of each case's first call: a log cut off early. */
function cutLog(text: string, minutes: number): string {
  const lines = text.split('\n').filter((l) => l !== '');
  const start = new Map<string, number>();
  const time = (l: string) => {
    const o = JSON.parse(l);
    return { key: `${o.engine}|${o.replicate}|${o.request.correlation_id.replace(/_\d+$/, '')}`, t: parseTimestamp(o.request.reference_date_time)! };
  };
  for (const l of lines) {
    const { key, t } = time(l);
    start.set(key, Math.min(start.get(key) ?? Infinity, t));
  }
  return `${lines.filter((l) => time(l).t - start.get(time(l).key)! <= minutes * 60_000).join('\n')}\n`;
}

describe('backtest --trace', () => {
  it('writes one line per engine call, the same bytes whatever the number of threads', async () => {
    const dir = temp();
    const traces = [path.join(dir, 'one.jsonl'), path.join(dir, 'three.jsonl')];
    const results = [];
    for (const [i, workers] of [1, 3].entries()) {
      results.push(await backtest(run({ scenario: 'test/fixtures/tiny', replicates: 2, workers, helpersAtOnce: true, out: path.join(dir, `r${i}`), trace: traces[i] }), memoryIo()));
    }
    expect(read(traces[1]!)).toBe(read(traces[0]!));
    const lines = read(traces[0]!).trimEnd().split('\n');
    const calls = results[0]!.rows.reduce((n, r) => n + r.calls, 0);
    expect(lines).toHaveLength(calls);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual(['engine', 'replicate', 'request', 'decision']);
    expect(first.request.correlation_id).toMatch(/_0$/);
    expect(existsSync(`${traces[0]}.tmp-${process.pid}`)).toBe(false);
  });

  it('with --shard, writes the calls of its own units: together, those of the whole run', async () => {
    const dir = temp();
    const whole = path.join(dir, 'whole.jsonl');
    await backtest(run({ scenario: 'test/fixtures/tiny', replicates: 2, out: path.join(dir, 'w'), trace: whole }), memoryIo());
    const parts: string[] = [];
    for (const index of [1, 2]) {
      const trace = path.join(dir, `part-${index}.jsonl`);
      await backtest(run({ scenario: 'test/fixtures/tiny', replicates: 2, out: path.join(dir, `p${index}`), shard: { index, count: 2 }, trace }), memoryIo());
      parts.push(...read(trace).trimEnd().split('\n'));
    }
    expect(parts.sort()).toEqual(read(whole).trimEnd().split('\n').sort());
  });
});

/** cold_start played by exp with a trace, and the scenario fitted to it: made once, used by two tests. */
let coldStart: Promise<{ dir: string; trace: string; out: string }> | null = null;
function fittedColdStart() {
  coldStart ??= (async () => {
    const dir = temp();
    const trace = path.join(dir, 'cold_start.jsonl');
    await backtest(run({ engines: ['exp'], trace, out: path.join(dir, 'traced') }), memoryIo());
    const out = path.join(dir, 'fitted');
    await fit(fitOptions({ log: trace, out }), memoryIo());
    return { dir, trace, out };
  })();
  return coldStart;
}

describe('pacebench fit, the round trip', () => {
  it('recovers cold_start from a trace, and its scenario gives each engine the value of the original', async () => {
    const { dir, out } = await fittedColdStart();
    const fitted = fitJson(out);
    expect(fitted.delay_family).toBe('weibull');
    // scenarios/cold_start/behaviours.csv: 0.1, 0.1, 0.6, weibull 2.4, 10.5
    const truth = { p_accept: 0.1, p_reject: 0.1, p_none: 0.8, p_offer_accept: 0.6, delay_shape: 2.4, delay_scale: 10.5 };
    expectInside(fitted.estimates, truth);
    expect(read(path.join(out, 'behaviours.csv'))).toMatch(/^fitted,all,1,0\.1\d*,0\.1\d*,0\.5\d*,weibull,2\.4\d*,10\.\d+$/m);
    expect(read(path.join(out, 'README.md'))).toContain('| weibull (used) |');
    // 200 openings, thousands of answers: nothing to warn of.
    expect(fitted.warnings).toEqual([]);
    expect(read(path.join(out, 'README.md'))).not.toContain('## Warning');

    // Same seed, same case ids: under common random numbers only the estimation error differs.
    const original = values((await backtest(run({ out: path.join(dir, 'original'), bootstrap: 500 }), memoryIo())).dir);
    const again = values((await backtest(run({ scenario: out, out: path.join(dir, 'again'), bootstrap: 500 }), memoryIo())).dir);
    for (const [engine, [, low, high]] of Object.entries(original)) {
      const mean = again[engine]![0];
      expect({ engine, mean, inside: low <= mean && mean <= high }).toMatchObject({ engine, inside: true });
    }
  });

  it('recovers the delay from a log cut off while most answers were still to come; the naive fit misses it', async () => {
    const { dir, trace, out: full } = await fittedColdStart();
    const cut = path.join(dir, 'cut.jsonl');
    writeFileSync(cut, cutLog(read(trace), 10));
    const early = path.join(dir, 'early');
    await fit(fitOptions({ log: cut, out: early, delay: 'weibull' }), memoryIo());
    const f = fitJson(full);
    const e = fitJson(early);
    const truth = { delay_shape: 2.4, delay_scale: 10.5, p_accept: 0.1, p_reject: 0.1 };
    expectInside(e.estimates, truth);
    for (const name of Object.keys(truth)) {
      expect(e.estimates[name]!.high - e.estimates[name]!.low).toBeGreaterThan(f.estimates[name]!.high - f.estimates[name]!.low);
    }
    // Most answerers had not answered when the log stops at 10 minutes (the median delay is 9).
    expect(e.candidates.pending / e.candidates.invited).toBeGreaterThan(0.9);
    // The naive fit (pending counted as never answering, delays from the answered alone) is far outside.
    expect(e.naive.delay_scale!).toBeLessThan(e.estimates.delay_scale!.low);
    expect(e.naive.p_accept!).toBeLessThan(e.estimates.p_accept!.low);
    expect(e.naive.p_accept!).toBeLessThan(0.05);
    // Cut short but of 200 openings: wider intervals, still ones to trust.
    expect(e.warnings).toEqual([]);
  });

  it('recovers slow_responders (log-normal, hours to days) from a gzipped trace', async () => {
    const dir = temp();
    const trace = path.join(dir, 'slow.jsonl.gz');
    await backtest(run({ scenario: 'slow_responders', engines: ['exp-decay'], trace, out: path.join(dir, 'traced') }), memoryIo());
    expect(gunzipSync(readFileSync(trace)).toString('utf8').split('\n')[0]).toMatch(/^\{"engine":"exp-decay"/);
    const out = path.join(dir, 'fitted');
    await fit(fitOptions({ log: trace, out, bootstrap: 60 }), memoryIo());
    const fitted = fitJson(out);
    expect(fitted.delay_family).toBe('lognormal');
    // scenarios/slow_responders/behaviours.csv: 0.08, 0.05, 0.7, lognormal 6.3969, 1.2
    expectInside(fitted.estimates, { p_accept: 0.08, p_reject: 0.05, p_none: 0.87, p_offer_accept: 0.7, delay_mu: 6.3969, delay_sigma: 1.2 });
    expect(fitted.naive.delay_mu!).toBeLessThan(fitted.estimates.delay_mu!.low);
    expect(fitted.naive.p_accept!).toBeLessThan(fitted.estimates.p_accept!.low);
    expect(fitted.warnings).toEqual([]);
  });
});

describe('pacebench fit on bad logs', () => {
  it('lists every problem with its line and field, exits 2, and writes nothing', async () => {
    const dir = temp();
    const log = path.join(dir, 'bad.jsonl');
    const ok = (k: number, at: string, records: unknown[], extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        engine: 'svc',
        request: { correlation_id: `J1_${k}`, reference_date_time: `2021-01-01 ${at}:00`, deadline: '2021-01-02 00:00:00', num_vacancies: 1, num_remaining_in_pool: 5 - records.length, impacted_candidates_data: records, ...extra },
      });
    const pending = { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 0 };
    writeFileSync(
      log,
      [
        ok(0, '10:00', []),
        'not json',
        ok(1, '10:10', [pending], { num_vacancies: 2 }),
        ok(2, '10:20', [{ ...pending, notification_status: 'ir_maybe' }]),
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'out');
    const error = await fit(fitOptions({ log, out }), memoryIo(dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    const message = (error as UserError).message;
    expect(message).toMatch(/^log bad\.jsonl has 3 problems; nothing was fitted/);
    expect(message).toContain('bad.jsonl:2: (line): is not JSON');
    expect(message).toContain('bad.jsonl:3: request.num_vacancies: 2, but 1 on line 1');
    expect(message).toContain('bad.jsonl:4: request.impacted_candidates_data[0].notification_status: expected ir_pending');
    expect(existsSync(out)).toBe(false);

    // Gzip is told by its magic bytes, not by the file's name.
    const zipped = path.join(dir, 'bad-too.jsonl');
    writeFileSync(zipped, gzipSync(readFileSync(log)));
    await expect(fit(fitOptions({ log: zipped, out }), memoryIo(dir))).rejects.toThrow(/bad-too\.jsonl has 3 problems/);
  });

  it('asks which engine to fit when the log holds several', async () => {
    const dir = temp();
    const trace = path.join(dir, 'tiny.jsonl');
    await backtest(run({ scenario: 'test/fixtures/tiny', trace, out: path.join(dir, 'r') }), memoryIo());
    await expect(fit(fitOptions({ log: trace, out: path.join(dir, 'out') }), memoryIo())).rejects.toThrow(/holds calls of \d engines: .*choose one with --engine/);
    await expect(fit(fitOptions({ log: trace, out: path.join(dir, 'out'), engine: 'nope' }), memoryIo())).rejects.toThrow(/--engine nope has no call in the log/);
  });
});
