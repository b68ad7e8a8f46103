import { FINISHED, type CandidateRecord, type Decision, type Request } from '../../contract/types.ts';
import { RequestClock, isOver, minutesBetween } from '../common.ts';
import { defineEngine, type EngineContext, type SyncEngine } from '../types.ts';
import { Law } from './law.ts';
import { plan, type PendingGroup } from './plan.ts';
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
    let lastTruth: CaseTruth | null = null;
    let law: Law | null = null;
    return {
      decide(request: Request): Decision {
        const truth = context.truth?.() ?? null;
        if (truth === null) throw new Error('informed needs the case\'s true behaviour, which only a backtest gives');
        if (truth !== lastTruth) {
          lastTruth = truth;
          law = new Law(truth.segments);
        }
        const { now, deadline } = clock.read(request);
        const { hires, pending } = readList(request.impacted_candidates_data);
        if (isOver(request, now, deadline, hires)) return FINISHED;
        const p = plan(
          { need: request.num_vacancies - hires, remaining: minutesBetween(now, deadline), pool: request.num_remaining_in_pool, pending },
          law as Law,
          truth.money,
        );
        return { finished: false, num_candidates_needed: p.invite, callback_time_minutes: p.callback };
      },
    };
  },
});
