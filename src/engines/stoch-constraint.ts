import { FINISHED, type Decision, type Request } from '../contract/types.ts';
import { betaFromMoments, logNormalQuantile, quantileSorted, sampleBeta } from '../stats/distributions.ts';
import { newLpModel } from '../stats/lp.ts';
import { RequestClock, caseIdOf, countList, isOver } from './common.ts';
import { defineEngine } from './types.ts';

const VALUE_PER_HIRE = 2500;
const COST_PER_INVITE = 20;
const MEMORY_SEED = 16;
const FIT_FROM = 30;
const CALLBACK_QUANTILE = 0.7;
const MIN_CALLBACK = 5;
/** A record of 0 minutes means "under a minute"; the log-normal needs a positive value. */
const SHORTEST = 0.5;
/** Relative difference below which two answers of the programme count as a tie. */
const TIE = 1e-6;

/**
 * `max 2500·h − 20·x  s.t.  x ≤ pool, h ≤ p·x, h ≤ vacancies, x integer, x, h ≥ 0`.
 *
 * With `h = min(p·x, vacancies)` the value rises by `2500p − 20` per invitation up to
 * `x = vacancies / p` and falls by 20 after, so the integer optimum is `floor(vacancies / p)`
 * or the next integer (capped by the pool), or nobody when a hire is worth less than the
 * invitations it costs. That closed form answers almost every programme in a tenth of a
 * microsecond, where javascript-lp-solver's branch and cut takes five (it was three quarters
 * of a `cold_start` run). Where two answers come within a hair of each other (a hire worth
 * exactly its invitations, or two integers of the same value) the solver's own tolerances
 * decide, so it still solves those: the answers are the solver's on every programme
 * (checked on 20 000 random ones, and byte-identical reports on every shipped scenario).
 */
export class InvitationProgramme {
  /** Programmes the solver answered since this instance was made: near-ties only. */
  solverCalls = 0;

  constructor(
    private readonly valuePerHire = VALUE_PER_HIRE,
    private readonly costPerInvite = COST_PER_INVITE,
  ) {}

  /** The optimal number of invitations for a hire rate `p`. */
  solve(p: number, pool: number, vacancies: number): number {
    if (pool <= 0 || vacancies <= 0) return 0;
    return this.closedForm(p, pool, vacancies) ?? this.solveWithLp(p, pool, vacancies);
  }

  /** The optimum, or null when it is within the solver's tolerance of a tie. */
  closedForm(p: number, pool: number, vacancies: number): number | null {
    const gain = this.valuePerHire * p - this.costPerInvite;
    if (!(Math.abs(gain) > TIE * this.costPerInvite)) return null;
    if (gain < 0) return 0;
    const x0 = Math.min(pool, Math.floor(vacancies / p));
    if (x0 === pool) return pool;
    const x1 = x0 + 1;
    const v0 = this.value(p, x0, vacancies);
    const v1 = this.value(p, x1, vacancies);
    if (!(Math.abs(v1 - v0) > TIE * Math.max(1, Math.abs(v0), Math.abs(v1)))) return null;
    return v1 > v0 ? x1 : x0;
  }

  private value(p: number, x: number, vacancies: number): number {
    return this.valuePerHire * Math.min(p * x, vacancies) - this.costPerInvite * x;
  }

  /** The programme as javascript-lp-solver solves it. */
  solveWithLp(p: number, pool: number, vacancies: number): number {
    if (pool <= 0 || vacancies <= 0) return 0;
    this.solverCalls++;
    const model = newLpModel();
    // Presolve and MIR cuts cost a third of each solve and never change this programme's
    // optimum (checked against the closed form on 20 000 random programmes).
    model.usePresolve = false;
    model.useMIRCuts = false;
    model.maximize();
    const x = model.addVariable(-this.costPerInvite, 'x', true);
    const h = model.addVariable(this.valuePerHire, 'h');
    model.smallerThan(pool).addTerm(1, x);
    model.smallerThan(0).addTerm(-p, x).addTerm(1, h);
    model.smallerThan(vacancies).addTerm(1, h);
    const solution = model.solve();
    if (!solution.feasible) throw new Error(`invitation programme infeasible for p=${p}, pool=${pool}, vacancies=${vacancies}`);
    return Math.round(x.value);
  }
}

