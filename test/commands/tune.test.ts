import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { tune, type TuneOptions } from '../../src/commands/tune.ts';
import { UserError } from '../../src/errors.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { expectSelfContained, memoryIo } from '../helpers.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const PEAK = path.join(ROOT, 'test', 'fixtures', 'tune-peak');
const INVITE_K = 'test/fixtures/engines/invite-k.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-tune-'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

function options(o: Partial<TuneOptions>): TuneOptions {
  return {
    engine: INVITE_K,
    params: ['k=1..8'],
    scenarios: [PEAK],
    method: 'grid',
    budget: null,
    objective: 'value',
    seed: 1,
    holdoutSeed: null,
    replicates: 1,
    workers: 1,
    bootstrap: 200,
    block: 10,
    maxCalls: 1000,
    money: DEFAULT_MONEY,
    print: false,
    out: temp(),
    ...o,
  };
}

describe('pacebench tune finds the known answer (k = 4 vacancies)', () => {
  it.each(['grid', 'random', 'race'] as const)('by %s', async (method) => {
    const out = temp();
    const { report } = await tune(options({ method, out, budget: method === 'random' ? 8 : null }), memoryIo(ROOT));
    expect(report.winner).toEqual({ spec: `${INVITE_K}:k=4`, params: { k: 4 } });
    expect(report.configurations[0]?.overall).toMatchObject({ fill_rate: 1, invited: 4, regret: 0 });
    expect(readdirSync(out).sort()).toEqual(['configs.csv', 'tune.json', 'tune.md']);
    const md = read(out, 'tune.md');
    expect(md).toContain(`**Winner:** \`${INVITE_K}:k=4\``);
    if (method === 'grid') {
      // The profile of value against k peaks at 4: 2 500 a hire, 20 an invitation, 250 an overbooking.
      expect(md).toContain('x-axis "k" ["1", "2", "3", "4", "5", "6", "7", "8"]');
      expect(md).toContain('line [2480, 4960, 7440, 9920, 9650, 9380, 9110, 8840]');
    }
    // The defaults (k = 2) fill half the vacancies; the holdout shows the winner's gain again.
    const holdout = report.holdout.find((h) => h.roles.includes('best'));
    expect(holdout?.holdout.value).toBe(holdout?.in_sample.value);
    expect(holdout?.holdout_vs_defaults?.value_diff.ci95?.[0]).toBeGreaterThan(0);
    expect(report.holdout.find((h) => h.roles.includes('defaults'))?.spec).toBe(`${INVITE_K}:k=2`);
  });

  it('the race drops the clearly worse at its first test and spends less than the grid', async () => {
    const out = temp();
    const { report } = await tune(options({ method: 'race', out }), memoryIo(ROOT));
    expect(report.full_evaluations).toBe(8 * 40);
    expect(report.evaluations).toBe(8 * 20);
    const k1 = report.configurations.find((c) => c.params.k === 1);
    expect(k1).toMatchObject({ status: 'dropped', dropped_after: 20 });
    expect(report.stopped).toBe('one survivor');
    // The defaults are never dropped: the page says that one challenger is left beside them.
    expect(readFileSync(path.join(out, 'tune.md'), 'utf8')).toContain('the race stopped: one challenger of the defaults left');
  });

  it('shows progress on a terminal only: cases seen, configurations left, best so far', async () => {
    const quiet = memoryIo(ROOT);
    await tune(options({ method: 'race', out: temp() }), quiet);
    expect(quiet.err).not.toMatch(/\r/);
    const terminal = memoryIo(ROOT);
    await tune(options({ method: 'race', out: temp() }), { ...terminal, progress: true });
    expect(terminal.err).toMatch(/tune invite-k: 20\/40 cases, 2 configurations left, best so far test\/fixtures\/engines\/invite-k.ts:k=4 \(value 9920.0\)/);
    expect(terminal.err).toMatch(/holdout of 2 configurations/);
  });

  it('plays every replicate of every case with --replicates', async () => {
    const { report } = await tune(options({ params: ['k=3..5'], replicates: 2, out: temp() }), memoryIo(ROOT));
    expect(report.full_evaluations).toBe(4 * 80);
    expect(report.configurations[0]?.by_scenario[0]).toMatchObject({ scenario: 'tune-peak', cases: 80 });
    expect(report.holdout[0]?.holdout.cases).toBe(80);
  });

  it('a race keeps to its budget of case-evaluations', async () => {
    const { report } = await tune(options({ method: 'race', budget: 100, block: 5 }), memoryIo(ROOT));
    expect(report.evaluations).toBeLessThanOrEqual(100);
    expect(report.stopped).toBe('budget spent');
    expect(report.full_evaluations).toBe(320);
  });

  it('writes one configs.csv row per configuration and scenario, and the ranked table', async () => {
    const out = temp();
    const tight = path.join(ROOT, 'scenarios', 'tight_deadlines');
    await tune(options({ out, params: ['k=3,4'], scenarios: [PEAK, tight] }), memoryIo(ROOT));
    const lines = read(out, 'configs.csv').trim().split('\n');
    expect(lines[0]).toBe('rank,spec,k,is_default,status,dropped_after,scenario,cases,value,fill_rate,invited,regret,faults');
    // k = 3, k = 4 and the defaults (k = 2), on two scenarios.
    expect(lines).toHaveLength(1 + 3 * 2);
    expect(lines.filter((l) => l.includes(',tune-peak,40,'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(',tight_deadlines,150,'))).toHaveLength(3);
    const json = JSON.parse(read(out, 'tune.json'));
    expect(json.scenarios).toEqual([{ name: 'tune-peak', cases: 40 }, { name: 'tight_deadlines', cases: 150 }]);
    expect(json.configurations[0].by_scenario.map((s: { scenario: string }) => s.scenario)).toEqual(['tune-peak', 'tight_deadlines']);
  });
});

describe('invalid tuning requests', () => {
  it.each([
    [['--param', 'k=1..60'], /HIGH 60 is above the engine's maximum 50/],
    [['--param', 'j=1..3'], /invite-k has no parameter "j" \(it takes k\)/],
    [['--param', 'k=1.5,2'], /value 1.5 is not an integer, and k is an integer parameter/],
    [['--param', 'k=5..1'], /LOW 5 is above HIGH 1/],
    [['--param', 'k=1..5:0'], /STEP 0 must be above 0/],
  ])('%j is refused with exit 2 before anything runs, and nothing is written', async (extra, message) => {
    const out = path.join(temp(), 'report');
    const io = memoryIo(ROOT);
    const code = await main(['tune', '--engine', INVITE_K, '--scenarios', PEAK, '--out', out, '--workers', '1', ...extra], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to tune the informed reference, with exit 2 and the reason, writing nothing', async () => {
    const out = path.join(temp(), 'report');
    const io = memoryIo(ROOT);
    const code = await main(['tune', '--engine', 'informed', '--param', 'k=1..3', '--scenarios', PEAK, '--out', out, '--workers', '1'], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(/--engine informed: a reference engine is a yardstick to measure engines against, not a candidate to tune/);
    expect(io.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('shows informed beside the configurations with --informed, as a yardstick never ranked; nothing without it', async () => {
    const out = temp();
    const { report } = await tune(options({ out, params: ['k=3..5'], informed: true }), memoryIo(ROOT));
    expect(report.yardstick?.engine).toBe('informed');
    expect(report.yardstick?.holdout.cases).toBe(report.holdout[0]?.holdout.cases);
    expect(report.configurations.map((c) => c.spec)).not.toContain('informed');
    const md = read(out, 'tune.md');
    expect(md).toMatch(/\*\*Yardstick:\*\* `informed`, a reference that knows each case's true behaviour, never a candidate to tune: [\d,−]+ per case in sample, [\d,−]+ in the holdout\./);
    expect(md).toMatch(/^\| `informed` \| yardstick, not tuned \| /m);
    const plain = await tune(options({ out: temp(), params: ['k=3..5'] }), memoryIo(ROOT));
    expect(plain.report).not.toHaveProperty('yardstick');
  }, 60_000);

  it('refuses a grid too large, a budget on a grid, and parameters on --engine', async () => {
    await expect(tune(options({ engine: 'stoch-constraint', params: ['quantile=0..1:0.0001'] }), memoryIo(ROOT))).rejects.toThrow(/above the cap/);
    await expect(tune(options({ budget: 5 }), memoryIo(ROOT))).rejects.toThrow(/--budget applies to --method random/);
    await expect(tune(options({ scenarios: [PEAK, 'test/fixtures/tune-peak'] }), memoryIo(ROOT))).rejects.toThrow(/--scenarios names "tune-peak" twice/);
    await expect(tune(options({ method: 'race', budget: 7 }), memoryIo(ROOT))).rejects.toThrow(/cannot run each of the 8 configurations on even one case/);
    await expect(tune(options({ engine: 'nbinomial:mean=0.1', params: ['variance=0.001'] }), memoryIo(ROOT))).rejects.toThrow(UserError);
  });

  it('writes over its own earlier report, and never into a folder of other files', async () => {
    const out = temp();
    await tune(options({ params: ['k=3,4'], out }), memoryIo(ROOT));
    await tune(options({ params: ['k=4,5'], out }), memoryIo(ROOT));
    expect(JSON.parse(read(out, 'tune.json')).configurations.map((c: { params: { k: number } }) => c.params.k).sort()).toEqual([2, 4, 5]);
    const foreign = temp();
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    await expect(tune(options({ out: foreign }), memoryIo(ROOT))).rejects.toThrow(/holds no earlier pacebench report \(no tune.json\)/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it('names the grid points whose parameters clash', async () => {
    await expect(
      tune(options({ engine: 'nbinomial', params: ['mean=0.01,0.5', 'variance=0.001,0.1'], scenarios: [PEAK] }), memoryIo(ROOT)),
    ).rejects.toThrow(/configurations cannot run:\n {2}engine "nbinomial:mean=0.01:variance=0.1" cannot be created/);
  });
});

describe('tuning results', () => {
  it('are byte-identical whatever the number of worker threads', async () => {
    const dirs = [temp(), temp()];
    const results = [];
    for (const [i, workers] of [1, 2].entries()) {
      const o = options({
        engine: 'stoch-constraint',
        params: ['quantile=0.2,0.5', 'draws=3,8'],
        scenarios: [PEAK],
        method: 'race',
        block: 20,
        workers,
        out: dirs[i],
        helpersAtOnce: true,
      });
      results.push(await tune(o, memoryIo(ROOT)));
    }
    for (const file of ['tune.json', 'tune.md', 'configs.csv']) expect(read(dirs[1]!, file)).toBe(read(dirs[0]!, file));
    expect(results[1]?.helperUnits).toBeGreaterThan(0);
    expect(results[0]?.report.configurations.length).toBe(5);
    expect(results[0]?.report.rounds.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('report.html of a tuning run', () => {
  it('holds a chart of value against k and the Pareto front, a point per configuration, needing nothing from outside', async () => {
    const out = temp();
    const { report } = await tune(options({ method: 'race', out, html: true }), memoryIo(ROOT));
    expect(readdirSync(out).sort()).toEqual(['charts', 'configs.csv', 'report.html', 'tune.json', 'tune.md']);
    expect(readdirSync(path.join(out, 'charts')).sort()).toEqual(['pareto.svg', 'value-by-k.svg']);
    const html = read(out, 'report.html');
    for (const name of ['value-by-k', 'pareto']) {
      const svg = read(out, `charts/${name}.svg`);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(html).toContain(`<figure id="chart-${name}"`);
      expect(html).toContain(svg.trim());
      // One symbol per configuration (legend symbols are another role); the winner and the defaults labelled.
      const points = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)?.join('').match(/<path /g)?.length ?? 0;
      expect(points).toBe(report.configurations.length);
      const text = svg.match(/<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g)?.join('') ?? '';
      const labels = [...text.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
      expect(labels.sort()).toEqual(['defaults', 'winner']);
    }
    // The front of k = 1..4: a line through four points.
    expect(read(out, 'charts/pareto.svg')).toMatch(/<g class="mark-line role-mark[^"]*"[^>]*><path [^>]*d="M[\d.,-]+(L[\d.,-]+){3}"/);
    expect(html).toContain(`<code id="winner">${INVITE_K}:k=4</code>`);
    expectSelfContained(html);

    // The same bytes from another run with another number of threads; gone when a later run asks for none.
    const again = temp();
    await tune(options({ method: 'race', out: again, html: true, workers: 2, helpersAtOnce: true }), memoryIo(ROOT));
    expect(read(again, 'report.html')).toBe(html);
    await tune(options({ method: 'race', out }), memoryIo(ROOT));
    expect(readdirSync(out).sort()).toEqual(['configs.csv', 'tune.json', 'tune.md']);
  }, 60_000);
});
