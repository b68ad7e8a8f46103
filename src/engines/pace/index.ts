import { FINISHED, type Decision, type Request } from '../../contract/types.ts';
import { RequestClock, caseIdOf, isOver, minutesBetween } from '../common.ts';
import { defineEngine } from '../types.ts';
import { meanBatch, moneyBatch, type BatchInputs } from './batch.ts';
import { callbackMinutes, survivalAtAges } from './callback.ts';
import { minutesUntilShareAnswered, survival, survivalAtAge } from './delay.ts';
import { fitModel } from './fit.ts';
import { coldTwoScales } from './two-scales.ts';
import { FitBuffer, type Fit, type FitOptions } from './model.ts';
import { PARAMS, moneyOf, paceParams, priorOf } from './params.ts';
import { Population, openingOf } from './population.ts';
import { paramsFromFit } from './from-fit.ts';
import { ListSummary } from './summary.ts';

/**
 * `pace`: censoring-aware Bayesian pacing that weighs the money (docs/pace.md).
 *
 * An invitee ends one of three ways: a hire (offer accepted), an answer that is not a hire,
 * or no answer ever. Answers arrive after a Weibull, log-normal or two-log-normal delay (two
 * time scales, minutes and days), whichever fits the answers and the pending ages best. A
 * pending invitation is censored:
 * it may still answer (the later, the less likely), so it counts for both the answer rate and
 * the delay distribution with the weight the model gives it — a cure-rate model fitted by a
 * few EM steps over pending invitations grouped by age. The batch is the largest whose last
 * invitation is worth more sent now than kept for the next call, in expected money, over a
 * negative-binomial predictive distribution of the hires already on their way.
 */

/**
 * Whether `correlationId` is `{caseId}_{digits}`, in which case `caseIdOf` would give
 * `caseId` (the digits hold no `_`, so the last `_` is the one after `caseId`; the caller
 * makes sure `caseId` holds no line break, which `caseIdOf`'s `.` would not match). It
 * allocates nothing, unlike the regular expression; when it says no, `caseIdOf` decides.
 */
