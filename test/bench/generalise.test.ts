import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_ENGINES, distribution, markdown, worstCases, type GeneraliseReport } from '../../bench/generalise.ts';
import type { Summary } from '../../src/score/summary.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('npm run bench:generalise', () => {
  it('backtests small populations and reports pace against the best seed engine with the reports\' own paired interval', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--count', '2', '--cases', '8', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toMatch(/\[2\/2\] pop-2026-002: best /);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'generalise.json'), 'utf8')) as GeneraliseReport;
    expect(report).toMatchObject({ population_seed: 2026, backtest_seed: 1, count: 2, cases: 8 });
    expect(report.engines).toEqual(['pace', ...SEED_ENGINES]);
    expect(report.results.map((x) => x.population)).toEqual(['pop-2026-001', 'pop-2026-002']);
    expect(distribution(report.results)).toEqual(report.distribution);
    expect(r.stdout).toBe(markdown(report));
    expect(r.stdout).toContain('| pop-2026-001 |');
    expect(worstCases(report.results, 1)).toHaveLength(1);

    // The interval is the one `backtest --baseline BEST` prints for pace.
    const first = report.results[0];
    if (first === undefined) throw new Error('no result');
    expect(SEED_ENGINES).toContain(first.best_seed_engine);
    const again = path.join(out, 'again');
    const b = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'pacebench.mjs'), 'backtest', '--scenario', path.join(out, 'populations', 'pop-2026-001'), '--engines', ['pace', ...SEED_ENGINES].join(','), '--baseline', first.best_seed_engine, '--workers', '1', '--out', again, '--format', 'json', '--no-html'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(b.status).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(again, 'summary.json'), 'utf8')) as Summary;
    const pace = summary.engines.find((e) => e.engine === 'pace');
    expect(pace?.vs_baseline?.value_diff).toEqual(first.pace_vs_best);
    const best = Math.max(...summary.engines.filter((e) => (SEED_ENGINES as readonly string[]).includes(e.engine)).map((e) => e.value.mean));
    expect(summary.engines.find((e) => e.engine === first.best_seed_engine)?.value.mean).toBe(best);
  });

  it('refuses --informed while no informed engine is registered, or runs it once one is', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--count', '1', '--cases', '4', '--informed', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0) {
      const report = JSON.parse(readFileSync(path.join(out, 'generalise.json'), 'utf8')) as GeneraliseReport;
      expect(report.engines).toContain('informed');
      expect(report.results[0]?.pace_vs_informed).not.toBeNull();
    } else {
      expect(r.stderr).toContain('no engine "informed" is registered yet');
    }
    // informed plans every call to the deadline: slow on a shared machine.
  }, 180_000);

  it('refuses a bad engine spec or option in one line, exit 2, before writing any population', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-')), 'run');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--count', '1', '--pace', 'pace:pooling=2', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['bench:generalise: engine "pace:pooling=2": pooling=2 is above 1']);
    expect(existsSync(path.join(out, 'populations'))).toBe(false);
    const typo = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(typo.status).toBe(2);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toContain('bogus');
    const shipped = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--shipped', '--count', '3'], { cwd: ROOT, encoding: 'utf8' });
    expect(shipped.status).toBe(2);
    expect(shipped.stderr).toContain('--shipped runs the seven shipped scenarios; --count shape drawn populations only');
  });

  it('measures an engine spec with parameters in pace\'s place, every engine with carried state', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--count', '1', '--cases', '6', '--pace', 'pace:carry=0', '--engines', 'pace', '--carry-state', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'generalise.json'), 'utf8')) as GeneraliseReport;
    expect(report).toMatchObject({ pace: 'pace:carry=0', carry_state: true });
    expect(report.engines).toEqual(['pace:carry=0', ...SEED_ENGINES, 'pace']);
    expect(r.stdout).toContain('`pace:carry=0`, every engine with carried state');
    const summary = JSON.parse(readFileSync(path.join(out, 'reports', 'pop-2026-001', 'summary.json'), 'utf8')) as Summary;
    expect(summary.params.carry_state).toBe(true);
    expect(summary.engines.find((e) => e.engine === 'pace:carry=0')?.vs_baseline).toBeDefined();
  });

  it('runs informed, a reference engine, with --informed and reports the gap to it', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-generalise-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'generalise.ts'), '--count', '1', '--cases', '2', '--informed', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toContain('is registered yet');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'generalise.json'), 'utf8')) as GeneraliseReport;
    expect(report.engines).toEqual(['pace', ...SEED_ENGINES, 'informed']);
    expect(report.results[0]?.informed_gap_share).not.toBeNull();
    expect(report.results[0]?.pace_vs_informed).not.toBeNull();
  }, 180_000);
});
