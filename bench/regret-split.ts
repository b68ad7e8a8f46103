/**
 * The regret split of every shipped scenario, seeds 1 to 3 (docs/informed.md, the README):
 * backtests every scenario with the registered engines and `informed`, then prints each
 * engine's regret as a share of the oracle's value, split into its hindsight part (oracle −
 * informed: what not seeing the future costs) and its learnable part (informed − engine).
 * Seeds are pooled: shares of the summed oracle values over the three runs.
 *
 *   npm run bench:regret-split -- OUT_DIR            # runs what is missing in OUT_DIR, then prints
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_NAMES } from '../src/engines/registry.ts';
import { fromRoot } from '../src/paths.ts';
import { parseSummary } from '../src/report/json.ts';
import { listScenarioNames } from '../src/scenario/read.ts';
import type { Summary } from '../src/score/summary.ts';

const SEEDS = [1, 2, 3];
const INFORMED = 'informed';
const ORACLE = 'oracle';

const out = process.argv[2] ?? '';
if (out === '') {
  process.stderr.write('usage: npm run bench:regret-split -- OUT_DIR\n');
  process.exit(2);
}

function run(scenario: string, seed: number): Summary {
  const folder = path.join(out, `${scenario}_${seed}`);
  const file = path.join(folder, 'summary.json');
  if (!existsSync(file)) {
    process.stderr.write(`${scenario}, seed ${seed}…\n`);
    execFileSync(
      process.execPath,
      [fromRoot('bin/pacebench.mjs'), 'backtest', '--scenario', scenario, '--seed', String(seed), '--engines', [...ENGINE_NAMES, INFORMED].join(','), '--no-html', '--format', 'json', '--out', folder],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return parseSummary(readFileSync(file, 'utf8'), file);
}

/** Mean value per case of an engine in a run. */
function value(summary: Summary, engine: string): number {
  const row = summary.engines.find((e) => e.engine === engine);
  if (row === undefined) throw new Error(`${engine} is not in the run of ${summary.scenario}`);
  return row.value.mean;
}

/** A share in per cent, one decimal; −0.0 (a gap within rounding of nothing) shown as 0.0. */
const percent = (x: number): string => (100 * x).toFixed(1).replace(/^-0\.0$/, '0.0');
const scenarios = listScenarioNames();
const rows: string[] = [];
for (const scenario of scenarios) {
  const runs = SEEDS.map((seed) => run(scenario, seed));
  const sum = (engine: string): number => runs.reduce((total, s) => total + value(s, engine), 0);
  const oracle = sum(ORACLE);
  const informed = sum(INFORMED);
  const hindsight = (oracle - informed) / oracle;
  const cells = ENGINE_NAMES.map((engine) => {
    const learnable = (informed - sum(engine)) / oracle;
    return `${percent(hindsight + learnable)} (${percent(learnable)})`;
  });
  rows.push(`| \`${scenario}\` | ${percent(hindsight)} | ${cells.join(' | ')} |`);
}
process.stdout.write(
  [
    `| scenario | hindsight (%) | ${ENGINE_NAMES.map((e) => `\`${e}\` (%)`).join(' | ')} |`,
    `| --- | ---: | ${ENGINE_NAMES.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n'),
);
