/**
 * report.html of `pacebench tune`: the winner, the ranking, the holdout and the charts on
 * one self-contained page, with the styles of the backtest's (no script, no network).
 * Pure: it gets the charts already drawn.
 */
import type { TuneReport } from '../tune/report.ts';
import type { ConfigSummary, Figures, VsDefaults } from '../tune/study.ts';
import { fixed, money, moneyFacts, percent, signed, signedMoney } from './format.ts';
import { chartFigures, escapeHtml, figure, interval, page, swatch, table, type DrawnChart } from './html.ts';
import { pairedVerdict } from './markdown.ts';
import { roleOf, ROLE_COLOURS, winnerIdOf } from './tune-charts.ts';
import { caseGroups, whyStopped } from './tune-files.ts';
import { headlineParagraphs, inlineHtml } from './tune-headline.ts';
import { counted } from '../words.ts';

/** Rows of the ranking shown at most; tune.json and configs.csv hold them all. */
export const MAX_HTML_ROWS = 40;

function figureCells(prefix: string, f: Figures): string[] {
  return [
    figure(`${prefix}.cases`, f.cases, (x) => String(x)),
    figure(`${prefix}.value`, f.value, money),
    figure(`${prefix}.fill_rate`, f.fill_rate, (x) => fixed(x, 3)),
    figure(`${prefix}.invited`, f.invited, (x) => fixed(x, 1)),
    figure(`${prefix}.regret`, f.regret, money),
  ];
}

function vsCells(prefix: string, d: VsDefaults | null): string[] {
  if (d === null) return ['reference', '', '', ''];
  return [
    interval(`${prefix}.value_diff`, d.value_diff, signedMoney),
    interval(`${prefix}.fill_rate_diff`, d.fill_rate_diff, (x) => signed(x, 3)),
    interval(`${prefix}.invited_diff`, d.invited_diff, (x) => signed(x, 1)),
    pairedVerdict(d.value_diff),
  ];
}

/** A spec that may break after each `:` when the table is wider than the window. */
function specCode(spec: string): string {
  return `<code class="spec">${escapeHtml(spec).replace(/:/g, ':<wbr>')}</code>`;
}

