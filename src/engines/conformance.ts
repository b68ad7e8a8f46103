import { formatTimestamp, MS_PER_MINUTE } from '../contract/time.ts';
import type { CandidateRecord, Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { stream, type Random } from '../sim/rng.ts';
import type { Engine, EngineDefinition } from './types.ts';

/**
 * The rules every engine must keep (spec/contract.md, spec/engines.md), checked on
 * generated requests in realistic and edge states. Pure: no files, no clock. The test
 * suite runs it over every registered engine, and `pacebench conformance` over any engine
 * a user names, so a new engine gets it for free.
 */
export interface Violation {
  readonly rule: string;
  readonly request: string;
  readonly detail: string;
}

const START = Date.UTC(2021, 0, 4, 9, 0, 0);

function records(random: Random, n: number, hires: number, minutesOut: number): CandidateRecord[] {
  const out: CandidateRecord[] = [];
  for (let i = 0; i < n; i++) {
    const u = random();
    const age = Math.floor(random() * minutesOut);
    if (i < hires) out.push({ notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: Math.min(age, 1 + Math.floor(random() * 30)) });
    else if (u < 0.08) out.push({ notification_status: 'ir_accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: Math.min(age, 1 + Math.floor(random() * 30)) });
    else if (u < 0.2) out.push({ notification_status: 'ir_rejected', candidate_status: 'cancelled', time_to_respond_ir_minutes: Math.min(age, Math.floor(random() * 30)) });
    else out.push({ notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: age });
  }
  // Hires are spread through the list, as they would be.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as CandidateRecord, out[i] as CandidateRecord];
  }
  return out;
}

interface Situation {
  readonly name: string;
  readonly request: Request;
  /** The engine must answer finished. */
  readonly mustFinish: boolean;
}

function situation(
  name: string,
  random: Random,
  o: { elapsed: number; window: number; vacancies: number; remaining: number; invited: number; hires: number },
): Situation {
  const now = START + o.elapsed * MS_PER_MINUTE;
  return {
    name,
    mustFinish: o.elapsed >= o.window || o.hires >= o.vacancies || o.remaining <= 0,
    request: {
      correlation_id: `conformance-${name}_${Math.floor(random() * 20)}`,
      reference_date_time: formatTimestamp(now),
      deadline: formatTimestamp(START + o.window * MS_PER_MINUTE),
      num_vacancies: o.vacancies,
      num_remaining_in_pool: o.remaining,
      impacted_candidates_data: records(random, o.invited, o.hires, Math.max(1, o.elapsed)),
    },
  };
}

/** The requests every engine is checked on; deterministic. */
export function conformanceSituations(): Situation[] {
  const random = stream('conformance');
  const out: Situation[] = [
    situation('first-call', random, { elapsed: 0, window: 8000, vacancies: 9, remaining: 400, invited: 0, hires: 0 }),
    situation('first-call-tiny-pool', random, { elapsed: 0, window: 8000, vacancies: 9, remaining: 1, invited: 0, hires: 0 }),
    situation('one-minute-left', random, { elapsed: 7999, window: 8000, vacancies: 9, remaining: 300, invited: 100, hires: 2 }),
    situation('two-hour-window', random, { elapsed: 30, window: 120, vacancies: 3, remaining: 150, invited: 40, hires: 1 }),
    situation('deadline-reached', random, { elapsed: 8000, window: 8000, vacancies: 9, remaining: 300, invited: 100, hires: 2 }),
    situation('past-deadline', random, { elapsed: 9000, window: 8000, vacancies: 9, remaining: 300, invited: 100, hires: 2 }),
    situation('vacancies-filled', random, { elapsed: 300, window: 8000, vacancies: 3, remaining: 300, invited: 100, hires: 3 }),
    situation('overfilled', random, { elapsed: 300, window: 8000, vacancies: 2, remaining: 300, invited: 100, hires: 4 }),
    situation('pool-empty', random, { elapsed: 300, window: 8000, vacancies: 9, remaining: 0, invited: 400, hires: 5 }),
    situation('last-candidate', random, { elapsed: 300, window: 8000, vacancies: 9, remaining: 1, invited: 399, hires: 5 }),
    situation('one-vacancy-left', random, { elapsed: 2000, window: 8000, vacancies: 9, remaining: 50, invited: 350, hires: 8 }),
    situation('large-pool', random, { elapsed: 600, window: 20000, vacancies: 300, remaining: 7000, invited: 3000, hires: 120 }),
    situation('no-answers-yet', random, { elapsed: 5, window: 8000, vacancies: 9, remaining: 370, invited: 30, hires: 0 }),
  ];
  for (let k = 0; k < 40; k++) {
    const window = 60 + Math.floor(random() * 20000);
    const vacancies = 1 + Math.floor(random() * 20);
    const invited = Math.floor(random() * 500);
    out.push(
      situation(`random-${k}`, random, {
        elapsed: Math.floor(random() * window * 1.1),
        window,
        vacancies,
        remaining: Math.floor(random() * 500),
        invited,
        hires: Math.min(invited, Math.floor(random() * (vacancies + 2))),
      }),
    );
  }
  return out;
}

function make(definition: EngineDefinition, params: Readonly<Record<string, number>>, seed: string): Engine {
  return definition.create({ random: stream('conformance-engine', seed), params });
}

function describe(d: unknown): string {
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}

/** Every violation of the engine contract by `definition` on the conformance situations. */
export function checkConformance(definition: EngineDefinition, params: Readonly<Record<string, number>> = {}): Violation[] {
  const violations: Violation[] = [];
  const situations = conformanceSituations();
  const attempt = (engine: () => Engine, request: Request): unknown => {
    try {
      return engine().decide(request);
    } catch (error) {
      return { threw: error instanceof Error ? error.message : String(error) };
    }
  };
  const decideAll = (engine: Engine): unknown[] => situations.map((s) => attempt(() => engine, s.request));

  // A fresh instance per request, as a stateless service would be, and one instance for all.
  const fresh = situations.map((s, i) => attempt(() => make(definition, params, `fresh-${i}`), s.request));
  const session = decideAll(make(definition, params, 'session'));
  const again = decideAll(make(definition, params, 'session'));

  for (const [label, decisions] of [['fresh instance', fresh], ['one instance', session]] as const) {
    decisions.forEach((raw, i) => {
      const s = situations[i] as Situation;
      const at = `${s.name} (${label})`;
      if (typeof raw === 'object' && raw !== null && 'threw' in raw) {
        violations.push({ rule: 'never throws on a valid request', request: at, detail: String(raw.threw) });
        return;
      }
      const problem = decisionProblem(raw);
      if (problem !== null) {
        violations.push({ rule: 'returns a valid decision', request: at, detail: problem });
        return;
      }
      const d = raw as Decision;
      if (d.num_candidates_needed > s.request.num_remaining_in_pool) {
        violations.push({
          rule: 'never asks for more than the remaining pool',
          request: at,
          detail: `asked for ${d.num_candidates_needed} with ${s.request.num_remaining_in_pool} left`,
        });
      }
      if (s.mustFinish && !d.finished) {
        violations.push({
          rule: 'finishes once the deadline is reached, the vacancies filled or the pool empty',
          request: at,
          detail: `answered ${describe(d)}`,
        });
      }
    });
  }
  session.forEach((d, i) => {
    if (describe(d) !== describe(again[i])) {
      violations.push({
        rule: 'makes the same decisions for the same seed',
        request: (situations[i] as Situation).name,
        detail: `${describe(d)} then ${describe(again[i])}`,
      });
    }
  });
  return violations;
}
