import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** A checkout of its own (sources copied, node_modules shared), so its sources can be edited. */
function checkout(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'pacebench-launcher-')));
  for (const f of ['bin', 'src', 'scenarios', 'scripts']) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function run(dir: string, args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'pacebench.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function build(dir: string) {
  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'build.mjs')], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe('bin/pacebench.mjs, the start of every npm script', () => {
  // One checkout for the tests, in this order: the edits of the last come last.
  const dir = checkout();

  it('refuses to run before the first build', () => {
    const r = run(dir, ['--help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pacebench: pacebench is not built (no dist/build-info.json): run npm run build\n');
  });

  it('runs the build, which gives the same report as the sources run through tsx, the shipped scenarios found from anywhere', () => {
    expect(build(dir).code).toBe(0);
    const elsewhere = realpathSync(mkdtempSync(path.join(tmpdir(), 'pacebench-cwd-')));
    const args = ['backtest', '--scenario', 'trace_replay', '--no-html', '--workers', '1'];
    const built = run(dir, [...args, '--out', 'built'], elsewhere);
    expect(built.stderr).toMatch(/report written to built\//);
    const plain = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, path.join(dir, 'src', 'cli.ts'), ...args, '--out', 'plain'], { cwd: elsewhere, encoding: 'utf8' });
    expect(plain.status).toBe(0);
    expect(readFileSync(path.join(elsewhere, 'built', 'cases.csv'), 'utf8')).toBe(readFileSync(path.join(elsewhere, 'plain', 'cases.csv'), 'utf8'));
  }, 60_000);

  it('refuses a build older than an edited source in one line, runs once rebuilt, and the build says where sources do not compile', () => {
    const cli = path.join(dir, 'src', 'cli.ts');
    expect(run(dir, ['--help']).stdout).toMatch(/Backtests and benchmarks invitation-pacing engines\./);
    // Touched, not changed: still the build of these sources.
    const later = new Date(Date.now() + 5_000);
    utimesSync(cli, later, later);
    expect(run(dir, ['--help']).code).toBe(0);

    writeFileSync(cli, readFileSync(cli, 'utf8').replace('Backtests and benchmarks invitation-pacing engines.', 'An edited description.'));
    const stale = run(dir, ['--help']);
    expect(stale.code).toBe(2);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toBe('pacebench: src/cli.ts changed since the last build: run npm run build\n');
    expect(build(dir).code).toBe(0);
    const edited = run(dir, ['--help']);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/An edited description\./);

    writeFileSync(cli, `${readFileSync(cli, 'utf8')}\nconst broken = ;\n`);
    const broken = build(dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/src\/cli\.ts:\d+:\d+/);
    expect(run(dir, ['--help']).code).toBe(2);
  }, 60_000);
});
