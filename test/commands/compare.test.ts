import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { memoryIo } from '../helpers.ts';

const BASELINE = path.join(import.meta.dirname, '..', '..', 'reports', 'baseline', 'cold_start');

/** A copy of the committed cold_start baseline, edited by `edit` (summary.json as an object, cases.csv as text). */
function copy(edit: (summary: Record<string, unknown>, cases: string) => { summary: Record<string, unknown>; cases: string }): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-compare-cmd-')), 'run');
  cpSync(BASELINE, dir, { recursive: true });
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  const edited = edit(summary, readFileSync(path.join(dir, 'cases.csv'), 'utf8'));
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(edited.summary, null, 2)}\n`);
  writeFileSync(path.join(dir, 'cases.csv'), edited.cases);
  return dir;
}

describe('pacebench compare gives no verdict it cannot stand behind', () => {
  it('refuses runs with other money parameters: exit 2 and the reason, no table, no page', async () => {
    const other = copy((summary, cases) => ({ summary: { ...summary, params: { ...(summary.params as object), value_per_hire: 1000 } }, cases }));
    const io = memoryIo();
    const page = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-compare-cmd-')), 'c.html');
    expect(await main(['compare', BASELINE, other, '--html', page], io)).toBe(2);
    expect(io.err).toMatch(/money parameters differ \(cold_start: value_per_hire 2500 → 1000\)/);
    expect(io.err).toMatch(/same --value-per-hire, --cost-per-invite and --cost-per-overbooking/);
    expect(io.err).not.toMatch(/regression/);
    expect(io.out).toBe('');
    expect(existsSync(page)).toBe(false);
  });

  it('fails (exit 1) when the new run lacks engines the old one had, naming them', async () => {
    const onlyExp = copy((summary, cases) => ({
      summary: { ...summary, engines: (summary.engines as { engine: string }[]).filter((e) => e.engine === 'exp' || e.engine === 'oracle') },
      cases: cases
        .split('\n')
        .filter((line, i) => i === 0 || line === '' || /^\d+,C\d+,(exp|oracle),/.test(line))
        .join('\n'),
    }));
    const io = memoryIo();
    expect(await main(['compare', BASELINE, onlyExp], io)).toBe(1);
    expect(io.out).not.toMatch(/no regression/);
    expect(io.out).toMatch(/\*\*Verdict: failed\.\*\* missing from .*: `exp-decay`, `nbinomial`, `stoch-constraint`, `pace`, `all-at-once`, `informed`\./);
    expect(io.err).toMatch(/^missing: cold_start: pace is in .* but missing from /m);
    // The page says it in words, not in markdown.
    const page = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-compare-cmd-')), 'c.html');
    expect(await main(['compare', BASELINE, onlyExp, '--html', page], memoryIo())).toBe(1);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/Verdict: failed\. missing from [^<]*: exp-decay, nbinomial/);
    expect(html).not.toMatch(/`exp-decay`/);
    // The other way round, engines the new run adds are news, not a failure.
    expect(await main(['compare', onlyExp, BASELINE], memoryIo())).toBe(0);
  });
});
