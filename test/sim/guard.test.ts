import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { conformance } from '../../src/commands/conformance.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import type { CaseRow } from '../../src/score/rows.ts';
import { memoryIo } from '../helpers.ts';

const TINY = path.join(import.meta.dirname, '..', 'fixtures', 'tiny');
const ENGINE = path.join(import.meta.dirname, '..', 'fixtures', 'engines', 'misbehaving.mjs');
const modes = { well: 0, hang: 1, exit: 2, print: 3, assign: 4, truncate: 5, sort: 6, greedy: 7, async: 8, stall: 9, field: 11 } as const;

function options(mode: keyof typeof modes, o: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    scenario: TINY,
    engines: ['exp', `${ENGINE}:mode=${modes[mode]}`],
    seed: 1,
    replicates: 1,
    workers: 1,
    out: mkdtempSync(path.join(tmpdir(), 'pacebench-guard-')),
    format: 'md',
    carryState: false,
    maxCalls: 100_000,
    money: DEFAULT_MONEY,
    bootstrap: 200,
    // Room enough that a loaded CI machine never turns a well-behaved call into a timeout; the two tests of
    // the limit itself set a shorter one.
    engineTimeoutMs: 10_000,
    print: false,
    ...o,
  };
}

const faults = (rows: readonly CaseRow[]) =>
  Object.fromEntries(rows.filter((r) => r.engine.startsWith('misbehaving')).map((r) => [r.case_id, r.fault]));
const of = (rows: readonly CaseRow[], engine: string) => rows.filter((r) => r.engine === engine);

const reference = await backtest(options('well'), memoryIo());

describe('an engine cannot hang, end or corrupt a run', () => {
  it('a synchronous infinite loop is stopped after the time limit: a fault of that case, and the run goes on', async () => {
    const run = await backtest(options('hang', { workers: 2, engineTimeoutMs: 2000 }), memoryIo());
    expect(faults(run.rows)).toEqual({ A1: null, A2: 'no decision within 2000 ms at A2_1 (its thread was stopped)', A3: null, A4: null });
    // The stopped case keeps what was invited before the hang; every other row is as without it.
    expect(of(run.rows, 'misbehaving:mode=1').find((r) => r.case_id === 'A2')?.invited).toBe(5);
    expect(of(run.rows, 'exp')).toEqual(of(reference.rows, 'exp'));
    for (const id of ['A1', 'A3', 'A4']) {
      const clean = (r: CaseRow | undefined) => ({ ...r, engine: '' });
      expect(clean(run.rows.find((r) => r.case_id === id && r.engine === 'misbehaving:mode=1'))).toEqual(
        clean(reference.rows.find((r) => r.case_id === id && r.engine === 'misbehaving:mode=0')),
      );
    }
  });

  it('process.exit is a fault with its correlation id, never a silent exit', async () => {
    const run = await backtest(options('exit'), memoryIo());
    expect(faults(run.rows).A1).toMatch(/^threw at A1_0: Error: called process.exit\(0\)/);
  });

  it('a Promise is awaited like a remote engine\'s answer, with the same result as answering at once', async () => {
    const run = await backtest(options('async'), memoryIo());
    const strip = (rows: readonly CaseRow[], engine: string) => of(rows, engine).map((r) => ({ ...r, engine: '' }));
    expect(strip(run.rows, 'misbehaving:mode=8')).toEqual(strip(reference.rows, 'misbehaving:mode=0'));
  });

  it('a Promise that never settles is a timeout fault', async () => {
    const run = await backtest(options('stall', { engineTimeoutMs: 2000 }), memoryIo());
    expect(faults(run.rows).A3).toBe('no decision within 2000 ms at A3_1');
  });

  it.each([
    ['assign', /^modified its request at A\d_1 \(TypeError: Cannot set property notification_status .*\); requests are read-only$/],
    ['truncate', /^changed impacted_candidates_data at A\d_1 \(its length went from 5 to 0\); requests are read-only$/],
    ['sort', /^reordered or replaced records of impacted_candidates_data during case A\d/],
    ['field', /^modified its request at A\d_1 \(it changed num_vacancies\); requests are read-only$/],
  ] as const)('writing to the request (%s) is a named fault', async (mode, message) => {
    const run = await backtest(options(mode), memoryIo());
    const found = Object.values(faults(run.rows)).filter((f) => f !== null);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f).toMatch(message);
  });

  it('asking for more than remains is a warning counted in the report, as conformance counts it', async () => {
    const run = await backtest(options('greedy'), memoryIo());
    const engine = run.summary?.engines.find((e) => e.engine === 'misbehaving:mode=7');
    expect(engine?.faults).toBe(0);
    expect(engine?.over_asks).toBe(4);
    const io = memoryIo();
    expect(await conformance({ engines: [`${ENGINE}:mode=7`], timeoutMs: 2000 }, io)).toBe(0);
    expect(io.out).toMatch(/ok {4}misbehaving:mode=7 \(\d+ warnings?\)/);
    expect(io.out).toMatch(/warning: asks for no more than the remaining pool/);
  });
});

describe('conformance sees what a backtest sees', () => {
  it.each([
    ['assign', 'leaves its request as it found it'],
    ['truncate', 'leaves its request as it found it'],
    ['field', 'leaves its request as it found it'],
    ['hang', 'answers within the time limit'],
  ] as const)('%s fails it', async (mode, rule) => {
    const io = memoryIo();
    // Only the hanging engine needs a short limit; the others get room, so a loaded CI machine cannot turn
    // their violation into a timeout (it did once: 400 ms ran out on a request-writing engine's call).
    const timeoutMs = mode === 'hang' ? 2000 : 10_000;
    expect(await conformance({ engines: [`${ENGINE}:mode=${modes[mode]}`], timeoutMs }, io)).toBe(1);
    expect(io.out).toContain(`FAIL  misbehaving:mode=${modes[mode]}`);
    expect(io.out).toContain(rule);
  });
});
