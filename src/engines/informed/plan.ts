import { GrowingCount, addBernoullis, countPmf, expectedMin, lambdaStar, poissonPmf } from './counts.ts';
import type { Law } from './law.ts';
import { PoolRounds, poolRoundsMemo } from './pool.ts';
import { MAX_ROUNDS, roundTop, roundValuesMemo } from './rounds.ts';
import type { TruthMoney } from './truth.ts';

/** Invitations already out and unanswered, grouped by how long they have been out (whole minutes). */
export interface PendingGroup {
  readonly elapsed: number;
  readonly count: number;
}

export interface PlanState {
  /** Vacancies still open (≥ 1). */
  readonly need: number;
  /** Minutes from now to the deadline (> 0). */
  readonly remaining: number;
  /** Candidates not yet invited (≥ 1). */
  readonly pool: number;
  readonly pending: readonly PendingGroup[];
}

export interface Plan {
  readonly invite: number;
  /** Minutes to the next call: the wait of the best plan that invites again later. */
  readonly callback: number;
  /** Expected value to the deadline of the plan, relative to what is already settled. */
  readonly value: number;
}

/** Work above which a count is taken as Poisson rather than convolved exactly. */
const EXACT_BUDGET = 4096;
/** Pending candidates less likely than this to be a hire are taken as never answering. */
const NEGLIGIBLE = 1e-7;

/** Batch sizes tried: every size up to 16, then steps of about 12 % (refined after), up to `max`. */
function batchGrid(max: number): number[] {
  const out: number[] = [];
  for (let b = 0; b <= Math.min(16, max); b++) out.push(b);
  for (let b = 19; b < max; b = Math.ceil(b * 1.12)) out.push(b);
  if (max > 16) out.push(max);
  return out;
}

/**
 * Waits before inviting again: whole minutes growing by about 35 % up to twice the time most
 * answers take (`round`), by 50 % beyond; always before the deadline.
 */
function waitGrid(remaining: number, round: number): number[] {
  const out: number[] = [];
  for (let w = 1; w < remaining; w = Math.max(w + 1, Math.round(w * (w < 2 * round ? 1.35 : 1.5)))) out.push(w);
  return out;
}

/**
 * The planner of the `informed` engine (docs/informed.md). At each call it weighs every batch
 * `b` to invite now against every wait `w` before inviting again: hires arriving within `w`
 * are seen, and at `now + w` the batch that is best if no call followed is invited (the
 * one-shot optimum given what is then missing). It also weighs inviting `b` and never
 * again. Value = (per hire + per overbooking)·E[min(need, on-time hires)] − per overbooking·
 * E[all hires] − per invite·invitations, which is the money of spec/metrics.md shifted by
 * what is already settled.
 */
