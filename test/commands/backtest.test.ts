import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { memoryIo, TINY, backtestOptions } from '../helpers.ts';


function options(o: Partial<BacktestOptions>): BacktestOptions {
  return backtestOptions({ seed: 1, replicates: 2, bootstrap: 500, ...o });
}

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-backtest-'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

describe('backtest reports', () => {
  it('are byte-identical whatever the number of worker threads', async () => {
    const dirs = [temp(), temp(), temp()];
    for (const [i, workers] of [1, 2, 3].entries()) {
      await backtest(options({ scenario: 'cold_start', replicates: 1, workers, out: dirs[i], helpersAtOnce: true }), memoryIo());
    }
    expect(JSON.parse(read(dirs[2]!, 'timings.json')).helper_units).toBeGreaterThan(0);
    for (const file of ['summary.json', 'cases.csv', 'summary.md', 'run.json']) {
      expect(read(dirs[1]!, file)).toBe(read(dirs[0]!, file));
      expect(read(dirs[2]!, file)).toBe(read(dirs[0]!, file));
    }
  });

  it('add the informed reference with --informed, beside the oracle, and split regret', async () => {
    const out = temp();
    await backtest(options({ out, informed: true, engines: ['exp', 'pace'] }), memoryIo());
    const summary = JSON.parse(read(out, 'summary.json'));
    expect(summary.engines.map((e: { engine: string }) => e.engine)).toEqual(['exp', 'pace', 'informed', 'oracle']);
    expect(summary.engines[0].gap_to_informed).toBeDefined();
    expect(read(out, 'summary.md')).toContain('Regret split in two');
  });

  it('hold the files a pull request needs, and print the summary', async () => {
    const out = temp();
    const io = memoryIo();
    const result = await backtest(options({ out }), io);
    expect(readdirSync(out).sort()).toEqual(['cases.csv', 'run.json', 'summary.json', 'summary.md', 'timings.json']);
    expect(io.out).toBe(read(out, 'summary.md'));
    const summary = JSON.parse(read(out, 'summary.json'));
    expect(summary).toMatchObject({ schema_version: 1, scenario: 'tiny', seed: 1, replicates: 2, cases: 4, baseline: 'all-at-once' });
    expect(summary.params).toMatchObject({ value_per_hire: 2500, cost_per_invite: 20, cost_per_overbooking: 250 });
    // Every registered engine, in registry order, then the oracle.
    expect(summary.engines.map((e: { engine: string }) => e.engine)).toEqual([...ENGINE_NAMES, 'oracle']);
    const first = summary.engines[0];
    for (const key of ['fill_rate', 'value', 'regret']) expect(first[key].ci95).toHaveLength(2);
    for (const key of ['filled_share', 'invited', 'excess_invites', 'overbooked', 'calls', 'faults']) expect(typeof first[key]).toBe('number');
    expect(first.vs_baseline.value_diff.ci95).toHaveLength(2);
    expect(read(out, 'cases.csv').trim().split('\n')).toHaveLength(1 + 4 * 2 * (ENGINE_NAMES.length + 1));
    expect(result.summary?.engines).toHaveLength(ENGINE_NAMES.length + 1);
    const md = read(out, 'summary.md');
    expect(md).toMatch(/```mermaid\nquadrantChart/);
    expect(md).toMatch(/### Against `all-at-once`, paired over the same cases/);
    const timings = JSON.parse(read(out, 'timings.json'));
    expect(timings.engines).toHaveLength(ENGINE_NAMES.length);
    expect(timings.calls).toBeGreaterThan(0);
  });

  it('print summary.json with --format json', async () => {
    const out = temp();
    const io = memoryIo();
    await backtest(options({ out, format: 'json', engines: ['exp'] }), io);
    expect(io.out).toBe(read(out, 'summary.json'));
    expect(JSON.parse(io.out).baseline).toBe('exp');
  });

  it('give the same results for a scenario exported with CRLF, a BOM, comments and shuffled columns', async () => {
    const variant = path.join(temp(), 'tiny');
    cpSync(TINY, variant, { recursive: true });
    const pools = read(TINY, 'pools.csv').trim().split('\n').map((l) => l.split(','));
    const order = [5, 3, 0, 4, 2, 1];
    const shuffled = pools.map((cells) => order.map((i) => cells[i]).join(','));
    writeFileSync(path.join(variant, 'pools.csv'), `\uFEFF# exported\r\n${shuffled.join('\r\n')}\r\n\r\n`);
    const a = temp();
    const b = temp();
    await backtest(options({ out: a }), memoryIo());
    await backtest(options({ scenario: variant, out: b }), memoryIo());
    expect(read(b, 'summary.json')).toBe(read(a, 'summary.json'));
    expect(read(b, 'cases.csv')).toBe(read(a, 'cases.csv'));
  });

  it('refuse a baseline that is not run', async () => {
    await expect(backtest(options({ engines: ['exp'], baseline: 'nbinomial', out: temp() }), memoryIo())).rejects.toThrow(
      /--baseline nbinomial is not one of the engines run \(exp\)/,
    );
  });
});

describe('the report folder of a run', () => {
  it('is never a folder of the user\'s own files: a shard into it is refused before it runs', async () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'summary.md'), 'my notes');
    await expect(backtest(options({ out: dir, shard: { index: 1, count: 2 } }), memoryIo())).rejects.toThrow(/no earlier pacebench report/);
    expect(readdirSync(dir)).toEqual(['summary.md']);
    expect(read(dir, 'summary.md')).toBe('my notes');
  });

  it('is refused before the simulation when it is a file', async () => {
    const file = path.join(temp(), 'report');
    writeFileSync(file, 'x');
    const io = memoryIo();
    await expect(backtest(options({ out: file }), io)).rejects.toThrow(/is a file, not a folder/);
    expect(read(path.dirname(file), 'report')).toBe('x');
  });

  it('replaces an earlier report whole: a shard leaves no summary of the earlier full run', async () => {
    const dir = temp();
    await backtest(options({ out: dir }), memoryIo());
    expect(readdirSync(dir)).toContain('summary.md');
    await backtest(options({ out: dir, shard: { index: 1, count: 2 } }), memoryIo());
    expect(readdirSync(dir).sort()).toEqual(['cases.csv', 'run.json', 'timings.json']);
  });
});

describe('pacebench baseline', () => {
  it('checks every scenario before writing any: a broken one leaves nothing half regenerated', async () => {
    const { baseline } = await import('../../src/commands/baseline.ts');
    const out = temp();
    await expect(baseline({ scenarios: ['cold_start', 'no_such_scenario'], workers: 1, out }, memoryIo(), backtest)).rejects.toThrow(
      /no baseline was written:\n.*no_such_scenario/s,
    );
    expect(readdirSync(out)).toEqual([]);
  });
});
