/** pace's parameters: the one table of their defaults, bounds and descriptions, and what the engine reads from them. */
import type { Money } from '../../scenario/money.ts';
import type { ParamSpec } from '../types.ts';
import type { Prior } from './model.ts';

/** The table the engine definition publishes (`engines list`, `name:key=value`, `tune`); the defaults below derive from it. */
export const PARAMS = {
  hireRate: { default: 0.125, description: 'prior share of invitees who become hires', min: 0.001, max: 0.99 },
  answerRate: { default: 0.5, description: 'prior share of invitees who answer at all', min: 0.001, max: 1 },
  strength: { default: 20, description: 'pseudo-invitations behind the prior shares', min: 0.01 },
  medianDelay: { default: 100, description: 'prior median response delay, minutes', min: 0.01 },
  delayStrength: { default: 1, description: 'pseudo-answers behind the prior delay', min: 0.01 },
  shape: { default: 1.5, description: 'preferred Weibull shape of the delays', min: 0.1, max: 10 },
  sigma: { default: 2.6, description: 'prior σ of ln delay (log-normal delays)', min: 0.05, max: 5 },
  lognormalLean: { default: -0.05, description: 'how much the choice leans away from the log-normal (negative: towards it)', min: -10, max: 10 },
  shapeWeight: { default: 3, description: 'how much the shape choice leans to the preferred one', min: 0 },
  quantile: { default: 0.7, description: 'share of the expected answers that should be in at the callback', min: 0.05, max: 0.999 },
  roundsWeight: { default: 15, description: 'urgency grows by this factor times the callback step over the minutes left', min: 0 },
  maxStep: { default: 0.35, description: 'longest callback, as a share of the minutes left', min: 0.01, max: 1 },
  minCallback: { default: 1, description: 'shortest callback, minutes', min: 1, integer: true },
  urgency: { default: 4, description: 'money a needed invitation loses by waiting one call, with one vacancy left (÷√vacancies left)', min: 0 },
  valuePerHire: { default: 2500, description: 'value of a hire', min: 0 },
  costPerInvite: { default: 20, description: 'cost of an invitation', min: 0 },
  costPerOverbooking: { default: 250, description: 'cost of an acceptance that finds no vacancy', min: 0 },
  twoScales: { default: 1, description: '1: delays may be a mixture of two log-normals (two time scales), chosen by Schwarz\'s criterion; 0: one family (ablation)', min: 0, max: 1, integer: true },
  censoring: { default: 1, description: '1: pending invitations are censored; 0: counted as refusals (ablation)', min: 0, max: 1, integer: true },
  money: { default: 1, description: '1: batches by expected money; 0: expected hires cover the need (ablation)', min: 0, max: 1, integer: true },
  carry: { default: 1, description: '1: with --carry-state, later openings start from what earlier ones taught; 0: never (ablation)', min: 0, max: 1, integer: true },
  pooling: { default: 1, description: '1: partial pooling of earlier openings (population prior); 0: complete pooling, as if every opening were alike (ablation)', min: 0, max: 1, integer: true },
  carryCap: { default: 400, description: 'most pseudo-invitations (and pseudo-answers) carried between openings', min: 0 },
} as const satisfies Readonly<Record<string, ParamSpec>>;

export type PaceParams = { readonly [K in keyof typeof PARAMS]: number };

/** Each parameter as given, or its default from `PARAMS` where it is missing. */
export function paceParams(given: Readonly<Record<string, number>>): PaceParams {
  const out: Record<string, number> = {};
  for (const [key, spec] of Object.entries(PARAMS)) out[key] = given[key] ?? spec.default;
  return out as PaceParams;
}

/** Every parameter at its default. */
export const DEFAULTS: PaceParams = paceParams({});

/** The prior the parameters describe; a prior answer rate below the hire rate is raised to it. */
export function priorOf(p: PaceParams): Prior {
  return {
    hireRate: p.hireRate,
    answerRate: Math.max(p.answerRate, p.hireRate),
    strength: p.strength,
    medianDelay: p.medianDelay,
    delayStrength: p.delayStrength,
    shape: p.shape,
    shapeWeight: p.shapeWeight,
    sigma: p.sigma,
    lognormalLean: p.lognormalLean,
  };
}

export function moneyOf(p: PaceParams): Money {
  return { valuePerHire: p.valuePerHire, costPerInvite: p.costPerInvite, costPerOverbooking: p.costPerOverbooking };
}
