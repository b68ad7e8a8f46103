import { describe, expect, it } from 'vitest';
import { parseArgv, parseShard } from '../src/cli.ts';
import { UserError } from '../src/errors.ts';

const defaults = { workers: 4 };

describe('parseArgv', () => {
  it('parses a backtest with its defaults', async () => {
    const command = await parseArgv(['backtest', '--scenario', 'cold_start'], defaults);
    expect(command).toEqual({
      kind: 'backtest',
      options: {
        scenario: 'cold_start',
        engines: [],
        baseline: undefined,
        seed: 1,
        replicates: 1,
        workers: 4,
        out: undefined,
        format: 'md',
        carryState: false,
        maxCalls: 100_000,
        money: { valuePerHire: 2500, costPerInvite: 20, costPerOverbooking: 250 },
        bootstrap: 1000,
        shard: undefined,
        html: true,
      },
    });
  });

  it('parses every backtest option', async () => {
    const command = await parseArgv(
      [
        'backtest', '-s', './my/scenario', '--engines', 'exp,nbinomial:mean=0.05', '--engines', './e.ts',
        '--baseline', 'exp', '--seed', '7', '--replicates', '3', '--workers', '1', '--out', 'x', '--format', 'json',
        '--carry-state', '--max-calls', '50', '--cost-per-invite', '5', '--bootstrap', '0', '--shard', '2/3',
      ],
      defaults,
    );
    expect(command.kind === 'backtest' && command.options).toMatchObject({
      scenario: './my/scenario',
      engines: ['exp,nbinomial:mean=0.05', './e.ts'],
      baseline: 'exp',
      seed: 7,
      replicates: 3,
      workers: 1,
      out: 'x',
      format: 'json',
      carryState: true,
      maxCalls: 50,
      money: { valuePerHire: 2500, costPerInvite: 5, costPerOverbooking: 250 },
      bootstrap: 0,
      shard: { index: 2, count: 3 },
    });
  });

  it.each([
    [['backtest'], /Missing required argument: scenario/],
    [['backtest', '-s', 'x', '--replicates', '0'], /--replicates must be an integer >= 1/],
    [['backtest', '-s', 'x', '--workers', '1.5'], /--workers must be an integer >= 1/],
    [['backtest', '-s', 'x', '--format', 'html'], /Invalid values/],
    [['backtest', '-s', 'x', '--frobnicate'], /Unknown argument/],
    [['nonsense'], /Unknown argument/],
    [[], /name a command/],
  ])('refuses %j', async (argv, message) => {
    await expect(parseArgv(argv, defaults)).rejects.toThrow(message);
    await expect(parseArgv(argv, defaults)).rejects.toBeInstanceOf(UserError);
  });

  it('parses the other commands', async () => {
    expect(await parseArgv(['scenarios', 'list'], defaults)).toEqual({ kind: 'scenarios-list' });
    expect(await parseArgv(['scenarios', 'validate', 'x/y'], defaults)).toEqual({ kind: 'scenarios-validate', scenario: 'x/y' });
    expect(await parseArgv(['engines', 'list'], defaults)).toEqual({ kind: 'engines-list' });
    expect(await parseArgv(['decide', '--engine', 'exp', 'req.jsonl'], defaults)).toEqual({
      kind: 'decide',
      options: { engine: 'exp', file: 'req.jsonl', seed: 1 },
    });
    expect(await parseArgv(['conformance', '-e', './mine.ts'], defaults)).toEqual({ kind: 'conformance', engines: ['./mine.ts'] });
  });

  it('parses the HTML report\'s options and the report command', async () => {
    const backtest = await parseArgv(['backtest', '-s', 'cold_start', '--no-html'], defaults);
    expect(backtest.kind === 'backtest' && backtest.options.html).toBe(false);
    expect(await parseArgv(['report', 'reports/x'], defaults)).toEqual({ kind: 'report', dir: 'reports/x' });
    const compare = await parseArgv(['compare', 'a', 'b', '--html', 'c.html'], defaults);
    expect(compare.kind === 'compare' && compare.options).toEqual({ old: 'a', new: 'b', tolerance: 0.01, html: 'c.html' });
    const merge = await parseArgv(['merge', 's1', 's2', '--out', 'm'], defaults);
    expect(merge.kind === 'merge' && merge.options.html).toBe(true);
    expect((await parseArgv(['merge', 's1', '--out', 'm', '--no-html'], defaults)).kind === 'merge').toBe(true);
    await expect(parseArgv(['report'], defaults)).rejects.toThrow(/Not enough non-option arguments/);
  });

  it('returns --help as text instead of printing it', async () => {
    const command = await parseArgv(['backtest', '--help'], defaults);
    expect(command.kind).toBe('output');
    expect(command.kind === 'output' && command.text).toMatch(/--carry-state/);
  });
});

describe('--shard', () => {
  it('reads i/n', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
  });

  it.each(['0/3', '4/3', '1', 'a/b', '1/0'])('refuses %s', (text) => {
    expect(() => parseShard(text)).toThrow(/--shard must be i\/n/);
  });
});
