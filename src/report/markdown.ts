import { ORACLE, tooManyFaults } from '../score/rows.ts';
import type { EngineSummary, Interval, Summary } from '../score/summary.ts';
import { learnableShare, regretSplit, SPLIT_COLUMNS, SPLIT_HINT, SPLIT_NOTE, SUMMARY_COLUMNS, type RegretSplit } from './columns.ts';
import { escapeCell, fixed, money, moneyFacts, percent, signed, signedMoney } from './format.ts';

/** `mean [low, high]`, or `mean (no interval)`: how every report shows an interval. */
export function ci(interval: Interval, show: (x: number) => string): string {
  if (interval.ci95 === null) return `${show(interval.mean)} (no interval)`;
  return `${show(interval.mean)} [${show(interval.ci95[0])}, ${show(interval.ci95[1])}]`;
}

/** Better, worse or unclear, from whether the paired interval excludes zero; no interval, no verdict. */
export function pairedVerdict(diff: Interval): 'better' | 'worse' | 'no clear difference' | 'no verdict (no interval)' {
  if (diff.ci95 === null) return 'no verdict (no interval)';
  if (diff.ci95[0] > 0) return 'better';
  if (diff.ci95[1] < 0) return 'worse';
  return 'no clear difference';
}


function mermaidLabel(name: string): string {
  // Mermaid point labels cannot hold ':' or brackets.
  return name.replace(/[^A-Za-z0-9 _.-]/g, ' ').trim() || 'engine';
}

function quadrantChart(summary: Summary, poolMean: number): string[] {
  const lines = [
    '```mermaid',
    'quadrantChart',
    '    title Fill rate against share of the pool invited',
    '    x-axis Few invited --> Whole pool invited',
    '    y-axis Vacancies empty --> Vacancies filled',
    '    quadrant-1 Fills by burning the pool',
    '    quadrant-2 Fills frugally',
    '    quadrant-3 Frugal but misses',
    '    quadrant-4 Burns the pool and misses',
  ];
  for (const e of summary.engines) {
    const x = poolMean > 0 ? Math.min(1, Math.max(0, e.invited / poolMean)) : 0;
    const y = Math.min(1, Math.max(0, e.fill_rate.mean));
    lines.push(`    ${mermaidLabel(e.engine)}: [${x.toFixed(3)}, ${y.toFixed(3)}]`);
  }
  lines.push('```');
  return lines;
}

function valueChart(summary: Summary): string[] {
  const names = summary.engines.map((e) => JSON.stringify(mermaidLabel(e.engine)));
  const values = summary.engines.map((e) => Math.round(e.value.mean));
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  return [
    '```mermaid',
    'xychart-beta',
    '    title "Mean value per case"',
    `    x-axis [${names.join(', ')}]`,
    `    y-axis "value" ${lo} --> ${hi === lo ? lo + 1 : hi}`,
    `    bar [${values.join(', ')}]`,
    '```',
  ];
}

function engineRow(e: EngineSummary): string {
  return SUMMARY_COLUMNS.map((c) => {
    if (c.kind === 'engine') return escapeCell(e.engine);
    if (c.kind === 'interval') return ci(e[c.key], c.show);
    const value = e[c.key];
    return value === null ? '–' : c.show(value);
  }).join(' | ');
}

/** The second table: each engine's regret as hindsight + learnable. */
function splitTable(split: RegretSplit): string[] {
  const rows = split.rows.map((e) =>
    SPLIT_COLUMNS.map((c) => {
      if (c.kind === 'engine') return escapeCell(e.engine);
      if (c.kind === 'hindsight') return c.show(split.hindsight.mean);
      if (c.kind === 'share') {
        const x = learnableShare(e);
        return x === null ? '–' : c.show(x);
      }
      const i = e[c.key];
      return i === undefined ? '–' : ci(i, c.show);
    }).join(' | '),
  );
  return [
    '### Regret split in two: hindsight and learnable',
    '',
    `Hindsight, the same for every engine: ${ci(split.hindsight, money)}.`,
    '',
    `| ${SPLIT_COLUMNS.map((c) => c.header).join(' | ')} |`,
    `| ${SPLIT_COLUMNS.map((c) => (c.align === 'left' ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r} |`),
    '',
    SPLIT_NOTE,
    '',
  ];
}

/**
 * A line under the table for each engine that faulted on too many cases (`tooManyFaults`):
 * its row looks like any other, and the Faults section is far below.
 */
