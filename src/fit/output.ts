/**
 * The files of a fitted scenario: `pools.csv` and `behaviours.csv` in the format of
 * spec/scenarios.md (checked by the scenario validator before anything is written), a
 * `README.md` that says where the numbers come from, and `fit.json` with the same figures.
 */
import { formatTimestamp } from '../contract/time.ts';
import { validateScenario } from '../scenario/validate.ts';
import type { DelayDistribution } from '../scenario/types.ts';
import type { DelayChoice, FitResult, Interval } from './estimate.ts';
import { delayParameters } from './likelihood.ts';
import { counted } from '../words.ts';

export const FIT_BEHAVIOUR = 'fitted';

export interface FitSource {
  /** The log as the user named it. */
  readonly log: string;
  /** The scenario's name (its folder's). */
  readonly name: string;
  readonly delay: DelayChoice;
  readonly seed: number;
}

/** Six significant digits: far below any interval's width, and stable text. */
const num = (x: number): string => String(Number(x.toPrecision(6)));
const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function delayColumns(d: DelayDistribution): [string, string, string] {
  switch (d.kind) {
    case 'weibull':
      return ['weibull', num(d.shape), num(d.scale)];
    case 'lognormal':
      return ['lognormal', num(d.mu), num(d.sigma)];
    case 'exponential':
      return ['exponential', num(d.mean), ''];
    case 'fixed':
      return ['fixed', num(d.minutes), ''];
  }
}

function describeDelay(d: DelayDistribution): string {
  return Object.entries(delayParameters(d))
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ');
}

export function poolsCsv(result: FitResult, source: FitSource): string {
  const rows = result.pools.map((c) =>
    [c.caseId, c.poolSize, c.vacancies, formatTimestamp(c.start), formatTimestamp(c.deadline), FIT_BEHAVIOUR].join(','),
  );
  return [
    `# ${source.name}: fitted by pacebench fit from ${source.log} (engine ${result.engine}); start is each case's first call`,
    'case_id,pool_size,num_vacancies,start,deadline,behaviour',
    ...rows,
    '',
  ].join('\n');
}

export function behavioursCsv(result: FitResult, source: FitSource): string {
  const e = result.estimate;
  const [dist, a, b] = delayColumns(e.delay);
  return [
    `# ${source.name}: fitted by pacebench fit from ${source.log} (engine ${result.engine}); intervals in README.md and fit.json`,
    'behaviour,segment,weight,p_accept,p_reject,p_offer_accept,delay_dist,delay_a,delay_b',
    [FIT_BEHAVIOUR, 'all', 1, num(e.pAccept), num(e.pReject), num(e.pOffer), dist, a, b].join(','),
    '',
  ].join('\n');
}

const LABELS: Readonly<Record<string, string>> = {
  p_accept: '`p_accept`: accepts the invitation',
  p_reject: '`p_reject`: rejects it',
  p_none: '`p_none` = 1 − both: never answers',
  p_offer_accept: '`p_offer_accept`: an acceptance becomes a hire',
  delay_shape: 'delay: Weibull shape k (`delay_a`)',
  delay_scale: 'delay: Weibull scale λ, minutes (`delay_b`)',
  delay_mu: 'delay: log-normal μ of ln(minutes) (`delay_a`)',
  delay_sigma: 'delay: log-normal σ (`delay_b`)',
  delay_mean: 'delay: exponential mean, minutes (`delay_a`)',
};

