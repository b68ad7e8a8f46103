import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** A checkout of its own (sources copied, node_modules shared), so its sources can be edited. */
function checkout(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'pacebench-launcher-')));
  for (const f of ['bin', 'src', 'scenarios']) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'pacebench.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/pacebench.mjs, the start of every npm script', () => {
  // One checkout for both tests, in this order: the edits of the second come last.
  const dir = checkout();

  it('gives the same report as the sources run through tsx, the shipped scenarios found from anywhere', () => {
    const elsewhere = realpathSync(mkdtempSync(path.join(tmpdir(), 'pacebench-cwd-')));
    const args = ['backtest', '--scenario', 'trace_replay', '--no-html', '--workers', '1'];
    const bundled = spawnSync(process.execPath, [path.join(dir, 'bin', 'pacebench.mjs'), ...args, '--out', 'bundled'], { cwd: elsewhere, encoding: 'utf8' });
    expect(bundled.stderr).toMatch(/report written to bundled\//);
    const plain = run(dir, [...args, '--out', path.join(elsewhere, 'plain')], { PACEBENCH_NO_BUNDLE: '1' });
    expect(plain.code).toBe(0);
    expect(readFileSync(path.join(elsewhere, 'bundled', 'cases.csv'), 'utf8')).toBe(readFileSync(path.join(elsewhere, 'plain', 'cases.csv'), 'utf8'));
  }, 60_000);
  it('runs the sources through tsx when no bundle can be written (a read-only node_modules)', () => {
    const other = checkout();
    // The launcher's cache folder for that checkout, made a file so that nothing can be written there.
    let h = 0;
    const project = `${other}${path.sep}`;
    for (let i = 0; i < project.length; i++) h = (Math.imul(h, 31) + project.charCodeAt(i)) | 0;
    const blocked = path.join(ROOT, 'node_modules', '.cache', 'pacebench', `cli-${(h >>> 0).toString(16)}`);
    mkdirSync(path.dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'not a folder');
    const caches = (): string[] => readdirSync(path.dirname(blocked)).filter((f) => f.startsWith('cli-'));
    const before = caches();
    try {
      const r = run(other, ['engines', 'list']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^exp\b/m);
      // No bundle went anywhere else.
      expect(caches()).toEqual(before);
    } finally {
      rmSync(blocked, { force: true });
    }
  }, 60_000);

  it('picks up an edited source on the next run, and says where sources do not compile', () => {
    const cli = path.join(dir, 'src', 'cli.ts');
    expect(run(dir, ['--help']).stdout).toMatch(/Backtests and benchmarks invitation-pacing engines\./);

    writeFileSync(cli, readFileSync(cli, 'utf8').replace('Backtests and benchmarks invitation-pacing engines.', 'An edited description.'));
    const edited = run(dir, ['--help']);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/An edited description\./);

    writeFileSync(cli, `${readFileSync(cli, 'utf8')}\nconst broken = ;\n`);
    const broken = run(dir, ['--help']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/src\/cli\.ts:\d+:\d+/);
    expect(broken.stderr).toMatch(/could not bundle src\/cli\.ts/);
  }, 60_000);

});