function faultWarningLines(summary: Summary): string[] {
  const rows = summary.cases * summary.replicates;
  const flagged = summary.engines.filter((e) => e.engine !== ORACLE && tooManyFaults(e.faults, rows));
  if (flagged.length === 0) return [];
  return [
    '',
    ...flagged.map(
      (e) =>
        `**Warning: \`${escapeCell(e.engine)}\` faulted on ${e.faults} of ${rows} cases (${percent(e.faults / rows)}).** ` +
        'Its figures describe the faults as much as the engine (a faulted case is scored as it stood); the first faults are under *Faults* below.',
    ),
  ];
}

/**
 * `summary.md`: what a reviewer reads in ten seconds. The scenario and parameters, one row
 * per engine with intervals, the paired comparison, the win rates, faults and two charts
 * that GitHub renders.
 */
export function summaryMarkdown(summary: Summary, title: string = summary.scenario): string {
  const p = summary.params;
  const out: string[] = [];
  out.push(`## pacebench · \`${title}\``, '');
  if (summary.description !== '') out.push(`> ${summary.description}`, '');
  const reps = summary.replicates === 1 ? '1 replicate' : `${summary.replicates} replicates`;
  out.push(
    `${summary.cases} case${summary.cases === 1 ? '' : 's'} × ${reps} · pools of ${fixed(summary.pool_size_mean, 0)} and ${fixed(summary.num_vacancies_mean, 1)} vacancies on average · seed ${summary.seed} · ${moneyFacts(p)}` +
      `${p.carry_state ? ' · engine state carried across cases' : ''}`,
    '',
  );
  out.push(
    `| ${SUMMARY_COLUMNS.map((c) => c.header).join(' | ')} |`,
    `| ${SUMMARY_COLUMNS.map((c) => (c.align === 'left' ? '---' : '---:')).join(' | ')} |`,
  );
  for (const e of summary.engines) out.push(`| ${engineRow(e)} |`);
  out.push(...faultWarningLines(summary));
  out.push(
    '',
    `Means per case; intervals are 95 % bootstrap intervals over cases${summary.replicates > 1 ? ' (each case resampled with all its replicates)' : ''}. ` +
      "*Excess invites* are invitations beyond what the hindsight oracle needed (negative when an engine invited fewer); *regret* is the oracle's value minus the engine's.",
    '',
  );
  const split = regretSplit(summary.engines);
  if (split === null) out.push(SPLIT_HINT, '');
  else out.push(...splitTable(split));
  if (summary.cases < 2) out.push('One case gives no interval: there is nothing to resample, so no difference below is called significant.', '');

  if (summary.baseline !== null) {
    out.push(`### Against \`${summary.baseline}\`, paired over the same cases`, '');
    out.push('| engine | Δ value [95 % CI] | Δ fill rate [95 % CI] | on value |', '| --- | --- | --- | --- |');
    for (const e of summary.engines) {
      if (e.engine === summary.baseline || e.vs_baseline === null) continue;
      const d = e.vs_baseline;
      out.push(
        `| ${escapeCell(e.engine)} | ${ci(d.value_diff, signedMoney)} | ${ci(d.fill_rate_diff, (x) => signed(x, 3))} | ${pairedVerdict(d.value_diff)} |`,
      );
    }
    out.push('');
  }

  const names = summary.engines.map((e) => e.engine);
  if (names.length > 1) {
    out.push('### Win rates on value', '');
    out.push('Share of cases where the row engine had a higher value than the column engine, ties left out.', '');
    out.push(`| | ${names.map(escapeCell).join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`);
    for (const row of names) {
      const cells = names.map((col) => {
        if (row === col) return '·';
        const w = summary.win_rates.find((x) => x.engine === row && x.opponent === col);
        return w === undefined || w.win_rate === null ? '–' : percent(w.win_rate);
      });
      out.push(`| ${escapeCell(row)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  const faulty = summary.engines.filter((e) => e.faults > 0);
  out.push('### Faults', '');
  if (faulty.length === 0) out.push('None: every engine answered every call with a valid decision.', '');
  else {
    for (const e of faulty) {
      out.push(`- \`${e.engine}\`: ${e.faults} case${e.faults === 1 ? '' : 's'}`);
      for (const example of e.fault_examples) out.push(`  - ${escapeCell(example)}`);
    }
    out.push('');
  }

  const overAsking = summary.engines.filter((e) => (e.over_asks ?? 0) > 0);
  if (overAsking.length > 0) {
    out.push('### Warnings', '');
    for (const e of overAsking) {
      out.push(
        `- \`${e.engine}\` asked for more candidates than remained in the pool ${e.over_asks} time${e.over_asks === 1 ? '' : 's'}, on ${e.over_ask_cases} case${e.over_ask_cases === 1 ? '' : 's'}; the harness invited what remained.`,
      );
    }
    out.push('');
  }

  out.push('### Charts', '', ...quadrantChart(summary, summary.pool_size_mean), '', ...valueChart(summary), '');
  return out.join('\n');
}
