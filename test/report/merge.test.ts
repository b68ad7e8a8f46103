import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { merge } from '../../src/commands/merge.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { memoryIo, TINY, backtestOptions } from '../helpers.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-merge-'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

function options(o: Partial<BacktestOptions>): BacktestOptions {
  return backtestOptions({ engines: ['exp', 'stoch-constraint', 'all-at-once'], seed: 9, replicates: 3, bootstrap: 300, print: false, ...o });
}

async function shards(count: number, o: Partial<BacktestOptions> = {}): Promise<string[]> {
  const dirs: string[] = [];
  for (let index = 1; index <= count; index++) {
    const out = temp();
    await backtest(options({ ...o, out, shard: { index, count } }), memoryIo());
    dirs.push(out);
  }
  return dirs;
}

describe('backtest --shard and pacebench merge', () => {
  it.each([1, 2, 3, 5])('%i shards merge into the very bytes of an unsharded run', async (count) => {
    const whole = temp();
    await backtest(options({ out: whole }), memoryIo());
    const merged = temp();
    expect(await merge({ dirs: await shards(count), out: merged, format: 'md' }, memoryIo())).toBe(0);
    for (const file of ['summary.json', 'cases.csv', 'summary.md', 'run.json']) expect(read(merged, file)).toBe(read(whole, file));
  });

  it('merge whatever order the shards are named in, with carried engine state too', async () => {
    const whole = temp();
    await backtest(options({ out: whole, carryState: true }), memoryIo());
    const dirs = await shards(2, { carryState: true });
    const merged = temp();
    merge({ dirs: [...dirs].reverse(), out: merged, format: 'md' }, memoryIo());
    expect(read(merged, 'summary.json')).toBe(read(whole, 'summary.json'));
    expect(read(merged, 'cases.csv')).toBe(read(whole, 'cases.csv'));
  });

  it('a shard writes its rows, not a summary of its part, and leaves no older summary beside them', async () => {
    const dir = temp();
    await backtest(options({ out: dir }), memoryIo());
    expect(read(dir, 'summary.json').length).toBeGreaterThan(0);
    await backtest(options({ out: dir, shard: { index: 1, count: 1 } }), memoryIo());
    expect(JSON.parse(read(dir!, 'run.json')).shard).toEqual({ index: 1, count: 1 });
    expect(() => read(dir!, 'summary.json')).toThrow();
  });

  it('refuses missing and duplicated shards, naming them', async () => {
    const dirs = await shards(3);
    expect(() => merge({ dirs: [dirs[0]!, dirs[2]!], out: temp(), format: 'md' }, memoryIo())).toThrow('missing shard 2/3');
    expect(() => merge({ dirs: [dirs[0]!, dirs[1]!, dirs[1]!, dirs[2]!], out: temp(), format: 'md' }, memoryIo())).toThrow(/shard 2\/3 is given twice/);
  });

  it('refuses shards of another seed, other engines, other parameters or another scenario', async () => {
    const [a] = await shards(2);
    const seed = temp();
    await backtest(options({ out: seed, seed: 10, shard: { index: 2, count: 2 } }), memoryIo());
    expect(() => merge({ dirs: [a!, seed], out: temp(), format: 'md' }, memoryIo())).toThrow(/not a shard of the same run .*: seed 10, not 9/);
    const engines = temp();
    await backtest(options({ out: engines, engines: ['exp'], shard: { index: 2, count: 2 } }), memoryIo());
    expect(() => merge({ dirs: [a!, engines], out: temp(), format: 'md' }, memoryIo())).toThrow(/engines exp, not exp,stoch-constraint,all-at-once/);
    const money = temp();
    await backtest(options({ out: money, money: { ...DEFAULT_MONEY, costPerInvite: 25 }, shard: { index: 2, count: 2 } }), memoryIo());
    expect(() => merge({ dirs: [a!, money], out: temp(), format: 'md' }, memoryIo())).toThrow(/parameters/);
    const scenario = path.join(temp(), 'tiny2');
    cpSync(TINY, scenario, { recursive: true });
    const other = temp();
    await backtest(options({ scenario, out: other, shard: { index: 2, count: 2 } }), memoryIo());
    expect(() => merge({ dirs: [a!, other], out: temp(), format: 'md' }, memoryIo())).toThrow(/scenario tiny2, not tiny/);
  });

  it('refuses a whole run and a tampered shard', async () => {
    const whole = temp();
    await backtest(options({ out: whole }), memoryIo());
    expect(() => merge({ dirs: [whole], out: temp(), format: 'md' }, memoryIo())).toThrow(/a whole run, not a shard/);
    const [a, b] = await shards(2);
    const lines = read(b!, 'cases.csv').trim().split('\n');
    // A whole case missing, then half a case.
    writeFileSync(path.join(b!, 'cases.csv'), `${lines.slice(0, -4).join('\n')}\n`);
    expect(() => merge({ dirs: [a!, b!], out: temp(), format: 'md' }, memoryIo())).toThrow(/5 units of work, shard 2\/2 of this run has 6/);
    writeFileSync(path.join(b!, 'cases.csv'), `${lines.slice(0, -2).join('\n')}\n`);
    expect(() => merge({ dirs: [a!, b!], out: temp(), format: 'md' }, memoryIo())).toThrow(/does not have one row per engine/);
  });
});
