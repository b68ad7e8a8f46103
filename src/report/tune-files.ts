/**
 * The text files of a tuning report: `tune.json` (everything, for tools and the HTML report),
 * `tune.md` (for people), `configs.csv` (one row per configuration and scenario). Pure:
 * text in, text out.
 */
import { valueProfiles, type TuneReport } from '../tune/report.ts';
import type { ConfigSummary } from '../tune/study.ts';
import { escapeCell, fixed, money, signed, signedMoney } from './format.ts';
import { ci, pairedVerdict } from './markdown.ts';
import { counted } from '../words.ts';
import { commandBlocks, headlineParagraphs } from './tune-headline.ts';

export function tuneJson(report: TuneReport): string {
  // Intervals on one line, as in summary.json, so diffs of two runs stay readable.
  const text = JSON.stringify(report, null, 2).replace(/\[\n\s+(-?[\d.eE+-]+),\n\s+(-?[\d.eE+-]+)\n\s+\]/g, '[$1, $2]');
  return `${text}\n`;
}

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `configs.csv`: one row per configuration and scenario, then one `all` row per configuration. */
export function configsCsv(report: TuneReport): string {
  const keys = report.space.map((d) => d.key);
  const header = ['rank', 'spec', ...keys, 'is_default', 'status', 'dropped_after', 'scenario', 'cases', 'value', 'fill_rate', 'invited', 'regret', 'faults'];
  const lines = [header.join(',')];
  for (const c of report.configurations) {
    const front = [c.rank, c.spec, ...keys.map((k) => c.params[k] ?? null), c.is_default, c.status, c.dropped_after];
    for (const s of c.by_scenario) {
      lines.push([...front, s.scenario, s.cases, s.value, s.fill_rate, s.invited, s.regret, s.faults].map(cell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

const MAX_TABLE_ROWS = 40;

/**
 * The ranking's rows in groups of the same cases, in order: survivors (every case the race ran),
 * then each drop. A mean over a race's first 20 cases is not comparable with one over 150.
 */
export function caseGroups(configs: readonly ConfigSummary[]): { first: number; cases: number; title: string }[] {
  const out: { first: number; cases: number; title: string }[] = [];
  for (const c of configs) {
    const last = out.at(-1);
    if (last !== undefined && last.cases === c.overall.cases) continue;
    const n = c.overall.cases;
    const title = c.status === 'survived' ? `ran all ${n} cases` : `dropped after ${n} cases: means over those ${n} only`;
    out.push({ first: c.id, cases: n, title });
  }
  return out;
}

function verdictWord(c: ConfigSummary): string {
  if (c.vs_defaults === null) return 'reference';
  return pairedVerdict(c.vs_defaults.value_diff);
}

function profileChart(profile: { key: string; points: { x: number; value: number }[] }): string[] {
  const values = profile.points.map((p) => Math.round(p.value));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return [
    '```mermaid',
    'xychart-beta',
    `    title "Best mean value per case by ${profile.key}"`,
    `    x-axis "${profile.key}" [${profile.points.map((p) => JSON.stringify(String(p.x))).join(', ')}]`,
    `    y-axis "value" ${lo} --> ${hi === lo ? lo + 1 : hi}`,
    `    line [${values.join(', ')}]`,
    '```',
  ];
}

/** `tune.md`: the ranking, the Pareto front, the holdout and the winner's spec. */
export function tuneMarkdown(report: TuneReport): string {
  const out: string[] = [];
  const scen = report.scenarios.map((s) => `${s.name} (${counted(s.cases, 'case')})`).join(', ');
  out.push(`# Tuning ${report.engine}`, '');
  out.push(
    `${report.configurations_evaluated} configurations of \`${report.engine}\` by ${report.method === 'race' ? 'racing' : `${report.method} search`} on ${scen}; ` +
      `objective: mean ${report.objective} per case; ${report.replicates === 1 ? '' : `${report.replicates} replicates of every case; `}seed ${report.seed}, holdout seed ${report.holdout_seed}.`,
    '',
  );
  for (const p of headlineParagraphs(report)) out.push(p, '');
  const y = report.yardstick;
  if (y !== undefined) {
    out.push(
      `**Yardstick:** \`${y.engine}\`, a reference that knows each case's true behaviour, never a candidate to tune: ${money(y.in_sample.value)} per case in sample, ${money(y.holdout.value)} in the holdout.`,
      '',
    );
  }
  for (const e of report.edges) {
    out.push(`**On the edge:** ${e.key}=${e.value} is the ${e.side === 'low' ? 'lowest' : 'highest'} value searched; the best may lie beyond it.`, '');
  }
  out.push(...commandBlocks(report));

  out.push('## Evaluations', '');
  const saved = report.full_evaluations === 0 ? 0 : 1 - report.evaluations / report.full_evaluations;
  out.push(
    `${report.evaluations} case-evaluations (a configuration on a case) against ${report.full_evaluations} for every configuration on every case` +
      (report.method === 'race' ? ` (${fixed(saved * 100, 0)} % saved); the race stopped: ${whyStopped(report.stopped)}.` : '.'),
    '',
  );
  if (report.race !== null) {
    out.push(
      `Race: blocks of ${report.race.block} cases; from ${report.race.min_cases} cases on, after each block, ${report.race.test}` +
        (report.race.budget === null ? '.' : `; budget ${report.race.budget} case-evaluations.`),
      '',
    );
    const dropping = report.rounds.filter((r) => r.dropped.length > 0);
    if (dropping.length > 0) {
      out.push('| after cases | dropped | left |', '|---:|---:|---:|');
      for (const r of dropping) out.push(`| ${r.cases} | ${r.dropped.length} | ${r.alive} |`);
      out.push('');
    }
  }

  out.push('## Configurations ranked', '');
  out.push(
    'Value, fill rate, invited and regret are means per case; Δ columns are paired differences against the defaults over the same cases, with 95 % bootstrap intervals. ' +
      (report.method === 'race' ? 'Survivors come first; the dropped follow, those that lasted longer first.' : ''),
    '',
  );
  const groups = caseGroups(report.configurations.slice(0, MAX_TABLE_ROWS));
  if (groups.length > 1) {
    out.push(
      'A race drops configurations after different numbers of cases, so the rows come in groups by the cases they ran: means and ranks compare within a group only (the same cases). ' +
        'Across groups, compare the Δ columns, each paired with the defaults over the rows\' own cases.',
      '',
    );
  }
  out.push('| rank | configuration | cases | value | fill rate | invited | regret | Δ value vs defaults | Δ fill rate | Δ invited | verdict |');
  out.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const shown = report.configurations.slice(0, MAX_TABLE_ROWS);
  for (const c of shown) {
    const group = groups.length > 1 ? groups.find((g) => g.first === c.id) : undefined;
    if (group !== undefined) out.push(`| | **${escapeCell(group.title)}** | | | | | | | | | |`);
    const name = `\`${escapeCell(c.spec)}\`${c.is_default ? ' (defaults)' : ''}${c.pareto ? ' ◆' : ''}`;
    const cases = c.status === 'dropped' ? `${c.overall.cases} (dropped)` : String(c.overall.cases);
    const vs = c.vs_defaults;
    out.push(
      `| ${c.rank} | ${name} | ${cases} | ${money(c.overall.value)} | ${fixed(c.overall.fill_rate, 3)} | ${fixed(c.overall.invited, 1)} | ${money(c.overall.regret)} | ` +
        `${vs === null ? '–' : ci(vs.value_diff, signedMoney)} | ${vs === null ? '–' : ci(vs.fill_rate_diff, (x) => signed(x, 3))} | ` +
        `${vs === null ? '–' : ci(vs.invited_diff, (x) => signed(x, 1))} | ${verdictWord(c)} |`,
    );
  }
  if (report.configurations.length > shown.length) out.push('', `${report.configurations.length - shown.length} more in configs.csv and tune.json.`);
  out.push('', '◆ on the Pareto front below.', '');

  const profiles = valueProfiles(report);
  if (profiles.length > 0) {
    out.push('## Value against each parameter', '');
    out.push(
      'For each value of a parameter, the best mean value of the configurations that have it' +
        (report.method === 'race' ? ', among those that ran every case of the race' : '') +
        '. A curve still rising at an end says the best may lie beyond the space searched.',
      '',
    );
    for (const p of profiles) out.push(...profileChart(p), '');
  }

  out.push('## Pareto front: fill rate against invitations', '');
  out.push('Configurations no other beats on both fill rate (higher) and invitations per case (fewer)' + (report.method === 'race' ? ', among those that ran every case of the race.' : '.'), '');
  out.push('| configuration | fill rate | invited | value |', '|---|---:|---:|---:|');
  const front = report.configurations.filter((c) => c.pareto).sort((a, b) => a.overall.invited - b.overall.invited || a.id - b.id);
  for (const c of front) out.push(`| \`${escapeCell(c.spec)}\`${c.is_default ? ' (defaults)' : ''} | ${fixed(c.overall.fill_rate, 3)} | ${fixed(c.overall.invited, 1)} | ${money(c.overall.value)} |`);
  out.push('');

  out.push('## Holdout', '');
  out.push(`The best, the runner-up and the defaults again, on fresh candidates (seed ${report.holdout_seed}) for every case: a winner that only fits the sample shows here.`, '');
  out.push('| configuration | role | in-sample value | holdout value | holdout fill rate | holdout invited | holdout Δ value vs defaults | verdict |');
  out.push('|---|---|---:|---:|---:|---:|---:|---|');
  for (const h of report.holdout) {
    const vs = h.holdout_vs_defaults;
    out.push(
      `| \`${escapeCell(h.spec)}\` | ${h.roles.join(', ')} | ${money(h.in_sample.value)} | ${money(h.holdout.value)} | ${fixed(h.holdout.fill_rate, 3)} | ${fixed(h.holdout.invited, 1)} | ` +
        `${vs === null ? '–' : ci(vs.value_diff, signedMoney)} | ${vs === null ? 'reference' : pairedVerdict(vs.value_diff)} |`,
    );
  }
  if (y !== undefined) {
    out.push(`| \`${escapeCell(y.engine)}\` | yardstick, not tuned | ${money(y.in_sample.value)} | ${money(y.holdout.value)} | ${fixed(y.holdout.fill_rate, 3)} | ${fixed(y.holdout.invited, 1)} | – | reference |`);
  }
  out.push('');
  const faults = report.configurations.reduce((n, c) => n + c.overall.faults, 0);
  if (faults > 0) out.push(`**${counted(faults, 'fault')}** in sample: see configs.csv.`, '');
  return `${out.join('\n')}`;
}

/** Why a race stopped, in words: the defaults are never dropped, so "one survivor" is one challenger beside them. */
export function whyStopped(stopped: TuneReport['stopped']): string {
  return stopped === 'one survivor' ? 'one challenger of the defaults left (the defaults are never dropped)' : String(stopped);
}
