import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/commands/backtest.ts';
import { summaryMarkdown } from '../../src/report/markdown.ts';
import { FAULT_WARNING_SHARE, tooManyFaults } from '../../src/score/rows.ts';
import type { Summary } from '../../src/score/summary.ts';
import { backtestOptions, memoryIo } from '../helpers.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-faults-'));

/** A service that answers `calls` decisions, then stops listening: every later call is refused. */
async function dyingService(calls: number): Promise<string> {
  let answered = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([false, 1, 30]));
      if (++answered === calls) {
        server.close();
        server.closeAllConnections();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/optim-exp/`;
}

describe('an engine that faulted on many cases', () => {
  it('is told on stderr and in summary.md when a remote engine dies midway, not only when every case faulted', async () => {
    const url = await dyingService(30);
    const out = temp();
    const io = memoryIo();
    await backtest(backtestOptions({ engines: [`svc=${url}`, 'nbinomial'], replicates: 10, out, engineTimeoutMs: 2000 }), io);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    const svc = summary.engines.find((e) => e.engine === 'svc');
    expect(svc?.faults).toBeGreaterThan(0);
    expect(svc?.faults).toBeLessThan(40);
    expect(io.err).toMatch(new RegExp(`pacebench: warning: svc faulted on ${svc?.faults} of 40 cases \\(\\d+ %\\), its figures describe the faults as much as the engine; the first: `));
    expect(io.err).not.toMatch(/warning: nbinomial/);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(new RegExp(`\\n\\*\\*Warning: \`svc\` faulted on ${svc?.faults} of 40 cases \\(\\d+ %\\)\\.\\*\\* Its figures`));
    // Under the table, before the notes on it.
    expect(md.indexOf('**Warning: `svc`')).toBeLessThan(md.indexOf('Means per case'));
  });

  it('is flagged from a share of 5 % of its cases; a run without such faults has no warning line', () => {
    expect(FAULT_WARNING_SHARE).toBe(0.05);
    expect(tooManyFaults(0, 100)).toBe(false);
    expect(tooManyFaults(4, 100)).toBe(false);
    expect(tooManyFaults(5, 100)).toBe(true);
    expect(tooManyFaults(1, 1)).toBe(true);
    const engine = (name: string, faults: number) => ({
      engine: name,
      fill_rate: { mean: 1, ci95: null },
      filled_share: 1,
      invited: 1,
      excess_invites: 0,
      overbooked: 0,
      hires: 1,
      time_to_fill_minutes_median: null,
      time_to_fill_ratio: null,
      value: { mean: 1, ci95: null },
      regret: { mean: 0, ci95: null },
      calls: 1,
      faults,
      fault_examples: [],
      over_asks: 0,
      over_ask_cases: 0,
      vs_baseline: null,
    });
    const summary = (faults: number): Summary =>
      ({
        schema_version: 1,
        scenario: 's',
        description: '',
        seed: 1,
        replicates: 2,
        cases: 50,
        pool_size_mean: 10,
        num_vacancies_mean: 1,
        params: { value_per_hire: 2500, cost_per_invite: 20, cost_per_overbooking: 250, carry_state: false, max_calls: 100000, bootstrap: 1000 },
        baseline: null,
        engines: [engine('a', faults), engine('oracle', 0)],
        win_rates: [],
      }) as unknown as Summary;
    expect(summaryMarkdown(summary(4))).not.toMatch(/Warning/);
    expect(summaryMarkdown(summary(5))).toMatch(/\*\*Warning: `a` faulted on 5 of 100 cases \(5 %\)\.\*\*/);
  });
});
