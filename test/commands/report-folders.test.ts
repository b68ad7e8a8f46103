import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/commands/backtest.ts';
import { baseline, type Backtest } from '../../src/commands/baseline.ts';
import { reportFolderName, scenarioTitle } from '../../src/scenario/read.ts';
import { backtestOptions, memoryIo, TINY } from '../helpers.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-folders-'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

describe('the default report folder of a backtest', () => {
  it('of a scenario given as a path is not the shipped scenario\'s of the same name, and the report is titled with the path', async () => {
    const cwd = temp();
    const fitted = path.join(cwd, 'fitted', 'cold_start');
    mkdirSync(path.dirname(fitted));
    cpSync(TINY, fitted, { recursive: true });
    await backtest(backtestOptions({ scenario: 'cold_start', engines: ['exp'] }), memoryIo(cwd));
    const quickStart = read(path.join(cwd, 'reports', 'cold_start'), 'summary.md');
    const io = memoryIo(cwd);
    const result = await backtest(backtestOptions({ scenario: fitted, engines: ['exp'] }), io);
    expect(result.dir).toBe(path.join(cwd, 'reports', 'fitted.cold_start'));
    expect(readdirSync(path.join(cwd, 'reports')).sort()).toEqual(['cold_start', 'fitted.cold_start']);
    // The quick start's report is as it was.
    expect(read(path.join(cwd, 'reports', 'cold_start'), 'summary.md')).toBe(quickStart);
    expect(io.out.split('\n')[0]).toBe(`## pacebench · \`${fitted}\``);
    expect(read(result.dir, 'summary.md').split('\n')[0]).toBe(`## pacebench · \`${fitted}\``);
    // The path is in run.json; summary.json keeps the folder's name and the figures only.
    expect(JSON.parse(read(result.dir, 'run.json'))).toMatchObject({ scenario: 'cold_start', scenario_path: fitted });
    expect(JSON.parse(read(result.dir, 'summary.json'))).toMatchObject({ scenario: 'cold_start' });
    expect(read(result.dir, 'summary.json')).not.toMatch(/scenario_path/);
    // A shipped scenario's report has no path.
    expect(read(path.join(cwd, 'reports', 'cold_start'), 'run.json')).not.toMatch(/scenario_path/);
  });

  it('never silently holds the report of another scenario whose folder has the same name', async () => {
    const cwd = temp();
    const a = path.join(cwd, 'a', 'fitted', 'cold_start');
    const b = path.join(cwd, 'b', 'fitted', 'cold_start');
    for (const dir of [a, b]) cpSync(TINY, dir, { recursive: true });
    await backtest(backtestOptions({ scenario: a, engines: ['exp'] }), memoryIo(cwd));
    const before = read(path.join(cwd, 'reports', 'fitted.cold_start'), 'summary.md');
    await expect(backtest(backtestOptions({ scenario: b, engines: ['exp'] }), memoryIo(cwd))).rejects.toThrow(
      `reports/fitted.cold_start holds the report of scenario ${a}, not ${b}; give --out for this one`,
    );
    expect(read(path.join(cwd, 'reports', 'fitted.cold_start'), 'summary.md')).toBe(before);
    // The same scenario again replaces its own report.
    await backtest(backtestOptions({ scenario: a, engines: ['exp'] }), memoryIo(cwd));
  });

  it('follows one rule: a shipped name as it is, a path as its parent and its own name joined by a dot', () => {
    expect(reportFolderName('cold_start')).toBe('cold_start');
    expect(scenarioTitle('cold_start')).toBe('cold_start');
    expect(reportFolderName('fitted/cold_start')).toBe('fitted.cold_start');
    expect(reportFolderName('fitted/cold_start/')).toBe('fitted.cold_start');
    expect(scenarioTitle('fitted/cold_start/')).toBe('fitted/cold_start');
    expect(scenarioTitle('./fitted/cold_start')).toBe('fitted/cold_start');
    expect(reportFolderName('/tmp/sc/crlf')).toBe('sc.crlf');
    expect(scenarioTitle('/tmp/sc/crlf')).toBe('/tmp/sc/crlf');
    // A folder here is titled as a path, not as the shipped scenario it may copy.
    expect(scenarioTitle('./cold_start')).toBe('./cold_start');
    expect(reportFolderName('./cold_start')).toBe(`${path.basename(process.cwd())}.cold_start`);
  });
});

describe('pacebench baseline --scenarios PATH', () => {
  it('writes each baseline under --out, in a folder named after the scenario', async () => {
    const cwd = temp();
    const sc = path.join(cwd, 'sc', 'crlf');
    cpSync(TINY, sc, { recursive: true });
    const out = path.join(cwd, 'work', 'out');
    const written: string[] = [];
    const record: Backtest = async (options) => {
      written.push(options.out);
    };
    const io = memoryIo(path.join(cwd, 'work'));
    const relative = path.relative(process.cwd(), sc);
    await baseline({ scenarios: [relative, sc], workers: 1, out: path.join(cwd, 'elsewhere') }, io, record).catch((e: Error) => written.push(e.message));
    // Two paths to scenarios of one name would share a folder: refused, nothing run.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/no baseline was written:\n.*both scenarios are named crlf/);
    written.length = 0;
    await baseline({ scenarios: ['cold_start', relative], workers: 1, out }, io, record);
    expect(written).toEqual([path.join(out, 'cold_start'), path.join(out, 'crlf')]);
    await baseline({ scenarios: [sc], workers: 1, out }, io, record);
    expect(written[2]).toBe(path.join(out, 'crlf'));
  });
});
