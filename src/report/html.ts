/**
 * report.html: one self-contained page (styles, data and charts inline, no script, no
 * network) that opens from disk or as a CI artifact. Pure: it gets the charts already drawn.
 */
import { GAP_NOTE, gapCell, intervalSuffix, PAIRED_NOTE, type ScenarioComparison } from './compare.ts';
import type { EngineSummary, Interval, Summary } from '../score/summary.ts';
import { learnableShare, regretSplit, SPLIT_COLUMNS, SPLIT_HINT, SPLIT_NOTE, SUMMARY_COLUMNS } from './columns.ts';
import { fixed, money, moneyFacts, signed, signedMoney } from './format.ts';
import { pairedVerdict } from './markdown.ts';
import { engineColours } from './charts/palette.ts';
import { counted } from '../words.ts';

export interface DrawnChart {
  readonly name: string;
  readonly title: string;
  readonly question: string;
  readonly svg: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script type="application/json">: nothing in it may close the element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * A number as shown, tagged with the summary.json field it comes from (its path within the
 * engine of the table row's data-engine) and its exact value, so that a reader (or the
 * browser test) can check the page against the data.
 */
export function figure(key: string, value: number | null, show: (x: number) => string): string {
  if (value === null) return `<span data-key="${escapeHtml(key)}" data-value="null">–</span>`;
  return `<span data-key="${escapeHtml(key)}" data-value="${value}">${escapeHtml(show(value))}</span>`;
}

export function interval(key: string, i: Interval, show: (x: number) => string): string {
  if (i.ci95 === null) return `${figure(`${key}.mean`, i.mean, show)} <span class="ci">(no interval)</span>`;
  return `${figure(`${key}.mean`, i.mean, show)} <span class="ci">[${figure(`${key}.ci95.0`, i.ci95[0], show)}, ${figure(`${key}.ci95.1`, i.ci95[1], show)}]</span>`;
}

export function swatch(colour: string | undefined): string {
  return `<span class="swatch" style="background:${colour ?? '#000'}"></span>`;
}

/** A table of the page, scrolling sideways when wider than the page. */
export function table(id: string, heads: readonly string[], rows: readonly string[]): string[] {
  return [
    `<div class="table-wrap"><table id="${id}">`,
    `<thead><tr>${heads.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table></div>',
  ];
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #1a1a1a; background: #fafafa; margin: 0; }
main { max-width: 1640px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1 code { font-size: 21px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.description { color: #444; margin: 0 0 8px; font-style: italic; }
p.facts, p.note { color: #444; margin: 4px 0; }
code { font: 13px Menlo, Consolas, monospace; }
code.spec { white-space: normal; }
#configurations td:nth-child(2) { text-align: left; }
pre { background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; white-space: nowrap; }
th { background: #f0f0f0; font-weight: 600; white-space: normal; vertical-align: bottom; max-width: 9em; }
th:first-child, td:first-child { text-align: left; }
td .ci { color: #666; display: block; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(790px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 8px; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
@media (min-width: 1700px) { main { padding-left: 32px; padding-right: 32px; } }
figcaption { font-size: 13px; color: #333; margin-top: 4px; }
figcaption a { color: #0072B2; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
`;

export function page(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No request of any kind: the page is read from disk, often with no network.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function chartFigures(charts: readonly DrawnChart[], linkSvg = true): string[] {
  return [
    '<div class="charts">',
    ...charts.map(
      (c) =>
        `<figure id="chart-${escapeHtml(c.name)}" data-chart="${escapeHtml(c.name)}">\n${c.svg}\n<figcaption><strong>${escapeHtml(c.title)}.</strong> ${escapeHtml(c.question)}${linkSvg ? ` <a href="charts/${escapeHtml(c.name)}.svg">SVG</a>` : ''}</figcaption>\n</figure>`,
    ),
    '</div>',
  ];
}

function engineRow(e: EngineSummary, colour: string | undefined): string {
  // Keys are relative to the row's engine (data-engine): an engine's label may hold dots.
  const cells = SUMMARY_COLUMNS.map((c) => {
    if (c.kind === 'engine') return `${swatch(colour)}<code>${escapeHtml(e.engine)}</code>`;
    if (c.kind === 'interval') return interval(c.key, e[c.key], c.showOnPage ?? c.show);
    return figure(c.key, e[c.key], c.show);
  });
  return `<tr data-engine="${escapeHtml(e.engine)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function engineTable(summary: Summary): string[] {
  const colours = engineColours(summary.engines.map((e) => e.engine));
  const heads = SUMMARY_COLUMNS.map((c) => c.header);
  return [
    ...table('engines', heads, summary.engines.map((e) => engineRow(e, colours.get(e.engine)))),
    '<p class="note">Means per case; intervals are 95 % bootstrap intervals over cases. <em>Excess invites</em> are invitations beyond what the hindsight oracle needed; <em>regret</em> is the oracle\'s value minus the engine\'s.</p>',
  ];
}

/** Markdown's emphasis and code as HTML, for the notes both writers share. */
function inlineMarkdown(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*([^*]+)\*/g, '<em>$1</em>');
}

/** Each engine's regret as hindsight + learnable; without informed, one line saying how to get it. */
function splitTable(summary: Summary): string[] {
  const split = regretSplit(summary.engines);
  if (split === null) return [`<p class="note">${inlineMarkdown(SPLIT_HINT)}</p>`];
  const colours = engineColours(summary.engines.map((e) => e.engine));
  const rows = split.rows.map((e) => {
    const cells = SPLIT_COLUMNS.map((c) => {
      if (c.kind === 'engine') return `${swatch(colours.get(e.engine))}<code>${escapeHtml(e.engine)}</code>`;
      // The same on every row, and a field of informed's row: shown without a data-key.
      if (c.kind === 'hindsight') return escapeHtml(c.show(split.hindsight.mean));
      if (c.kind === 'share') {
        const x = learnableShare(e);
        return x === null ? '–' : escapeHtml(c.show(x));
      }
      const i = e[c.key];
      return i === undefined ? '–' : interval(c.key, i, c.show);
    });
    return `<tr data-engine="${escapeHtml(e.engine)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return [
    '<h3>Regret split in two: hindsight and learnable</h3>',
    ...table('split', SPLIT_COLUMNS.map((c) => c.header), rows),
    `<p class="note">${inlineMarkdown(SPLIT_NOTE)}</p>`,
  ];
}

function pairedTable(summary: Summary): string[] {
  if (summary.baseline === null) return [];
  const colours = engineColours(summary.engines.map((e) => e.engine));
  const rows = summary.engines.filter((e) => e.engine !== summary.baseline && e.vs_baseline !== null);
  if (rows.length === 0) return [];
  return [
    `<h3>Against <code>${escapeHtml(summary.baseline)}</code>, paired over the same cases</h3>`,
    ...table('paired', ['engine', 'Δ value [95 % CI]', 'Δ fill rate [95 % CI]', 'on value'], rows.map((e) => {
      const d = e.vs_baseline as NonNullable<EngineSummary['vs_baseline']>;
      const k = 'vs_baseline';
      return `<tr data-engine="${escapeHtml(e.engine)}"><td>${swatch(colours.get(e.engine))}<code>${escapeHtml(e.engine)}</code></td><td>${interval(`${k}.value_diff`, d.value_diff, signedMoney)}</td><td>${interval(`${k}.fill_rate_diff`, d.fill_rate_diff, (x) => signed(x, 3))}</td><td>${pairedVerdict(d.value_diff)}</td></tr>`;
    })),
  ];
}

function faults(summary: Summary): string[] {
  const faulty = summary.engines.filter((e) => e.faults > 0);
  if (faulty.length === 0) return ['<p class="note">Faults: none; every engine answered every call with a valid decision.</p>'];
  return [
    '<h3>Faults</h3>',
    '<ul>',
    ...faulty.map(
      (e) =>
        `<li><code>${escapeHtml(e.engine)}</code>: ${e.faults} case${e.faults === 1 ? '' : 's'}<ul>${e.fault_examples.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul></li>`,
    ),
    '</ul>',
  ];
}

/** The facts line of summary.md, as HTML. */
function factsLine(summary: Summary): string {
  const p = summary.params;
  const reps = summary.replicates === 1 ? '1 replicate' : `${summary.replicates} replicates`;
  return (
    `${counted(summary.cases, 'case')} × ${reps} · pools of ${fixed(summary.pool_size_mean, 0)} and ${fixed(summary.num_vacancies_mean, 1)} vacancies on average · seed ${summary.seed} · ` +
    `${moneyFacts(p)} · ` +
    `${p.bootstrap} bootstrap resamples${p.carry_state ? ' · engine state carried across cases' : ''}`
  );
}

/** Where the page's figures come from: the tables from summary.json, but the latency chart from timings.json. */
function sourcesLine(charts: readonly DrawnChart[]): string {
  const latency = charts.some((c) => c.name === 'latency');
  return (
    "Written by pacebench from this folder's files: the tables' figures are in summary.json; the charts draw the cases of cases.csv " +
    `(the paired chart and the crosses of fill against spend, summary.json's intervals)${latency ? ', and the latency chart timings.json, the only figures not in summary.json' : ''}. ` +
    'Each chart is also in charts/ as an SVG file.'
  );
}

/** The report page of one run. */
export function reportHtml(summary: Summary, charts: readonly DrawnChart[], notes: readonly string[] = [], title: string = summary.scenario): string {
  return page(`pacebench · ${title}`, [
    `<h1>pacebench · <code>${escapeHtml(title)}</code></h1>`,
    summary.description === '' ? '' : `<p class="description">${escapeHtml(summary.description)}</p>`,
    `<p class="facts">${escapeHtml(factsLine(summary))}</p>`,
    '<h2>Engines</h2>',
    ...engineTable(summary),
    ...splitTable(summary),
    ...pairedTable(summary),
    ...faults(summary),
    '<h2>Charts</h2>',
    ...chartFigures(charts),
    ...notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
    `<footer>${escapeHtml(sourcesLine(charts))}</footer>`,
    `<script type="application/json" id="summary-data">${inlineJson(summary)}</script>`,
  ].filter((line) => line !== ''));
}

const VERDICT: Record<string, string> = {
  better: 'better',
  worse: 'worse, within tolerance',
  regression: 'regression',
  unchanged: 'no significant change',
  mixed: 'mixed',
};

/** The page of `compare OLD NEW --html FILE`: per scenario, its table and its forest plot. */
export function compareHtml(title: string, sections: readonly { comparison: ScenarioComparison; verdict: string; chart: DrawnChart | null }[], notes: readonly string[]): string {
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  for (const { comparison: c, verdict, chart } of sections) {
    body.push(`<h2><code>${escapeHtml(c.scenario)}</code>: ${escapeHtml(c.old)} → ${escapeHtml(c.new)}</h2>`);
    body.push(
      `<p class="note">${escapeHtml(
        c.test === 'paired'
          ? PAIRED_NOTE
          : `Not paired (${c.unpairedBecause ?? ''}): a change counts when each mean lies outside the other's 95 % interval.`,
      )}</p>`,
    );
    const split = c.engines.some((e) => e.gap_to_informed !== null);
    body.push(
      '<div class="table-wrap"><table>',
      `<thead><tr><th>engine</th><th>fill rate old → new</th><th>Δ fill rate</th><th>value old → new</th><th>Δ value</th>${split ? '<th>Δ gap to informed</th>' : ''}<th>verdict</th></tr></thead><tbody>`,
    );
    for (const e of c.engines) {
      const f = e.fill_rate;
      const v = e.value;
      const ciF = intervalSuffix(f.ci95, (x) => signed(x, 3));
      const ciV = intervalSuffix(v.ci95, signedMoney);
      body.push(
        `<tr><td><code>${escapeHtml(e.engine)}</code></td><td>${fixed(f.old, 3)} → ${fixed(f.new, 3)}</td><td>${escapeHtml(signed(f.diff, 3) + ciF)}${f.significant ? ' ✱' : ''}</td>` +
          `<td>${escapeHtml(`${money(v.old)} → ${money(v.new)}`)}</td><td>${escapeHtml(signedMoney(v.diff) + ciV)}${v.significant ? ' ✱' : ''}</td>${split ? `<td>${escapeHtml(gapCell(e.gap_to_informed))}</td>` : ''}<td>${escapeHtml(VERDICT[e.verdict] ?? e.verdict)}</td></tr>`,
      );
    }
    body.push('</tbody></table></div>', '<p class="note">✱ significant at 95 %.</p>', ...(split ? [`<p class="note">${inlineMarkdown(GAP_NOTE)}</p>`] : []), `<p><strong>${escapeHtml(verdict)}</strong></p>`);
    if (chart !== null) body.push(...chartFigures([chart], false));
  }
  body.push(...notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`));
  return page(title, body);
}
