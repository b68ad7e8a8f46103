/**
 * `pace:prior=PATH`: pace's prior from the fit.json that `pacebench fit` wrote (src/fit/output.ts).
 * The estimates become the prior's means; its weight is one typical opening of the log (its
 * invitations and answers per opening, at most `carryCap`), so the openings to come still
 * outweigh it as soon as they differ.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.ts';

type Json = Record<string, unknown>;

function field(json: Json, file: string, ...keys: string[]): number {
  let v: unknown = json;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Json)[k] : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${file}: field "${keys.join('.')}" should be a number (a fit.json written by pacebench fit)`);
  return v;
}

/** The numeric parameters of pace that the fit at `file` stands for. */
export function paramsFromFit(file: string, carryCap = 400): Record<string, number> {
  if (file === '') throw new UserError('prior=: expected the path of a fit.json written by `pacebench fit`');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`prior=${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder; expected its fit.json' : (e as Error).message}`);
  }
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    throw new UserError(`prior=${file}: cannot read it as JSON (${(e as Error).message})`);
  }
  const accept = field(json, file, 'estimates', 'p_accept', 'estimate');
  const reject = field(json, file, 'estimates', 'p_reject', 'estimate');
  const offer = field(json, file, 'estimates', 'p_offer_accept', 'estimate');
  const openings = Math.max(1, field(json, file, 'openings'));
  const invited = field(json, file, 'candidates', 'invited');
  const answered = field(json, file, 'candidates', 'accepted') + field(json, file, 'candidates', 'rejected');
  const family = json['delay_family'];
  let median: number;
  let sigma: number;
  if (family === 'weibull') {
    const k = field(json, file, 'estimates', 'delay_shape', 'estimate');
    median = field(json, file, 'estimates', 'delay_scale', 'estimate') * Math.LN2 ** (1 / k);
    sigma = Math.PI / (k * Math.sqrt(6));
  } else if (family === 'lognormal') {
    median = Math.exp(field(json, file, 'estimates', 'delay_mu', 'estimate'));
    sigma = field(json, file, 'estimates', 'delay_sigma', 'estimate');
  } else if (family === 'exponential') {
    median = field(json, file, 'estimates', 'delay_mean', 'estimate') * Math.LN2;
    sigma = Math.PI / Math.sqrt(6);
  } else throw new UserError(`${file}: field "delay_family" should be weibull, lognormal or exponential, not ${JSON.stringify(family)}`);
  const answerRate = accept + reject;
  if (!(answerRate > 0 && answerRate <= 1) || !(offer > 0 && offer <= 1)) throw new UserError(`${file}: the estimates p_accept + p_reject and p_offer_accept should lie in (0, 1]`);
  return {
    answerRate: Math.min(1, answerRate),
    hireRate: Math.max(0.001, Math.min(0.99, accept * offer)),
    strength: Math.max(1, Math.min(carryCap, invited / openings)),
    medianDelay: Math.max(0.01, median),
    sigma: Math.min(5, Math.max(0.05, sigma)),
    delayStrength: Math.max(1, Math.min(carryCap, answered / openings)),
  };
}