function ofCase(correlationId: string, caseId: string): boolean {
  const n = caseId.length;
  if (correlationId.length < n + 2 || correlationId.charCodeAt(n) !== 95 || !correlationId.startsWith(caseId)) return false;
  for (let i = n + 1; i < correlationId.length; i++) {
    const d = correlationId.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

export const pace = defineEngine({
  name: 'pace',
  description: 'censoring-aware Bayesian pacing: cure-rate model of answers (Weibull, log-normal or two-time-scale delays), batches by expected money, callbacks when answers are due',
  params: PARAMS,
  textParams: {
    prior: { description: "a fit.json of `pacebench fit`: the prior's rates and delay, one typical opening's weight", expand: (file) => paramsFromFit(file) },
  },
  create({ params }) {
    const settings = paceParams(params);
    const basePrior = priorOf(settings);
    let prior = basePrior;
    const money = moneyOf(settings);
    const options: FitOptions = { censoring: settings.censoring === 1 };
    const byMoney = settings.money === 1;
    // The two-scale EM goes on from call to call within an opening (fit.ts).
    const twoScales = settings.twoScales === 1 ? coldTwoScales() : false;
    const carry = settings.carry === 1;
    const carryCap = settings.carryCap;
    const partialPooling = settings.pooling === 1;
    const c = settings.quantile;
    const minCallback = settings.minCallback;
    const urgency = settings.urgency;
    const maxShare = settings.maxStep;
    const roundsWeight = settings.roundsWeight;

    const clock = new RequestClock();
    const summary = new ListSummary();
    // Everything a decision works in is allocated here, once per engine, and overwritten call
    // after call: a decision allocates little beyond its answer, so the collector seldom runs
    // inside one (issue 13's p99 target).
    let scratch: [Float64Array, Float64Array] = [new Float64Array(64), new Float64Array(64)];
    const fitBuffers: [FitBuffer, FitBuffer] = [new FitBuffer(), new FitBuffer()];
    let agesSurvival = new Float64Array(64);
    // The log-normal fit's expected sufficient statistics at the last call, for carrying.
    const lnStats = new Float64Array(3);
    const inputs: { -readonly [K in keyof BatchInputs]: BatchInputs[K] } = {
      need: 0,
      pool: 0,
      pendingHires: 0,
      cv2: 0,
      hireRate: 0,
      onTimeNow: 0,
      onTimeNext: 0,
      urgency: 0,
    };
    // Earlier openings enter through the prior (population.ts), not as pooled evidence.
    const population = new Population();
    // This opening's last fit, committed to `population` when it ends (the summary is `summary`).
    let caseId: string | null = null;
    // Whether `ofCase` may answer for `caseId` (no line break in it).
    let plainCaseId = false;
    let last: Fit | null = null;
    // The opening ended at the last call (`isOver`): what it taught is read at the next call,
    // from the summary that still holds its list, so a run of fresh engines never pays for it.
    let ended = false;

    const commit = (): void => {
      if (last !== null && carry) {
        // What the opening taught, from a fit of its last list that also tries the answers' own
        // split into two time scales (fit.ts): the next openings' prior then holds both scales.
        if (twoScales !== false) {
          twoScales.warm = false;
          twoScales.retryAt = 0;
          last = fitModel(summary, prior, options, scratch, lnStats, fitBuffers, twoScales, true);
        }
        population.add(openingOf(summary, last, lnStats));
        prior = population.prior(basePrior, carryCap, partialPooling);
      }
      last = null;
      caseId = null;
    };

    return {
      decide(request: Request): Decision {
        if (ended) {
          ended = false;
          commit();
        }
        // The case id is taken apart only when the call is not plainly the same case's.
        if (caseId === null || !plainCaseId || !ofCase(request.correlation_id, caseId)) {
          const id = caseIdOf(request.correlation_id);
          if (caseId !== null && id !== caseId) commit();
          if (id !== caseId && twoScales !== false) {
            twoScales.warm = false;
            twoScales.retryAt = 0;
          }
          caseId = id;
          plainCaseId = !/[\n\r\u2028\u2029]/.test(id);
        }
        const { now, deadline } = clock.read(request);
        const s = summary.read(request.impacted_candidates_data);
        if (s.groups > scratch[0].length) scratch = [new Float64Array(s.groups * 2), new Float64Array(s.groups * 2)];
        if (s.groups > agesSurvival.length) agesSurvival = new Float64Array(s.groups * 2);
        const fit = fitModel(s, prior, options, scratch, lnStats, fitBuffers, twoScales);
        // What the next opening's prior needs from this one is read from the last call's
        // summary and fit when the case ends, not built on every call.
        if (carry) last = fit;
        if (isOver(request, now, deadline, s.hires)) {
          ended = true;
          caseId = null;
          return FINISHED;
        }
        const left = minutesBetween(now, deadline);
        const q = fit.answerRate;
        const p = fit.hireRate;
        // Expected on-time hires from the invitations already out.
        let pendingHires = 0;
        // The fit's likelihood took the survivals at the groups' ages already (when censoring).
        const survived = fit.hasAgeSurvival ? fit.ageSurvival : survivalAtAges(fit, s, agesSurvival);
        if (options.censoring) {
          for (let g = 0; g < s.groups; g++) {
            const a = s.groupAge[g] as number;
            const Sa = survived[g] as number;
            // a + left is the group's age at the deadline: whole minutes, and the same from one
            // call to the next, so the memo serves it too.
            pendingHires += ((s.groupCount[g] as number) * p * (Sa - survivalAtAge(fit, a + left))) / (1 - q + q * Sa);
          }
        }
        // Calls cost nothing: with a heavy tail, call back well before the deadline rather
        // than wait for answers that may come after it.
        const step = Math.max(minCallback, Math.min(minutesUntilShareAnswered(fit, c), maxShare * left));
        const onTimeNow = 1 - survival(fit, left);
        const onTimeNext = left - step > 0 ? 1 - survival(fit, left - step) : 0;
        inputs.need = request.num_vacancies - s.hires;
        inputs.pool = request.num_remaining_in_pool;
        inputs.pendingHires = pendingHires;
        inputs.cv2 = (1 - p) / (p * (fit.evidence + 1));
        inputs.hireRate = p;
        inputs.onTimeNow = onTimeNow;
        inputs.onTimeNext = onTimeNext;
        // The risk of running out of calls is shared by the vacancies left: per invitation
        // it shrinks as the need grows (a batch for 200 hires is long, not late).
        // and grows as the calls left before the deadline become few.
        inputs.urgency = (urgency * (1 + roundsWeight * (step / left))) / Math.sqrt(Math.max(1, request.num_vacancies - s.hires));
        const batch = Math.min(request.num_remaining_in_pool, byMoney ? moneyBatch(inputs, money) : meanBatch(inputs));
        return {
          finished: false,
          num_candidates_needed: batch,
          callback_time_minutes: callbackMinutes(fit, s, batch, c, Math.min(left, Math.max(1, maxShare * left) + 1), step, minCallback, survived),
        };
      },
    };
  },
});