function row(attrs: string, cells: readonly string[]): string {
  return `<tr ${attrs}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function rankingTable(report: TuneReport): string[] {
  const winnerId = winnerIdOf(report);
  const shown = report.configurations.slice(0, MAX_HTML_ROWS);
  const heads = ['rank', 'configuration', 'cases', 'value', 'fill rate', 'invited', 'regret', 'Δ value vs defaults [95 % CI]', 'Δ fill rate [95 % CI]', 'Δ invited [95 % CI]', 'on value', 'status', 'front'];
  // Rows in groups of the same cases when a race dropped some early: means compare within a group only.
  const found = caseGroups(shown);
  const groups = found.length > 1 ? found : [];
  // Short, so the table fits a 1 280 px window: the cases column and the group rows say how long each lasted.
  const status = (c: ConfigSummary): string => (c.status === 'survived' ? 'survived' : `dropped at ${c.dropped_after ?? '?'}`);
  return [
    ...table(
      'configurations',
      heads,
      shown.flatMap((c) => [
        ...groups.filter((g) => g.first === c.id).map((g) => `<tr class="group"><th colspan="${heads.length}" scope="rowgroup">${escapeHtml(g.title)}</th></tr>`),
        row(`data-config="${c.id}"`, [
          String(c.rank),
          `${swatch(ROLE_COLOURS[roleOf(c, winnerId)])}${specCode(c.spec)}${c.is_default ? ' (defaults)' : ''}`,
          ...figureCells('overall', c.overall),
          ...vsCells('vs_defaults', c.vs_defaults),
          escapeHtml(status(c)),
          c.pareto ? '✓' : '',
        ]),
      ]),
    ),
    report.configurations.length > shown.length
      ? `<p class="note">The first ${shown.length} of ${report.configurations.length} configurations; tune.json and configs.csv hold them all.</p>`
      : '',
    groups.length > 0
      ? '<p class="note">A race drops configurations after different numbers of cases, so the rows come in groups by the cases they ran: means and ranks compare within a group only. Across groups, compare the Δ columns, each paired with the defaults over the row\'s own cases.</p>'
      : '',
    '<p class="note">Means per case over the cases each configuration ran; Δ columns are paired differences against the defaults over the same cases, with 95 % bootstrap intervals over cases. <em>Front</em>: on the Pareto front of fill rate against invitations.</p>',
  ];
}

function holdoutTable(report: TuneReport): string[] {
  return [
    ...table(
      'holdout',
      ['role', 'configuration', 'value in sample', 'value on holdout', 'fill rate in sample', 'fill rate on holdout', 'Δ value vs defaults on holdout [95 % CI]', 'on value'],
      report.holdout.map((h) =>
        row(`data-config="${h.id}"`, [
          escapeHtml(h.roles.join(', ')),
          `<code>${escapeHtml(h.spec)}</code>`,
          figure('in_sample.value', h.in_sample.value, money),
          figure('holdout.value', h.holdout.value, money),
          figure('in_sample.fill_rate', h.in_sample.fill_rate, (x) => fixed(x, 3)),
          figure('holdout.fill_rate', h.holdout.fill_rate, (x) => fixed(x, 3)),
          h.holdout_vs_defaults === null ? 'reference' : interval('holdout_vs_defaults.value_diff', h.holdout_vs_defaults.value_diff, signedMoney),
          h.holdout_vs_defaults === null ? '' : pairedVerdict(h.holdout_vs_defaults.value_diff),
        ]),
      ),
    ),
    `<p class="note">The holdout replays every case on fresh candidates (seed ${report.holdout_seed}): a winner that only fits the sample loses its lead here.</p>`,
  ];
}

function factsLine(report: TuneReport): string {
  const scenarios = report.scenarios.map((s) => `${s.name} (${counted(s.cases, 'case')})`).join(', ');
  const method = report.method === 'race' ? 'racing' : `${report.method} search`;
  const saved = report.full_evaluations === 0 ? 0 : 1 - report.evaluations / report.full_evaluations;
  const p = report.params;
  return (
    `${report.configurations_evaluated} configurations by ${method} on ${scenarios} · objective: mean ${report.objective} per case · ` +
    `${report.replicates === 1 ? '' : `${report.replicates} replicates · `}seed ${report.seed}, holdout seed ${report.holdout_seed} · ` +
    `${report.evaluations} of ${report.full_evaluations} case-evaluations${report.method === 'race' ? ` (${percent(saved, 0)} saved; stopped: ${whyStopped(report.stopped)})` : ''} · ` +
    `${moneyFacts(p)} · ${p.bootstrap} bootstrap resamples`
  );
}

/** The commands of tune.md's headline, as preformatted blocks. */
function commandsHtml(report: TuneReport): string[] {
  const block = (lines: readonly string[]): string => `<pre><code>${escapeHtml(lines.join('\n'))}</code></pre>`;
  return [
    ...(report.backtest_commands.length > 0 ? [`<p>Try the winner on ${report.backtest_commands.length === 1 ? 'the scenario' : 'each scenario'}:</p>`, block(report.backtest_commands)] : []),
    '<p>Rerun this study (every scenario, the seeds, the method and its parameters):</p>',
    block([report.command]),
  ];
}

/** The report page of a tuning run. */
export function tuneHtml(report: TuneReport, charts: readonly DrawnChart[]): string {
  return page(`pacebench · tune ${report.engine}`, [
    `<h1>pacebench · tuning <code>${escapeHtml(report.engine)}</code></h1>`,
    `<p class="facts">${escapeHtml(factsLine(report))}</p>`,
    ...headlineParagraphs(report).map((p, i) => `<p${i === 0 ? ' class="headline"' : ''}>${i === 0 ? inlineHtml(p).replace('<code>', '<code id="winner">') : inlineHtml(p)}</p>`),
    ...report.edges.map((e) => `<p class="note"><strong>On the edge:</strong> ${escapeHtml(`${e.key}=${e.value}`)} is the ${e.side === 'low' ? 'lowest' : 'highest'} value searched; the best may lie beyond it.</p>`),
    ...commandsHtml(report),
    '<h2>Holdout</h2>',
    ...holdoutTable(report),
    '<h2>Charts</h2>',
    ...chartFigures(charts),
    '<h2>Configurations ranked</h2>',
    ...rankingTable(report),
    '<footer>Written by pacebench from this folder\'s tune.json; every figure above is in it. Each chart is also in charts/ as an SVG file.</footer>',
  ].filter((line) => line !== ''));
}
