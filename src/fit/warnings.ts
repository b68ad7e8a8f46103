/**
 * When the log cannot support the fit (docs/fit.md, "When the data cannot support the fit"):
 * too few openings or answers, estimates on the boundary of their range or at the end of
 * their own interval, intervals that do not pin a parameter down. The fit is still written
 * (a rough scenario may be what the user wants); the warnings go with it, to stderr, into
 * its README and into fit.json.
 */
import type { Interval } from './estimate.ts';

/** A figure below which a fit is flagged; the reasons are in docs/fit.md. */
export const WARN = {
  /** Openings: the intervals resample openings, and a few give a handful of distinct resamples. */
  openings: 10,
  /** Answers per fitted parameter of the response model (q, the accept share, the delay's). */
  answersPerParameter: 10,
  /** Acceptances, refusals, known offer outcomes behind a share. */
  events: 10,
  /** A share whose expected count is below half a candidate is at the boundary of [0, 1]. */
  boundaryCount: 0.5,
  /** A share's interval wider than this covers most of [0, 1]. */
  shareWidth: 0.5,
  /** A positive parameter's interval whose ends differ by more than this factor. */
  factor: 10,
} as const;

export interface FitWarning {
  /** The estimate it is about (`p_none`, `delay_scale`), or null for the whole fit. */
  readonly parameter: string | null;
  readonly message: string;
}

export interface WarningInput {
  readonly openings: number;
  readonly invited: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly offerKnown: number;
  /** Parameters of the delay family used. */
  readonly delayParameters: number;
  readonly intervals: Readonly<Record<string, Interval>>;
}

const SHARES = new Set(['p_accept', 'p_reject', 'p_none', 'p_offer_accept']);

const g = (x: number): string => String(Number(x.toPrecision(3)));
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function fitWarnings(input: WarningInput): FitWarning[] {
  const out: FitWarning[] = [];
  const whole = (message: string) => out.push({ parameter: null, message });
  if (input.openings < WARN.openings) {
    whole(`only ${plural(input.openings, 'opening')}: the intervals resample openings, and so few give a handful of distinct resamples (fewer than ${WARN.openings} openings: the intervals are not to be trusted)`);
  }
  const answers = input.accepted + input.rejected;
  const parameters = 2 + input.delayParameters;
  if (answers < WARN.answersPerParameter * parameters) {
    whole(`only ${plural(answers, 'answer')} for the ${parameters} parameters of the response model (fewer than ${WARN.answersPerParameter} per parameter)`);
  }
  const events: Record<string, [number, string]> = {
    p_accept: [input.accepted, 'acceptance'],
    p_reject: [input.rejected, 'refusal'],
    p_offer_accept: [input.offerKnown, 'known offer outcome'],
  };
  for (const [name, [n, what]] of Object.entries(events)) {
    if (n < WARN.events) out.push({ parameter: name, message: `${name} rests on ${plural(n, what)} (fewer than ${WARN.events})` });
  }
  for (const [name, v] of Object.entries(input.intervals)) {
    const about = (message: string) => out.push({ parameter: name, message: `${name} ${message}` });
    const { estimate, low, high } = v;
    if (SHARES.has(name)) {
      const n = name === 'p_offer_accept' ? input.offerKnown : input.invited;
      if (n > 0 && (estimate * n < WARN.boundaryCount || (1 - estimate) * n < WARN.boundaryCount)) {
        about(`= ${g(estimate)} is on the boundary of [0, 1]: fewer than half a candidate of ${n} on one side`);
      }
    }
    if (!Number.isFinite(low) || !Number.isFinite(high)) {
      about('has no interval: no bootstrap resample could be fitted');
      continue;
    }
    const tolerance = 1e-9 + 1e-6 * Math.abs(estimate);
    if (high - low > tolerance && (estimate - low <= tolerance || high - estimate <= tolerance)) {
      about(`= ${g(estimate)} is at the end of its own 95 % interval [${g(low)}, ${g(high)}]: the resamples cannot move it one way, as at a boundary or with too few openings`);
    }
    const wide = SHARES.has(name)
      ? high - low > WARN.shareWidth && `covers more than half of [0, 1]`
      : name === 'delay_mu'
        ? high - low > Math.log(WARN.factor) && `spans more than a factor of ${WARN.factor} in the delay (${g(high - low)} in ln minutes)`
        : low > 0 && high / low > WARN.factor && `spans more than a factor of ${WARN.factor}`;
    if (wide !== false) about(`has the 95 % interval [${g(low)}, ${g(high)}], which ${wide}: the log does not pin it down`);
  }
  return out;
}
