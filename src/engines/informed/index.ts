import { FINISHED, type CandidateRecord, type Decision, type Request } from '../../contract/types.ts';
import { RequestClock, isOver, minutesBetween } from '../common.ts';
import { defineEngine, type EngineContext, type SyncEngine } from '../types.ts';
import { Law } from './law.ts';
import { plan, type PendingGroup, type Plan, type PlanState } from './plan.ts';
import type { Segment } from '../../scenario/types.ts';
import type { CaseTruth } from './truth.ts';

/** What the engine reads from a request: hires so far and the pending invitations by age. */
export function readList(list: readonly CandidateRecord[]): { hires: number; pending: PendingGroup[] } {
  let hires = 0;
  const byAge = new Map<number, number>();
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as CandidateRecord;
    if (r.candidate_status === 'offer_accepted') hires++;
    // Pending, or yes to the invitation with the offer still open: both may yet become a hire.
    else if (r.notification_status === 'ir_pending' || (r.notification_status === 'ir_accepted' && r.candidate_status === 'not_in_ft')) {
      const e = r.time_to_respond_ir_minutes;
      byAge.set(e, (byAge.get(e) ?? 0) + 1);
    }
  }
  const pending = [...byAge.entries()].sort((a, b) => a[0] - b[0]).map(([elapsed, count]) => ({ elapsed, count }));
  return { hires, pending };
}

export interface InformedEngine extends SyncEngine {}

/** One law per behaviour: the cases that share a behaviour share its segments, law and decisions. */
const laws = new WeakMap<readonly Segment[], { law: Law; decisions: Map<string, Plan> }>();
/** Decisions remembered per law; cleared past this, so memory stays bounded. */
const MEMO_LIMIT = 4096;

/** `plan`, remembered on (law, money, state): a pure function of them, so the memo changes no decision. */
function planMemo(truth: CaseTruth, state: PlanState): Plan {
  let known = laws.get(truth.segments);
  if (known === undefined) {
    known = { law: new Law(truth.segments), decisions: new Map() };
    laws.set(truth.segments, known);
  }
  const m = truth.money;
  const key = `${m.valuePerHire}:${m.costPerInvite}:${m.costPerOverbooking}:${state.need}:${state.remaining}:${state.pool}:${state.pending.map((g) => `${g.elapsed}x${g.count}`).join(',')}`;
  const hit = known.decisions.get(key);
  if (hit !== undefined) return hit;
  const decided = plan(state, known.law, m);
  if (known.decisions.size >= MEMO_LIMIT) known.decisions.clear();
  known.decisions.set(key, decided);
  return decided;
}

/**
 * `informed`: the reference that knows each case's true behaviour and the money, never the
 * draws, and plans to the deadline on it (docs/informed.md). A yardstick for how much of an
 * engine's regret a causal policy could recover; run only where the harness gives it the truth.
 */
export const informed = defineEngine({
  name: 'informed',
  description: 'reference: knows each case\'s true behaviour (not the draws) and plans invitations to the deadline on it',
  needsTruth: true,
  create(context: EngineContext): InformedEngine {
    const clock = new RequestClock();
    return {
      decide(request: Request): Decision {
        const truth = context.truth?.() ?? null;
        if (truth === null) throw new Error('informed needs the case\'s true behaviour, which only a backtest gives');
        const { now, deadline } = clock.read(request);
        const { hires, pending } = readList(request.impacted_candidates_data);
        if (isOver(request, now, deadline, hires)) return FINISHED;
        const p = planMemo(truth, { need: request.num_vacancies - hires, remaining: minutesBetween(now, deadline), pool: request.num_remaining_in_pool, pending });
        return { finished: false, num_candidates_needed: p.invite, callback_time_minutes: p.callback };
      },
    };
  },
});