/**
 * Response times of accepted candidates, kept across cases. Log sums are kept as values
 * arrive, so the log-normal fit costs nothing per call however long the memory grows.
 */
export class CallbackMemory {
  private readonly sorted: number[] = [];
  private count = 0;
  private sumLog = 0;
  private sumLog2 = 0;

  constructor(initial: readonly number[] = [MEMORY_SEED]) {
    for (const x of initial) this.add(x);
  }

  add(minutes: number): void {
    const x = Math.max(minutes, SHORTEST);
    this.count++;
    const l = Math.log(x);
    this.sumLog += l;
    this.sumLog2 += l * l;
    // Only needed while the median is used; past FIT_FROM values the fit takes over.
    if (this.sorted.length < FIT_FROM) this.sorted.push(x);
  }

  /**
   * The callback for this memory plus `extra` (this case's accepted times): the median
   * while there are fewer than 30 values, then the 0.7-quantile of a fitted log-normal.
   */
  callback(extra: readonly number[]): number {
    const n = this.count + extra.length;
    let value: number;
    if (n >= FIT_FROM) {
      let s = this.sumLog;
      let s2 = this.sumLog2;
      for (const m of extra) {
        const l = Math.log(Math.max(m, SHORTEST));
        s += l;
        s2 += l * l;
      }
      const mu = s / n;
      const sigma = Math.sqrt(Math.max(0, s2 / n - mu * mu));
      value = logNormalQuantile(CALLBACK_QUANTILE, { mu, sigma });
    } else {
      const all = [...this.sorted, ...extra.map((m) => Math.max(m, SHORTEST))].sort((a, b) => a - b);
      value = quantileSorted(all, 0.5);
    }
    return Math.max(MIN_CALLBACK, Math.round(value));
  }
}

export const stochConstraint = defineEngine({
  name: 'stoch-constraint',
  description: '15 posterior draws of the hire rate, one integer programme each; invites their 0.3-quantile; learns its callback',
  params: {
    mean: { default: 0.2, description: 'prior mean of the hire rate', min: 0, max: 1 },
    variance: { default: 0.001, description: 'prior variance of the hire rate', min: 0 },
    draws: { default: 15, description: 'posterior draws, one integer programme each', min: 1, integer: true },
    quantile: { default: 0.3, description: 'quantile of the solutions to invite', min: 0, max: 1 },
  },
  create({ params, random }) {
    const prior = betaFromMoments(params.mean ?? 0.2, params.variance ?? 0.001);
    const draws = params.draws ?? 15;
    const level = params.quantile ?? 0.3;
    const clock = new RequestClock();
    const programme = new InvitationProgramme();
    const memory = new CallbackMemory();
    const solutions = new Float64Array(draws);
    // This case's accepted times as last seen; they join the memory when the case is over.
    let caseId: string | null = null;
    let caseTimes: number[] = [];
    const commit = (): void => {
      for (const t of caseTimes) memory.add(t);
      caseTimes = [];
      caseId = null;
    };

    return {
      decide(request: Request): Decision {
        const id = caseIdOf(request.correlation_id);
        if (caseId !== null && id !== caseId) commit();
        caseId = id;
        const { now, deadline } = clock.read(request);
        const times: number[] = [];
        const counts = countList(request.impacted_candidates_data, times);
        caseTimes = times;
        if (isOver(request, now, deadline, counts.hires)) {
          commit();
          return FINISHED;
        }
        const alpha = prior.alpha + counts.hires;
        const beta = prior.beta + counts.failures;
        const pool = request.num_remaining_in_pool;
        const vacancies = request.num_vacancies - counts.hires;
        for (let b = 0; b < draws; b++) solutions[b] = programme.solve(sampleBeta(alpha, beta, random), pool, vacancies);
        solutions.sort();
        const invite = Math.floor(quantileSorted(solutions, level));
        return {
          finished: false,
          num_candidates_needed: Math.min(pool, invite),
          callback_time_minutes: memory.callback(times),
        };
      },
    };
  },
});