export function plan(state: PlanState, law: Law, money: TruthMoney): Plan {
  const { need: n, remaining: R, pool: M } = state;
  const A = money.valuePerHire + money.costPerOverbooking;
  const q = law.hireRate;
  const perFresh = money.costPerInvite + money.costPerOverbooking * q;
  // A long case keeps hundreds of ages pending (non-answerers stay so), each read at every wait:
  // what does not depend on the wait is computed once per group.
  const pending: { elapsed: number; count: number; ever: number; onTime: number }[] = [];
  for (const g of state.pending) {
    const ever = law.pendingHireBetween(g.elapsed, Infinity);
    if (ever > NEGLIGIBLE) pending.push({ elapsed: g.elapsed, count: g.count, ever, onTime: law.pendingHireBetween(g.elapsed, g.elapsed + R) });
  }
  const pendingAll = pending.reduce((s, g) => s + g.count * g.ever, 0);
  const base = -money.costPerOverbooking * pendingAll;

  // Never inviting again: the one-shot optimum, exact while cheap.
  const pOn = law.freshHireBy(R);
  const oneShot = oneShotBest(pending.map((g) => [g.count, g.onTime] as const), n, pOn, perFresh, A, M);
  let best: Plan = { invite: oneShot.k, callback: Math.max(1, Math.ceil(R)), value: base + oneShot.value };
  if (R <= 1) return best;

  const bMax = Math.min(M, Math.max(16, Math.ceil(3 * oneShot.k) + 16));
  // Later rounds: a round lasts until most answers that will come have come.
  const total = law.freshHireBy(Infinity);
  let L = 1;
  while (L < R && law.freshHireBy(L) < 0.99 * total) L = Math.ceil(L * 1.15);
  // Long-tailed answers: rounds that wait for nearly all of them would leave too few rounds.
  if (R / L < 4) {
    L = 1;
    while (L < R && law.freshHireBy(L) < 0.9 * total) L = Math.ceil(L * 1.15);
  }
  const p1 = law.freshHireBy(L);
  const waits = waitGrid(R, L);
  // Later rounds, valued by a dynamic programme: over the pool left too when the pool holds few
  // more hires than are missing (its candidates are then the limit), else with Poisson counts.
  const usePool = n <= 32 && M * q < 3 * n + 6;
  const useRounds = !usePool && M * q >= 1.5 * n + 2;
  // The table is the case's: computed for the most vacancies missing, the pool's cap taken a
  // little low (in steps of 25 %), so that calls of a case share it.
  // A pool that holds more than any round asks for is no cap (and changes no key as it shrinks).
  const cap = M * p1 >= roundTop(n <= 40 ? n : Math.ceil(n / 64) * 64) ? Infinity : Math.pow(1.25, Math.floor(Math.log(Math.max(1e-9, M * p1)) / Math.log(1.25)));
  const W = useRounds ? roundValuesMemo(n, p1, perFresh, A, cap) : null;
  const P = usePool ? poolRoundsMemo(n, M, p1, perFresh, A) : null;
  const grid = batchGrid(bMax);
  // Per wait: what the pending and a fresh invitee bring in the two stages.
  const laterRounds = W !== null || P !== null;
  // Each pending group's chance of a hire seen by each wait, as [wait][group] (typed arrays, not
  // [count, p] pairs: hundreds of groups times every wait at every call), and what they leave to come.
  const G = pending.length;
  const counts = Float64Array.from(pending, (g) => g.count);
  const ys = new Float64Array(G * waits.length);
  for (let g = 0; g < G; g++) law.pendingHireWithin((pending[g] as (typeof pending)[number]).elapsed, waits, ys, G, g);
  // Summed over the groups in order, wait by wait.
  const zs = new Float64Array(waits.length);
  for (let g = 0; g < G; g++) {
    const group = pending[g] as (typeof pending)[number];
    for (let j = 0; j < waits.length; j++) zs[j] = (zs[j] as number) + group.count * (group.onTime - (ys[j * G + g] as number));
  }
  const stages = waits.map((w, j) => {
    const yPending = ys.subarray(j * G, (j + 1) * G);
    const zPending = zs[j] as number;
    const fy = law.freshHireBy(w);
    const fz = pOn - fy;
    const p2 = law.freshHireBy(R - w);
    const rho = p2 > 0 ? perFresh / (A * p2) : 1;
    const rounds = Math.min(MAX_ROUNDS, Math.floor((R - w) / L));
    // Only the last call's plan needs them: filled on first use.
    const lambdas = new Float64Array(n + 1).fill(-1);
    // The hires seen by `now + w`, for the batches tried in turn.
    const seen = new GrowingCount(counts, yPending, fy, n, EXACT_BUDGET);
    return { w, yPending, zPending, fy, fz, p2, rho, lambdas, rounds, seen, dominated: false };
  });
  /** The pending hires still to come after a wait, per group: only the exact second stage reads them, built on first use. */
  const zGroups = new Map<(typeof stages)[number], (readonly [number, number])[]>();
  const zGroupsOf = (s: (typeof stages)[number]): (readonly [number, number])[] => {
    let groups = zGroups.get(s);
    if (groups === undefined) zGroups.set(s, (groups = pending.map((g, i) => [g.count, g.onTime - (s.yPending[i] as number)] as const)));
    return groups;
  };
  // Once every answer that will come has come by `w` (the delay laws' cdfs read exactly 1), a
  // longer wait sees the same hires and leaves no more rounds, whose values never grow as rounds
  // are taken away: its value is at most the shorter wait's, which is scanned first and so wins
  // ties. Such a wait cannot be chosen and is not evaluated.
  for (let j = 1; j < stages.length; j++) {
    const s = stages[j] as (typeof stages)[number];
    const r = stages[j - 1] as (typeof stages)[number];
    s.dominated = laterRounds && s.rounds >= 2 && s.fy === r.fy && s.fz === r.fz && s.zPending === r.zPending
      && s.yPending.every((q, g) => q === r.yPending[g]);
  }

  // Scratch for the evaluations (each reads its own before the next one writes).
  const scratch = { pZ: new Float64Array(n + 1), pT: new Float64Array(n + 1), column: new Float64Array((P?.n ?? 0) + 1) };
  const evaluate = (b: number, s: (typeof stages)[number]): number => {
    const muZ = s.zPending + b * s.fz;
    const kMax = M - b;
    if (s.rounds >= 2 && laterRounds) {
      // Several rounds left after this wait: the hires seen by then and the pending ones still
      // to come (taken as known when the rounds begin), then the rounds.
      const pT = totalPmf(s.seen, b, muZ, n, scratch);
      const later = W !== null ? (W[s.rounds] as Float64Array) : (P as PoolRounds).column(s.rounds, kMax, scratch.column);
      let v = (pT[n] as number) * A * n;
      for (let t = 0; t < n; t++) {
        const p = pT[t] as number;
        if (p < 1e-12) continue;
        v += p * (A * t + (later[n - t] as number));
      }
      return base + v - perFresh * b;
    }
    const pY = s.seen.at(b);
    // A handful of candidates: the second stage's batch found exactly, as the last call finds it.
    const exact = kMax <= 64 && n <= 16;
    const zGroups = exact ? [...zGroupsOf(s), [b, s.fz] as const] : [];
    let v = 0;
    for (let y = 0; y <= n; y++) {
      const p = pY[y] as number;
      if (p < 1e-12) continue;
      if (y >= n) {
        v += p * A * n;
        continue;
      }
      const m = n - y;
      if (exact) {
        v += p * (A * y + oneShotBest(zGroups, m, s.p2, perFresh, A, kMax).value);
        continue;
      }
      if ((s.lambdas[m] as number) < 0) s.lambdas[m] = lambdaStar(m, s.rho);
      let lambda = Math.max(muZ, Math.min(s.lambdas[m] as number, muZ + kMax * s.p2));
      if (!Number.isFinite(lambda)) lambda = muZ + kMax * s.p2;
      const k = s.p2 > 0 ? (lambda - muZ) / s.p2 : 0;
      v += p * (A * y + A * expectedMin(m, lambda) - perFresh * k);
    }
    return base + v - perFresh * b;
  };

  let bestStage = stages[0] as (typeof stages)[number];
  let bestFinite = -Infinity;
  let bestB = 0;
  // Batches in growing order (each stage's count grows by the step). No plan earns more than
  // A per missing vacancy, so a batch is worth at most base + A·n − perFresh·b: once that (with
  // room for rounding) is no more than a value already seen, this batch and every larger one
  // cannot be chosen (the scan keeps the first of values within 1e-9), and are not evaluated.
  const values = new Float64Array(grid.length * stages.length).fill(-Infinity);
  for (let i = 0; i < grid.length; i++) {
    const b = grid[i] as number;
    const bound = base + A * n - perFresh * b;
    if (bound + 1e-9 * (Math.abs(base) + A * n + perFresh * b) + 1e-6 <= bestFinite) break;
    for (let j = 0; j < stages.length; j++) {
      const s = stages[j] as (typeof stages)[number];
      const v = s.dominated ? -Infinity : evaluate(b, s);
      values[i * stages.length + j] = v;
      if (v > bestFinite + 1e-9) {
        bestFinite = v;
        bestB = b;
        bestStage = s;
      }
    }
  }
  // Refine the batch between its grid neighbours, at the best wait.
  const at = grid.indexOf(bestB);
  let lo = grid[Math.max(0, at - 1)] as number;
  let hi = grid[Math.min(grid.length - 1, at + 1)] as number;
  while (hi - lo > 2) {
    const m1 = Math.floor(lo + (hi - lo) / 3);
    const m2 = Math.ceil(hi - (hi - lo) / 3);
    if (evaluate(m1, bestStage) >= evaluate(m2, bestStage)) hi = m2;
    else lo = m1;
  }
  for (let b = lo; b <= hi; b++) {
    const v = evaluate(b, bestStage);
    if (v > bestFinite + 1e-9 || (Math.abs(v - bestFinite) <= 1e-9 && b < bestB)) {
      bestFinite = v;
      bestB = b;
    }
  }
  if (bestFinite > best.value + 1e-9) best = { invite: bestB, callback: bestStage.w, value: bestFinite };
  else {
    // No later invitation planned: come back when the best two-stage plan of this batch would look.
    let wBest = bestStage.w;
    let vBest = -Infinity;
    const row = grid.indexOf(best.invite);
    for (let j = 0; j < stages.length; j++) {
      const s = stages[j] as (typeof stages)[number];
      const known = row >= 0 ? (values[row * stages.length + j] as number) : -Infinity;
      const v = s.dominated ? -Infinity : known > -Infinity ? known : evaluate(best.invite, s);
      if (v > vBest) {
        vBest = v;
        wBest = s.w;
      }
    }
    best = { ...best, callback: wBest };
  }
  return best;
}

