/**
 * Inputs for the benchmarks: requests in the states engines meet in a backtest, built
 * with the simulator's own latent draws so the mix of answers and ages is realistic.
 */
import { formatTimestamp, MS_PER_MINUTE } from '../src/contract/time.ts';
import type { CandidateRecord, Request } from '../src/contract/types.ts';
import type { Case, Scenario } from '../src/scenario/types.ts';
import { drawLatentPool, ACCEPT } from '../src/world/latent.ts';
import { LiveCandidateRecord, SimClock } from '../src/sim/records.ts';

const START = Date.UTC(2021, 0, 4, 9, 0, 0);

/** A cold_start behaviour (spec/scenarios.md) and one case with `poolSize` candidates. */
export function benchScenario(poolSize: number, vacancies: number, windowMinutes: number): Scenario {
  const c: Case = {
    id: `bench${poolSize}`,
    poolSize,
    numVacancies: vacancies,
    start: START,
    deadline: START + windowMinutes * MS_PER_MINUTE,
    behaviour: 'default',
    trace: null,
  };
  return {
    name: 'bench',
    source: 'bench',
    description: 'benchmark fixture',
    cases: [c],
    behaviours: {
      default: {
        id: 'default',
        segments: [
          { id: 'all', weight: 1, pAccept: 0.1, pReject: 0.1, pOfferAccept: 0.6, delay: { kind: 'weibull', shape: 2.4, scale: 10.5 } },
        ],
      },
    },
  };
}

/**
 * The request at the moment `invited` candidates have gone out in ten batches, 20 minutes
 * apart, the last one 5 minutes ago: most early invitees have answered, the last batch is
 * pending. Vacancies are set so that the opening is not yet filled. Plain records, as a
 * service would receive them.
 */
export function benchRequest(invited: number): Request {
  const remaining = Math.max(100, invited);
  const scenario = benchScenario(invited + remaining, 1, 100_000);
  const c = scenario.cases[0] as Case;
  const pool = drawLatentPool(scenario, c, 1, 1);
  const clock = new SimClock();
  const records: CandidateRecord[] = [];
  const batch = Math.ceil(invited / 10);
  let hires = 0;
  const live: LiveCandidateRecord[] = [];
  for (let i = 0; i < invited; i++) {
    const at = Math.floor(i / batch) * 20;
    live.push(new LiveCandidateRecord(clock, at, pool.delay[i] as number, pool.outcome[i] === ACCEPT, pool.offerAccepted[i] === 1));
  }
  clock.t = Math.floor((invited - 1) / batch) * 20 + 5;
  for (const r of live) {
    const plain = r.toJSON();
    if (plain.candidate_status === 'offer_accepted') hires++;
    records.push(plain);
  }
  return {
    correlation_id: `bench${invited}_10`,
    reference_date_time: formatTimestamp(START + clock.t * MS_PER_MINUTE),
    deadline: formatTimestamp(START + 20_000 * MS_PER_MINUTE),
    num_vacancies: hires + Math.max(3, Math.ceil(invited * 0.02)),
    num_remaining_in_pool: remaining,
    impacted_candidates_data: records,
  };
}
