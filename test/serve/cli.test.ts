import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../src/cli.ts';
import { parseDuration, parseSize } from '../../src/serve/units.ts';

const defaults = { workers: 4 };

describe('parseArgv serve', () => {
  it('parses serve with its defaults', async () => {
    expect(await parseArgv(['serve'], defaults)).toEqual({
      kind: 'serve',
      options: {
        host: '127.0.0.1',
        port: 8000,
        engines: [],
        seed: 1,
        logLevel: 'info',
        bodyLimit: 16 * 2 ** 20,
        maxCases: 10_000,
        caseTtlMs: 24 * 3_600_000,
        logRequests: undefined,
        timeoutMs: 10_000,
        warmUp: 0,
      },
    });
  });

  it('parses every serve option, URLs and parameters among the engines', async () => {
    const command = await parseArgv(
      [
        'serve', '--host', '0.0.0.0', '--port', '0', '--engines', 'nbinomial:mean=0.05,./my-engine.ts', '-e', 'prod=http://10.0.0.1:8000/optim-exp/',
        '--seed', '7', '--log-level', 'warn', '--body-limit', '1MiB', '--max-cases', '50', '--case-ttl', '30m', '--log-requests', 'calls.jsonl', '--timeout-ms', '250', '--warm-up', '0',
      ],
      defaults,
    );
    expect(command).toEqual({
      kind: 'serve',
      options: {
        host: '0.0.0.0',
        port: 0,
        engines: ['nbinomial:mean=0.05,./my-engine.ts', 'prod=http://10.0.0.1:8000/optim-exp/'],
        seed: 7,
        logLevel: 'warn',
        bodyLimit: 2 ** 20,
        maxCases: 50,
        caseTtlMs: 30 * 60_000,
        logRequests: 'calls.jsonl',
        timeoutMs: 250,
        warmUp: 0,
      },
    });
  });

  it.each([
    [['--body-limit', 'lots'], /--body-limit must be a size like 16MiB/],
    [['--case-ttl', 'soon'], /--case-ttl must be a duration/],
    [['--max-cases', '0'], /--max-cases must be an integer >= 1/],
    [['--port', '-1'], /--port must be an integer >= 0/],
    [['--warm-up', 'some'], /--warm-up must be an integer >= 0/],
    [['--log-level', 'loud'], /Invalid values/],
  ])('refuses %j', async (args, message) => {
    await expect(parseArgv(['serve', ...args], defaults)).rejects.toThrow(message);
  });
});

describe('sizes and durations', () => {
  it('reads the units people write', () => {
    expect([parseSize('16MiB'), parseSize('500kb'), parseSize(1024), parseSize('1.5 KiB'), parseSize('x'), parseSize('0')]).toEqual([16 * 2 ** 20, 500_000, 1024, 1536, null, null]);
    expect([parseDuration('90'), parseDuration('250ms'), parseDuration('30m'), parseDuration('24h'), parseDuration('7d'), parseDuration('-1'), parseDuration('1y')]).toEqual([
      90_000, 250, 1_800_000, 86_400_000, 604_800_000, null, null,
    ]);
  });
});
