import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** The CLI as users start it, in its own process. */
function pacebench(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the pacebench command', () => {
  it('backtests a shipped scenario: markdown on stdout, the report on disk', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-')), 'report');
    const r = pacebench(['backtest', '--scenario', 'trace_replay', '--workers', '2', '--out', out]);
    expect(r.stderr).toMatch(/report written to/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## pacebench · `trace_replay`/);
    for (const f of ['summary.md', 'summary.json', 'cases.csv', 'timings.json', 'run.json']) expect(existsSync(path.join(out, f))).toBe(true);
  });

  it('reports every problem of a broken scenario with file and line, exits 2 and writes nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-'));
    const scenario = path.join(dir, 'broken');
    mkdirSync(scenario);
    writeFileSync(
      path.join(scenario, 'pools.csv'),
      'case_id,pool_size,num_vacancies,start,deadline,behaviour\nC1,100,3,2021-01-04 09:00:00,2021-13-01 00:00:00,b\nC2,100,0,2021-01-04 09:00:00,2021-01-05 00:00:00,nope\n',
    );
    writeFileSync(
      path.join(scenario, 'behaviours.csv'),
      'behaviour,segment,weight,p_accept,p_reject,p_offer_accept,delay_dist,delay_a,delay_b\nb,all,1,0.1,0.1,0.6,weibull,2.4,10.5\n',
    );
    const out = path.join(dir, 'report');
    const r = pacebench(['backtest', '--scenario', scenario, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const pools = path.relative(ROOT, path.join(scenario, 'pools.csv'));
    expect(r.stderr).toContain(`${pools}:2: column deadline: "2021-13-01 00:00:00" is not a timestamp`);
    expect(r.stderr).toContain(`${pools}:3: column num_vacancies: 0 is below 1`);
    expect(r.stderr).toContain(`${pools}:3: column behaviour: "nope" is not defined`);
    expect(r.stderr).toMatch(/has 3 problems; nothing was run/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a scenario name that is a way out of scenarios/', () => {
    const r = pacebench(['backtest', '--scenario', '..']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenario name "\.\." is not valid/);
  });

  it('lists the shipped scenarios with their case counts', () => {
    const r = pacebench(['scenarios', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cold_start +200 +\S/m);
    expect(r.stdout).toMatch(/^large_pools +100 +\S/m);
  });

  it('answers requests from stdin with pacebench decide', () => {
    const request = {
      correlation_id: 'Case0_0',
      now: '2021-01-02 03:12:27',
      deadline: '2021-01-05 09:00:00',
      num_vacancies: 8,
      num_remaining_in_pool: 98,
      impacted_candidates_data: [],
    };
    const r = pacebench(['decide', '--engine', 'nbinomial'], `${JSON.stringify(request)}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"finished":false,"num_candidates_needed":27,"callback_time_minutes":7}\n');
  });

  it('shows help for every command', () => {
    for (const command of ['backtest', 'decide', 'conformance', 'scenarios', 'engines']) {
      const r = pacebench([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--help/);
    }
  });
});
