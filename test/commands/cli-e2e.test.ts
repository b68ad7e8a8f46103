import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** The CLI as users start it (`npm run pacebench` runs bin/pacebench.mjs), in its own process. */
function pacebench(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'pacebench.mjs'), ...args], {
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
    // Outside the working folder, a file is named whole (not ../../tmp/…).
    const pools = path.join(scenario, 'pools.csv');
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

describe('the promises of the README', () => {
  const ENGINE = path.join(ROOT, 'test', 'fixtures', 'engines', 'misbehaving.mjs');

  it('stdout carries only the summary: an engine\'s console output goes to stderr, marked with its name', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-')), 'report');
    const r = pacebench(['backtest', '-s', 'test/fixtures/tiny', '-e', `exp,${ENGINE}:mode=3`, '--format', 'json', '-o', out, '--bootstrap', '200']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario).toBe('tiny');
    expect(r.stderr).toMatch(/^\[misbehaving:mode=3\] deciding A1_0$/m);
  });

  it('an engine that calls process.exit(0) is a fault in the report, not a silent exit 0', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-')), 'report');
    const r = pacebench(['backtest', '-s', 'test/fixtures/tiny', '-e', `${ENGINE}:mode=2`, '-o', out, '--bootstrap', '200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/threw at A1_0: Error: called process.exit\(0\)/);
    expect(existsSync(path.join(out, 'summary.md'))).toBe(true);
  });

  it('decide reads a large request from a pipe, from - and from a slow writer', () => {
    const request = {
      correlation_id: 'C_0',
      reference_date_time: '2021-01-04 09:00:00',
      deadline: '2021-01-08 09:00:00',
      num_vacancies: 9,
      num_remaining_in_pool: 100,
      impacted_candidates_data: Array.from({ length: 12_000 }, () => ({ notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 5 })),
    };
    const text = JSON.stringify(request);
    expect(text.length).toBeGreaterThan(1_000_000);
    const piped = pacebench(['decide', '--engine', 'stoch-constraint'], text);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout).finished).toBe(false);
    expect(pacebench(['decide', '--engine', 'exp', '-'], text).code).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-'));
    writeFileSync(path.join(dir, 'request.json'), text);
    const slow = spawnSync('bash', ['-c', `(sleep 0.5; cat "${path.join(dir, 'request.json')}") | "${process.execPath}" --import tsx src/cli.ts decide --engine exp`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(slow.stderr).toBe('');
    expect(slow.status).toBe(0);
  });

  it('exits 1 on a failed check: an engine that breaks the contract', () => {
    const r = pacebench(['conformance', '-e', 'exp,test/fixtures/engines/broken.ts']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ok {4}exp$/m);
    expect(r.stdout).toMatch(/^FAIL  broken: \d+ violations$/m);
  });

  it('checks a TypeScript engine kept outside the project, beside a package.json of its own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-engine-'));
    writeFileSync(path.join(dir, 'package.json'), '{"name": "their-engines"}\n');
    writeFileSync(
      path.join(dir, 'fixed.ts'),
      "const invite: number = 3;\nexport default { name: 'fixed', create: () => ({ decide: (r: { correlation_id: string }) => ({ correlation_id: r.correlation_id, finished: false, num_candidates_needed: invite, callback_time_minutes: 30 }) }) };\n",
    );
    const r = pacebench(['conformance', '-e', path.join(dir, 'fixed.ts')]);
    expect(r.stderr).not.toMatch(/could not be loaded/);
    expect(r.stdout).toMatch(/^(ok|FAIL) {2,4}fixed/m);
  });

  it('caps --workers at the machine\'s cores and says so', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-')), 'report');
    const r = pacebench(['backtest', '-s', 'test/fixtures/tiny', '-e', 'exp', '--workers', '1000', '-o', out, '--bootstrap', '200']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--workers 1000 is more than this machine's \d+ cores; using \d+/);
  });

  it('exits 2 on bad input and writes nothing: an output folder of the user\'s (the other refusals are tested without a process)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-e2e-'));
    writeFileSync(path.join(dir, 'notes.md'), 'mine');
    const mine = pacebench(['backtest', '-s', 'test/fixtures/tiny', '-o', dir]);
    expect(mine.code).toBe(2);
    expect(mine.stderr).toMatch(/is not empty and holds no earlier pacebench report/);
    expect(mine.stdout).toBe('');
  });
});
