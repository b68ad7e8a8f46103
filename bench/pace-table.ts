/**
 * Reads the report folders written by bench/pace-report.sh and prints, in markdown: regret
 * as a share of the oracle's value for every engine on every scenario (seeds pooled), pace's
 * targets scenario by scenario and seed by seed, and the ablation.
 *
 *   npx tsx bench/pace-table.ts OUT_DIR
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSummary } from '../src/report/json.ts';
import { ci as shownInterval } from '../src/report/markdown.ts';
import type { EngineSummary, Interval, Summary } from '../src/score/summary.ts';

const SCENARIOS = ['cold_start', 'tight_deadlines', 'scarce_pool', 'slow_responders', 'mixed_segments', 'large_pools', 'trace_replay'];
const SEEDS = [1, 2, 3];
const SEED_ENGINES = ['exp', 'exp-decay', 'nbinomial', 'stoch-constraint'];
const ENGINES = [...SEED_ENGINES, 'pace', 'all-at-once'];
const ABLATIONS = ['pace:censoring=0', 'pace:money=0', 'pace:twoScales=0'];

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: npx tsx bench/pace-table.ts OUT_DIR');
const load = (name: string): Summary | null => {
  const file = path.join(dir, name, 'summary.json');
  return existsSync(file) ? parseSummary(readFileSync(file, 'utf8'), file) : null;
};
const find = (s: Summary, engine: string): EngineSummary => {
  const e = s.engines.find((x) => x.engine === engine);
  if (e === undefined) throw new Error(`no ${engine}`);
  return e;
};
/** One decimal, two under 1 %: large_pools' regrets are hundredths of a per cent. */
const pct = (x: number): string => `${(100 * x).toFixed(Math.abs(x) < 0.01 ? 2 : 1)} %`;
const ci = (i: Interval, digits = 0): string => shownInterval(i, (x) => x.toFixed(digits));

/** Regret over the seeds pooled, as a share of the oracle's value over the same seeds. */
function pooledShare(scenario: string, engine: string, prefix = ''): number | null {
  let regret = 0;
  let oracle = 0;
  for (const seed of SEEDS) {
    const s = load(`${prefix}${scenario}_${seed}`);
    if (s === null) return null;
    regret += find(s, engine).regret.mean;
    oracle += find(s, 'oracle').value.mean;
  }
  return regret / oracle;
}

console.log('### Regret as a share of the oracle\'s value (seeds 1–3 pooled)\n');
console.log(`| scenario | ${ENGINES.map((e) => `\`${e}\``).join(' | ')} |`);
console.log(`| --- | ${ENGINES.map(() => '---:').join(' | ')} |`);
for (const scenario of SCENARIOS) {
  const cells = ENGINES.map((e) => {
    const x = pooledShare(scenario, e);
    return x === null ? '–' : e === 'pace' ? `**${pct(x)}**` : pct(x);
  });
  console.log(`| \`${scenario}\` | ${cells.join(' | ')} |`);
}

console.log('\n### pace against the best seed engine, seed by seed\n');
console.log('| scenario | seed | best seed engine | pace regret | its regret | value difference [95 % CI] | fill-rate difference [95 % CI] |');
console.log('| --- | ---: | --- | ---: | ---: | --- | --- |');
for (const scenario of SCENARIOS) {
  for (const seed of SEEDS) {
    const s = load(`${scenario}_${seed}`);
    if (s === null) continue;
    const oracle = find(s, 'oracle').value.mean;
    const best = SEED_ENGINES.map((e) => find(s, e)).sort((a, b) => b.value.mean - a.value.mean)[0] as EngineSummary;
    const p = find(s, 'pace');
    const vs = best.engine === s.baseline ? (p.vs_baseline ?? undefined) : undefined;
    const note = vs === undefined ? `(baseline of this run: ${s.baseline})` : '';
    console.log(
      `| \`${scenario}\` | ${seed} | \`${best.engine}\` ${note} | ${pct(p.regret.mean / oracle)} | ${pct(best.regret.mean / oracle)} | ${vs === undefined ? '–' : ci(vs.value_diff)} | ${vs === undefined ? '–' : ci(vs.fill_rate_diff, 4)} |`,
    );
  }
}

console.log('\n### Ablation: regret as a share of the oracle\'s value (seeds 1–3 pooled)\n');
console.log('| scenario | `pace` | without censoring (`censoring=0`) | without the money rule (`money=0`) | without two time scales (`twoScales=0`) | `pace --carry-state` | without the population prior (`pooling=0 --carry-state`) | without carried state (`carry=0 --carry-state`) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const scenario of SCENARIOS) {
  const cells = ['pace', ...ABLATIONS].map((e) => pooledShare(scenario, e));
  const carried = pooledShare(scenario, 'pace', 'carry_');
  const complete = pooledShare(scenario, 'pace:pooling=0', 'carry_');
  const forgetful = pooledShare(scenario, 'pace:carry=0', 'carry_');
  const fmt = (x: number | null): string => (x === null ? '–' : pct(x));
  console.log(`| \`${scenario}\` | ${cells.map(fmt).join(' | ')} | ${fmt(carried)} | ${fmt(complete)} | ${fmt(forgetful)} |`);
}
