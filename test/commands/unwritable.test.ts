import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { fileSystemFailure, writeFailure } from '../../src/files.ts';
import { writeFilesAtomically } from '../../src/report/write.ts';
import { memoryIo, TINY } from '../helpers.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-unwritable-'));

// /proc and /sys take no new files, even from root, whom a permission check lets through.
const linux = existsSync('/proc/self') && existsSync('/sys/kernel');

async function refused(argv: readonly string[], cwd: string): Promise<string> {
  const io = memoryIo(cwd);
  const code = await main(argv, io);
  expect(code, io.err).toBe(2);
  expect(io.err).not.toMatch(/\n\s+at /);
  expect(io.err.trim().split('\n'), io.err).toHaveLength(1);
  return io.err;
}

describe.runIf(linux)('an output that cannot be written', () => {
  it('is refused before a backtest runs: --out and --trace into /proc or /sys, exit 2 in one line', async () => {
    const cwd = temp();
    const base = ['backtest', '--scenario', TINY, '--engines', 'exp', '--workers', '1', '--no-html'];
    expect(await refused([...base, '--out', '/proc/pacebench-x'], cwd)).toMatch(/--out \/proc\/pacebench-x: cannot be created: nothing can be written in \/proc/);
    expect(await refused([...base, '--out', '/sys/pacebench-x'], cwd)).toMatch(/--out \/sys\/pacebench-x: cannot be created/);
    expect(await refused([...base, '--out', 'r', '--trace', '/proc/pacebench-x.jsonl'], cwd)).toMatch(/--trace \/proc\/pacebench-x.jsonl: cannot be created/);
    // Refused before the run: no report was written.
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('is refused by fit, tune, merge and compare --html', async () => {
    const cwd = temp();
    const io = memoryIo(cwd);
    expect(await main(['backtest', '--scenario', TINY, '--engines', 'exp', '--workers', '1', '--no-html', '--out', 'r', '--trace', 't.jsonl'], io)).toBe(0);
    expect(await refused(['fit', 't.jsonl', '--engine', 'exp', '--out', '/proc/pacebench-f'], cwd)).toMatch(/--out \/proc\/pacebench-f: cannot be created/);
    expect(await refused(['merge', 'r', '--out', '/sys/pacebench-m'], cwd)).toMatch(/--out \/sys\/pacebench-m: cannot be created/);
    expect(await refused(['compare', 'r', 'r', '--html', '/proc/pacebench-c.html'], cwd)).toMatch(/--html \/proc\/pacebench-c.html: cannot be created/);
    expect(
      await refused(['tune', '--engine', 'nbinomial', '--param', 'mean=0.05,0.1', '--scenarios', TINY, '--method', 'grid', '--workers', '1', '--no-html', '--out', '/proc/pacebench-t'], cwd),
    ).toMatch(/--out \/proc\/pacebench-t: cannot be created/);
  });
});

describe('a write that fails once begun', () => {
  it('ends in one line with exit 2, and leaves nothing behind', () => {
    const root = temp();
    const dir = path.join(root, 'out');
    // `a` is written as a file, then needed as a folder: the file system refuses midway.
    let error: unknown;
    try {
      writeFilesAtomically(dir, { a: 'x', 'a/b': 'y' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'UserError', exitCode: 2 });
    expect((error as Error).message).toMatch(/out could not be written: .* \(E[A-Z]+\)$/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('exits 1 when the machine is at fault (a full disk), 2 when the place is (read-only)', () => {
    const failure = (code: string) => Object.assign(new Error(`${code}: reason, write '/x'`), { code, syscall: 'write' });
    expect(writeFailure(failure('ENOSPC'), 'report folder r')).toMatchObject({ exitCode: 1, message: 'report folder r could not be written: reason (ENOSPC)' });
    expect(writeFailure(failure('EROFS'), 'r')).toMatchObject({ exitCode: 2 });
    expect(writeFailure(failure('EACCES'), 'r')).toMatchObject({ exitCode: 2 });
    const bug = new TypeError('not a file-system failure');
    expect(writeFailure(bug, 'r')).toBe(bug);
    expect(fileSystemFailure(bug)).toBeNull();
    expect(fileSystemFailure(failure('EIO'))).toMatchObject({ exitCode: 1, message: "EIO: reason, write '/x'" });
  });

  it('is never a stack trace from the command line, whatever command met it', async () => {
    const cwd = temp();
    // A summary.json that is a folder: reading it fails in the file system (EISDIR).
    mkdirSync(path.join(cwd, 'r', 'summary.json'), { recursive: true });
    const io = memoryIo(cwd);
    const code = await main(['compare', 'r', 'r'], io);
    expect(io.err).not.toMatch(/\n\s+at /);
    expect(code).toBe(2);
  });
});
