import { describe, expect, it } from 'vitest';
import { parseArgv } from '../src/cli.ts';
import { parseShard } from '../src/commands/backtest.ts';
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
        engineTimeoutMs: 10_000,
        concurrency: 32,
        html: true,
      },
    });
  });

  it('parses every backtest option', async () => {
    const command = await parseArgv(
      [
        'backtest', '-s', './my/scenario', '--engines', 'exp,nbinomial:mean=0.05', '--engines', './e.ts',
        '--baseline', 'exp', '--seed', '7', '--replicates', '3', '--workers', '1', '--out', 'x', '--format', 'json',
        '--carry-state', '--max-calls', '50', '--cost-per-invite', '12.5', '--bootstrap', '200', '--shard', '2/3',
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
      money: { valuePerHire: 2500, costPerInvite: 12.5, costPerOverbooking: 250 },
      bootstrap: 200,
      shard: { index: 2, count: 3 },
    });
  });

  it('asks for the informed reference with --informed, and only then', async () => {
    const informedOf = async (...argv: string[]) => {
      const command = await parseArgv(['backtest', '-s', 'x', ...argv], defaults);
      return command.kind === 'backtest' ? command.options.informed : null;
    };
    expect(await informedOf('--informed')).toBe(true);
    expect(await informedOf()).toBeUndefined();
  });

  it('plays a service on this machine in one thread unless --workers says otherwise', async () => {
    const workersOf = async (...argv: string[]) => {
      const command = await parseArgv(['backtest', '-s', 'x', ...argv], defaults);
      return command.kind === 'backtest' ? command.options.workers : null;
    };
    // The service needs the other cores: a second backtest thread would take them from it.
    expect(await workersOf('--engines', 'http://127.0.0.1:8000/optim-exp/')).toBe(1);
    expect(await workersOf('--engines', 'exp,mine=http://localhost:9000/decide')).toBe(1);
    expect(await workersOf('--engines', 'exp', '--engines', 'http://[::1]:8000/optim-exp/')).toBe(1);
    expect(await workersOf('--engines', 'http://127.0.0.1:8000/optim-exp/', '--workers', '2')).toBe(2);
    // Elsewhere, every core, as for engines in this process.
    expect(await workersOf('--engines', 'https://pacing.example.com/optim-exp/')).toBe(4);
    expect(await workersOf('--engines', 'exp,nbinomial')).toBe(4);
  });

  it.each([
    [['backtest'], /Missing required argument: scenario/],
    [['backtest', '-s', 'x', '--replicates', '0'], /--replicates must be an integer >= 1/],
    [['backtest', '-s', 'x', '--workers', '1.5'], /--workers must be an integer >= 1/],
    [['backtest', '-s', 'x', '--format', 'html'], /Invalid values/],
    [['backtest', '-s', 'x', '--frobnicate'], /Unknown argument/],
    [['nonsense'], /unknown command "nonsense"/],
    [['backtest', '-s', 'x', '--bootstrap', '0'], /--bootstrap must be at least 100, got 0: a 95 % interval/],
    [['backtest', '-s', 'x', '--bootstrap', '99'], /--bootstrap must be at least 100/],
    [['backtets', '--scenario', 'cold_start'], /^unknown command "backtets"; did you mean backtest\?\nsee pacebench --help$/],
    [['frobnicate'], /^unknown command "frobnicate"\nsee pacebench --help$/],
    [['backtest', '-s', 'x', '--bootstrap', '1e9'], /--bootstrap must be an integer >= 100, got "1e9"/],
    [['backtest', '-s', 'x', '--bootstrap', '100abc'], /--bootstrap must be an integer >= 100, got "100abc"/],
    [['backtest', '-s', 'x', '--seed', 'abc'], /--seed must be an integer >= 0, got "abc"/],
    [['backtest', '-s', 'x', '--seed', '9007199254740993'], /--seed must be at most 9007199254740991 \(2\^53 − 1/],
    [['backtest', '-s', 'x', '--seed', '1e3'], /--seed must be an integer >= 0, got "1e3"/],
    [['backtest', '-s', 'x', '--cost-per-invite', 'cheap'], /--cost-per-invite must be a number, got "cheap"/],
    [['decide', '-e', 'exp', '--seed', '-1'], /--seed must be an integer >= 0, got "-1"/],
    [['compare', 'a', 'b', '--tolerance', '-0.1'], /--tolerance must be >= 0/],
    [[], /name a command/],
  ])('refuses %j', async (argv, message) => {
    await expect(parseArgv(argv, defaults)).rejects.toThrow(message);
    await expect(parseArgv(argv, defaults)).rejects.toBeInstanceOf(UserError);
  });

  it('parses the other commands', async () => {
    expect(await parseArgv(['scenarios', 'list'], defaults)).toEqual({ kind: 'scenarios-list' });
    expect(await parseArgv(['scenarios', 'validate', 'x/y'], defaults)).toEqual({ kind: 'scenarios-validate', scenario: 'x/y' });
    expect(await parseArgv(['engines', 'list'], defaults)).toEqual({ kind: 'engines-list' });
    expect(await parseArgv(['engines', 'show', 'pace'], defaults)).toEqual({ kind: 'engines-show', engine: 'pace' });
    expect(await parseArgv(['decide', '--engine', 'exp', 'req.jsonl'], defaults)).toEqual({
      kind: 'decide',
      options: { engine: 'exp', file: 'req.jsonl', seed: 1 },
    });
    expect(await parseArgv(['conformance', '-e', './mine.ts'], defaults)).toEqual({ kind: 'conformance', engines: ['./mine.ts'], timeoutMs: 10_000 });
  });

  it('reads the largest exact seed', async () => {
    const command = await parseArgv(['backtest', '-s', 'x', '--seed', '9007199254740991'], defaults);
    expect(command.kind === 'backtest' && command.options.seed).toBe(9007199254740991);
  });

  it('documents the money options in --help', async () => {
    const command = await parseArgv(['backtest', '--help'], defaults);
    const text = command.kind === 'output' ? command.text : '';
    expect(text).toMatch(/--value-per-hire\s+what a hire is worth/);
    expect(text).toMatch(/--cost-per-invite\s+what each invitation costs/);
    expect(text).toMatch(/--cost-per-overbooking\s+what each offer acceptance beyond/);
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

describe('parseArgv: traces and fit', () => {
  it('passes backtest --trace through', async () => {
    const command = await parseArgv(['backtest', '-s', 'cold_start', '--trace', 'calls.jsonl.gz'], defaults);
    expect(command).toMatchObject({ kind: 'backtest', options: { trace: 'calls.jsonl.gz' } });
  });

  it('parses fit with its defaults and every option', async () => {
    expect(await parseArgv(['fit', 'log.jsonl', '--out', 'scenarios/mine'], defaults)).toEqual({
      kind: 'fit',
      options: { log: 'log.jsonl', out: 'scenarios/mine', engine: undefined, delay: 'auto', bootstrap: 200, seed: 1 },
    });
    expect(
      await parseArgv(['fit', 'log.jsonl.gz', '-o', 'x/y', '-e', 'exp', '--delay', 'lognormal', '--bootstrap', '150', '--seed', '7'], defaults),
    ).toEqual({ kind: 'fit', options: { log: 'log.jsonl.gz', out: 'x/y', engine: 'exp', delay: 'lognormal', bootstrap: 150, seed: 7 } });
  });

  it('refuses a fit without --out, an unknown family, or a bad resample count', async () => {
    await expect(parseArgv(['fit', 'log.jsonl'], defaults)).rejects.toThrow(/out/);
    await expect(parseArgv(['fit', 'log.jsonl', '--out', 'o', '--delay', 'gamma'], defaults)).rejects.toThrow(/delay/);
    await expect(parseArgv(['fit', 'log.jsonl', '--out', 'o', '--bootstrap', '-1'], defaults)).rejects.toThrow(UserError);
  });
});

describe('parseArgv tune', () => {
  it('parses a tuning run with its defaults', async () => {
    const command = await parseArgv(['tune', '--engine', 'stoch-constraint', '--param', 'quantile=0.1..0.5:0.1', '--scenarios', 'tight_deadlines'], defaults);
    expect(command).toEqual({
      kind: 'tune',
      options: {
        engine: 'stoch-constraint',
        params: ['quantile=0.1..0.5:0.1'],
        scenarios: ['tight_deadlines'],
        method: 'race',
        budget: null,
        objective: 'value',
        seed: 1,
        holdoutSeed: null,
        block: 10,
        replicates: 1,
        workers: 4,
        out: undefined,
        html: true,
        bootstrap: 1000,
        maxCalls: 100_000,
        money: { valuePerHire: 2500, costPerInvite: 20, costPerOverbooking: 250 },
      },
    });
  });

  it('parses every tune option, scenarios comma-separated or repeated', async () => {
    const command = await parseArgv(
      [
        'tune', '-e', './mine.ts', '-p', 'k=1..8', '-p', 'share=0.1,0.2', '-s', 'cold_start,tight_deadlines', '-s', 'scarce_pool',
        '--method', 'random', '--budget', '30', '--objective', 'regret', '--seed', '5', '--holdout-seed', '9', '--block', '25', '-r', '3',
        '-w', '2', '-o', 'out', '--bootstrap', '300', '--cost-per-invite', '3',
      ],
      defaults,
    );
    expect(command.kind === 'tune' && command.options).toMatchObject({
      engine: './mine.ts',
      params: ['k=1..8', 'share=0.1,0.2'],
      scenarios: ['cold_start', 'tight_deadlines', 'scarce_pool'],
      method: 'random',
      budget: 30,
      objective: 'regret',
      seed: 5,
      holdoutSeed: 9,
      block: 25,
      replicates: 3,
      workers: 2,
      out: 'out',
      bootstrap: 300,
      money: { valuePerHire: 2500, costPerInvite: 3, costPerOverbooking: 250 },
    });
  });

  it.each([
    [['tune', '-p', 'k=1..2', '-s', 'x'], /Missing required argument: engine/],
    [['tune', '-e', 'exp', '-s', 'x'], /Missing required argument: param/],
    [['tune', '-e', 'exp', '-p', 'spread=1..3'], /Missing required argument: scenarios/],
    [['tune', '-e', 'exp', '-p', 'spread=1..3', '-s', 'x', '--method', 'bayes'], /Invalid values/],
    [['tune', '-e', 'exp', '-p', 'spread=1..3', '-s', 'x', '--budget', '0'], /--budget must be an integer >= 1/],
    [['tune', '-e', 'exp', '-p', 'spread=1..3', '-s', 'x', '--block', '2.5'], /--block must be an integer >= 1/],
    [['tune', '-e', 'exp', '-p', 'spread=1..3', '-s', 'x', '--objective', 'fill'], /Invalid values/],
  ])('refuses %j', async (argv, message) => {
    await expect(parseArgv(argv, defaults)).rejects.toThrow(message);
    await expect(parseArgv(argv, defaults)).rejects.toBeInstanceOf(UserError);
  });
});
