import type { Case, Scenario, Segment } from '../../scenario/types.ts';

/** What a hire is worth and what invitations and overbookings cost (the shape of `Money`). */
export interface TruthMoney {
  readonly valuePerHire: number;
  readonly costPerInvite: number;
  readonly costPerOverbooking: number;
}

/**
 * What the `informed` reference engine is told as a case begins: the true behaviour of the
 * case's candidates as a law, never the draws, and the money. A trace-replay case is given
 * as its empirical law: one fixed-delay segment per distinct recorded (outcome, offer, delay),
 * weighted by its count, in a canonical order, so which candidate is which is not told.
 */
export interface CaseTruth {
  readonly segments: readonly Segment[];
  readonly money: TruthMoney;
}

/** The truth of one case of a scenario. */
export function caseTruth(scenario: Scenario, c: Case, money: TruthMoney): CaseTruth {
  if (c.trace !== null) return { segments: empiricalSegments(c), money };
  const behaviour = c.behaviour === null ? undefined : scenario.behaviours[c.behaviour];
  if (behaviour === undefined) throw new Error(`case ${c.id}: behaviour ${String(c.behaviour)} is not defined`);
  return { segments: behaviour.segments, money };
}

function empiricalSegments(c: Case): Segment[] {
  const trace = c.trace ?? [];
  const counts = new Map<string, { kind: number; delay: number; n: number }>();
  for (const t of trace) {
    // 0: never answers, 1: answers without becoming a hire, 2: a hire.
    const kind = t.outcome === 'no_response' ? 0 : t.outcome === 'accepted' && t.offerAccepted ? 2 : 1;
    const delay = kind === 0 ? 0 : t.delayMinutes;
    const key = `${kind}:${delay}`;
    const atom = counts.get(key);
    if (atom === undefined) counts.set(key, { kind, delay, n: 1 });
    else atom.n++;
  }
  const atoms = [...counts.values()].sort((a, b) => a.kind - b.kind || a.delay - b.delay);
  const n = trace.length;
  return atoms.map((a, i) => ({
    id: `atom${i}`,
    weight: a.n / n,
    pAccept: a.kind === 2 ? 1 : 0,
    pReject: a.kind === 1 ? 1 : 0,
    pOfferAccept: 1,
    delay: { kind: 'fixed', minutes: a.delay },
  }));
}