export function fitReadme(result: FitResult, source: FitSource): string {
  const e = result.estimate;
  const runs = result.replicates > 1 || result.openings !== result.cases ? ` (${counted(result.cases, 'case')} × ${counted(result.replicates, 'replicate')})` : '';
  const pct = (x: number) => `${((100 * x) / result.invited).toFixed(1)} %`;
  const flagged = new Set(result.warnings.map((w) => w.parameter));
  const lines: string[] = [
    `# ${source.name}: fitted from \`${source.log}\``,
    '',
    `Fitted by \`pacebench fit\` from the calls of engine \`${result.engine}\` in \`${source.log}\`: ${counted(result.openings, 'opening')}${runs}, ${counted(result.invited, 'candidate')} invited; one response profile, answers ${describeDelay(e.delay)} (${e.family}).`,
    '',
    'Every figure below was computed from the log by maximum likelihood, treating a candidate still pending when last seen as right-censored (they may yet answer, or never will): see docs/fit.md. `start` in pools.csv is each case\'s first call, `pool_size` is `num_remaining_in_pool` plus those invited.',
    '',
    '## What the log shows',
    '',
    '| candidates | count | share |',
    '| --- | ---: | ---: |',
    `| invited | ${result.invited} | 100 % |`,
    `| accepted | ${result.accepted} | ${pct(result.accepted)} |`,
    `| rejected | ${result.rejected} | ${pct(result.rejected)} |`,
    `| pending when last seen (censored) | ${result.pending} | ${pct(result.pending)} |`,
    `| accepted, offer outcome known | ${result.offerKnown} | ${pct(result.offerKnown)} |`,
    '',
    `Engines in the log (calls): ${Object.entries(result.engines)
      .map(([k, v]) => `\`${k}\` ${v}`)
      .join(', ')}.`,
    '',
    ...warningSection(result),
    '## Estimates',
    '',
    `95 % intervals: percentiles of ${result.bootstrap.resamples} bootstrap refits over openings (seed ${source.seed})${result.bootstrap.failed > 0 ? `; ${result.bootstrap.failed} resamples had no answer and were skipped` : ''}.`,
    '',
    '| parameter | estimate | 95 % interval | naive estimate |',
    '| --- | ---: | --- | ---: |',
    ...Object.entries(result.intervals).map(([k, v]) => `| ${LABELS[k] ?? k}${flagged.has(k) ? ' ⚠' : ''} | ${num(v.estimate)} | ${range(v)} | ${num(result.naive[k] ?? NaN)} |`),
    '',
    '*Naive*, for contrast only: pending candidates counted as never answering and delays fitted to the answered alone, the two mistakes the censored likelihood avoids; where it differs from the estimate, the log stopped before the answers were in.',
    '',
    '## Delay families',
    '',
    `${source.delay === 'auto' ? 'Chosen: the lowest AIC' : `Chosen by --delay ${source.delay}`}. AIC = 2 · parameters − 2 · log-likelihood of the response model (q, accept share and the delay's parameters).`,
    '',
    '| family | parameters | log-likelihood | AIC | Δ AIC |',
    '| --- | --- | ---: | ---: | ---: |',
    ...(() => {
      const min = Math.min(...result.families.map((f) => f.aic));
      return result.families.map(
        (f) => `| ${f.family}${f.family === result.family ? ' (used)' : ''} | ${describeDelay(f.delay)} | ${fixed(f.logLik, 1)} | ${fixed(f.aic, 1)} | ${fixed(f.aic - min, 1)} |`,
      );
    })(),
    '',
    '## Goodness of fit',
    '',
    'Share of all invited candidates without an answer after t minutes: the fitted model, 1 − q + q·S(t), against the Kaplan–Meier estimate (those who never answer stay in it, so both level off at `p_none`), at the fitted delay\'s quantiles. A Kaplan–Meier interval that misses the fitted value says the family does not fit there.',
    '',
    '| delay quantile | t (minutes) | fitted | Kaplan–Meier [95 % CI] |',
    '| ---: | ---: | ---: | --- |',
    ...result.goodness.map(
      (g) =>
        `| ${Math.round(g.level * 100)} % | ${g.minutes} | ${g.fitted.toFixed(4)} | ${
          g.kaplanMeier === null ? 'past the follow-up' : `${g.kaplanMeier.survival.toFixed(4)} [${g.kaplanMeier.low.toFixed(4)}, ${g.kaplanMeier.high.toFixed(4)}]`
        } |`,
    ),
    '',
    '## Limits',
    '',
    '- One profile with one segment. A market made of segments (fast and slow responders) is fitted as one, whose delay is the best single-family approximation of the mixture; the goodness-of-fit table shows where it departs.',
    '- The answer and its delay are assumed not to depend on when a candidate was invited, as in the simulator.',
    '',
  ];
  return lines.join('\n');
}

/** The warnings of a fit, before its estimates: what they cannot be trusted for. */
function warningSection(result: FitResult): string[] {
  if (result.warnings.length === 0) return [];
  return [
    '## Warning: the log cannot support this fit',
    '',
    'Read the estimates below (marked ⚠) as rough: a longer log, or one of more openings, is needed to trust them (thresholds and reasons: docs/fit.md).',
    '',
    ...result.warnings.map((w) => `- ${w.message}`),
    '',
  ];
}

/** The warnings as stderr lines. */
export function warningLines(result: FitResult): string {
  return result.warnings.map((w) => `warning: ${w.message}\n`).join('');
}

function range(v: Interval): string {
  return Number.isFinite(v.low) ? `[${num(v.low)}, ${num(v.high)}]` : '—';
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function fitJson(result: FitResult, source: FitSource): string {
  const json = {
    schema_version: 1,
    scenario: source.name,
    log: source.log,
    engine: result.engine,
    engines: result.engines,
    openings: result.openings,
    cases: result.cases,
    replicates: result.replicates,
    calls: result.calls,
    candidates: {
      invited: result.invited,
      accepted: result.accepted,
      rejected: result.rejected,
      pending: result.pending,
      offer_known: result.offerKnown,
    },
    naive: Object.fromEntries(Object.entries(result.naive).map(([k, v]) => [k, finiteOrNull(v)])),
    delay_choice: source.delay,
    delay_family: result.family,
    estimates: Object.fromEntries(
      Object.entries(result.intervals).map(([k, v]) => [k, { estimate: finiteOrNull(v.estimate), low: finiteOrNull(v.low), high: finiteOrNull(v.high) }]),
    ),
    families: result.families.map((f) => ({
      family: f.family,
      parameters: delayParameters(f.delay),
      p_accept: f.pAccept,
      p_reject: f.pReject,
      log_likelihood: f.logLik,
      aic: f.aic,
      converged: f.converged,
    })),
    bootstrap: { resamples: result.bootstrap.resamples, failed: result.bootstrap.failed, seed: source.seed },
    warnings: result.warnings,
    goodness_of_fit: result.goodness.map((g) => ({
      delay_quantile: g.level,
      minutes: g.minutes,
      fitted: g.fitted,
      kaplan_meier: g.kaplanMeier,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** All four files; throws (a bug, not the user's doing) if the scenario would not load. */
export function fitFiles(result: FitResult, source: FitSource): Record<string, string> {
  const files = {
    'pools.csv': poolsCsv(result, source),
    'behaviours.csv': behavioursCsv(result, source),
    'README.md': fitReadme(result, source),
    'fit.json': fitJson(result, source),
  };
  const check = validateScenario({
    name: source.name,
    source: source.name,
    description: '',
    pools: { path: 'pools.csv', text: files['pools.csv'] },
    behaviours: { path: 'behaviours.csv', text: files['behaviours.csv'] },
    candidates: null,
  });
  if (!check.ok) throw new Error(`the fitted scenario does not load: ${check.problems.map((p) => `${p.file}:${p.line ?? ''} ${p.message}`).join('; ')}`);
  return files;
}
