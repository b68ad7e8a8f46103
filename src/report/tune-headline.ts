/**
 * The headline of a tuning report, said the same way in tune.md and report.html: which
 * configuration is put forward and why, and the commands to try it and to rerun the study.
 * Pure: markdown text, which the page turns into HTML with `inlineHtml`.
 */
import type { TuneReport } from '../tune/report.ts';
import type { HoldoutEntry } from '../tune/study.ts';
import { escapeHtml } from './html.ts';
import { signedMoney } from './format.ts';
import { ci, pairedVerdict } from './markdown.ts';

function holdoutOf(report: TuneReport, spec: string): HoldoutEntry | undefined {
  return report.holdout.find((h) => h.spec === spec);
}

function holdoutGain(h: HoldoutEntry | undefined): string {
  const d = h?.holdout_vs_defaults ?? null;
  return d === null ? 'no holdout interval' : `Δ value ${ci(d.value_diff, signedMoney)} on the holdout: ${pairedVerdict(d.value_diff)}`;
}

/** The sentences under the title: the winner and why, as markdown paragraphs. */
export function headlineParagraphs(report: TuneReport): string[] {
  const winner = report.winner.spec;
  const best = report.best_in_sample.spec;
  const rank = report.configurations.find((c) => c.spec === winner)?.rank ?? 0;
  switch (report.winner_basis) {
    case 'defaults first':
      return [`**Winner:** \`${winner}\` (the defaults)`, 'The defaults ranked first: tuning found nothing better in this space.'];
    case 'none held':
      return [
        `**No winner:** no configuration kept a clear gain over the defaults on the holdout; keep the defaults, \`${winner}\`.`,
        `The best in sample, \`${best}\`, had ${holdoutGain(holdoutOf(report, best))}. Its lead may only fit the sample: tune on more cases (\`--replicates\`, more scenarios) before changing a default.`,
      ];
    case 'held': {
      const out = [`**Winner:** \`${winner}\``, `Ranked ${rank} in sample, and its gain over the defaults held on fresh candidates (${holdoutGain(holdoutOf(report, winner))}).`];
      if (best !== winner) {
        out.push(`The best in sample, \`${best}\`, is not put forward: ${holdoutGain(holdoutOf(report, best))}.`);
      }
      return out;
    }
  }
}

/** The commands after the headline, as markdown: try the winner, rerun the study. */
export function commandBlocks(report: TuneReport): string[] {
  const out: string[] = [];
  if (report.backtest_commands.length > 0) {
    out.push(`Try the winner on ${report.backtest_commands.length === 1 ? 'the scenario' : 'each scenario'}:`, '', '```', ...report.backtest_commands, '```', '');
  }
  out.push('Rerun this study (every scenario, the seeds, the method and its parameters):', '', '```', report.command, '```', '');
  return out;
}

/** A paragraph of `headlineParagraphs` as HTML: escaped, with its `code` and **strong** spans. */
export function inlineHtml(markdown: string): string {
  return escapeHtml(markdown)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}