/**
 * The batch that is best if no call followed: hires are the pending on-time ones plus
 * Binomial(k, pOn), and a fresh invitee adds A·pOn·P(hires < need) − perFresh, which only
 * falls as k grows, so the first k where it is not positive is the optimum (ties: fewer).
 */
export function oneShotBest(
  pending: readonly (readonly [number, number])[],
  n: number,
  pOn: number,
  perFresh: number,
  A: number,
  pool: number,
): { k: number; value: number } {
  const pmf = countPmf(pending, n, EXACT_BUDGET * 4);
  let eMin = 0;
  for (let i = 0; i <= n; i++) eMin += i * (pmf[i] as number);
  if (pOn <= 0) return { k: 0, value: A * eMin };
  if ((n + 1) * Math.min(pool, 4 * n / pOn) > 200_000) {
    // Large: Poisson in closed form.
    const mu = pending.reduce((s, [c, p]) => s + c * p, 0);
    const lambda = Math.min(Math.max(mu, lambdaStar(n, perFresh / (A * pOn))), mu + pool * pOn);
    const k = Math.round((lambda - mu) / pOn);
    return { k, value: A * expectedMin(n, mu + k * pOn) - perFresh * k };
  }
  let k = 0;
  let value = A * eMin;
  while (k < pool) {
    const below = 1 - (pmf[n] as number);
    const gain = A * pOn * below - perFresh;
    if (gain <= 1e-12) break;
    value += gain;
    addBernoullis(pmf, 1, pOn);
    k++;
  }
  return { k, value };
}


/**
 * The count of hires seen by the next look (`seen` with `b` fresh invitees) plus a Poisson count
 * (`muZ`) still to come, cut at `cap`: convolved while cheap, one Poisson beyond.
 */
function totalPmf(seen: GrowingCount, b: number, muZ: number, cap: number, scratch: { pZ: Float64Array; pT: Float64Array }): Float64Array {
  const out = scratch.pT;
  if (seen.trialsWith(b) * (cap + 1) > EXACT_BUDGET) return poissonPmf(seen.meanWith(b) + muZ, cap, out);
  const pY = seen.at(b);
  const pZ = poissonPmf(muZ, cap, scratch.pZ);
  let below = 0;
  for (let t = 0; t < cap; t++) {
    let c = 0;
    for (let y = 0; y <= t; y++) c += (pY[y] as number) * (pZ[t - y] as number);
    out[t] = c;
    below += c;
  }
  out[cap] = Math.max(0, 1 - below);
  return out;
}
