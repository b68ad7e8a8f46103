import { formatTimestamp, MS_PER_MINUTE } from '../contract/time.ts';
import type { CandidateRecord, Request } from '../contract/types.ts';
import { checkDecision, createInstance, DecisionTimeout, decideWithin, DEFAULT_ENGINE_TIMEOUT_MS, faultOfThrow } from '../engines/call.ts';
import type { Engine, EngineDefinition } from '../engines/types.ts';
import { LiveCandidateRecord, SimClock } from '../sim/records.ts';
import { stream, type Random } from '../stats/rng.ts';

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

/**
 * The list as a backtest gives it: live records of the harness (read-only fields computed
 * from a clock), so an engine that writes to them fails here as it would in a backtest.
 */
function records(random: Random, n: number, hires: number, minutesOut: number): LiveCandidateRecord[] {
  const clock = new SimClock();
  clock.t = minutesOut;
  const out: LiveCandidateRecord[] = [];
  // Each record: invited `age` minutes ago; answered after `delay` minutes (Infinity: not yet).
  const live = (age: number, delay: number, accepted: boolean, offerAccepted: boolean): LiveCandidateRecord =>
    new LiveCandidateRecord(clock, minutesOut - age, delay, accepted, offerAccepted);
  for (let i = 0; i < n; i++) {
    const u = random();
    const age = Math.floor(random() * minutesOut);
    if (i < hires) out.push(live(age, Math.min(age, 1 + Math.floor(random() * 30)), true, true));
    else if (u < 0.08) out.push(live(age, Math.min(age, 1 + Math.floor(random() * 30)), true, false));
    else if (u < 0.2) out.push(live(age, Math.min(age, Math.floor(random() * 30)), false, false));
    else out.push(live(age, Number.POSITIVE_INFINITY, false, false));
  }
  // Hires are spread through the list, as they would be.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as LiveCandidateRecord, out[i] as LiveCandidateRecord];
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
  return createInstance({ definition, params }, stream('conformance-engine', seed));
}

function describe(d: unknown): string {
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}

/** Where a conformance check is: the watchdog of a guarded thread reads it on a hang. */
export interface ConformanceProbe {
  begin(situation: number, label: string): void;
  end(): void;
}

export interface ConformanceOptions {
  /** Limit on an asynchronous decision (default `DEFAULT_ENGINE_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  readonly probe?: ConformanceProbe;
}

export interface ConformanceResult {
  readonly violations: Violation[];
  /** Not a breach of the contract, but worth knowing: the harness counts them too. */
  readonly warnings: Violation[];
}

/** The request field an engine changed, as a backtest's case loop checks it. */
function changedField(given: Request, made: Request): string | null {
  for (const key of ['correlation_id', 'reference_date_time', 'deadline', 'num_vacancies', 'num_remaining_in_pool'] as const) {
    if (given[key] !== made[key]) return key;
  }
  return null;
}

type Attempt = { readonly decision: unknown } | { readonly threw: string } | { readonly mutated: string };

/** Rules an engine breaks; over-asking is a warning, as a backtest counts it. */
export const RULES = {
  throws: 'never throws on a valid request',
  valid: 'returns a valid decision',
  readOnly: 'leaves its request as it found it',
  finishes: 'finishes once the deadline is reached, the vacancies filled or the pool empty',
  deterministic: 'makes the same decisions for the same seed',
  timely: 'answers within the time limit',
  overAsk: 'asks for no more than the remaining pool (a backtest invites what remains and counts a warning)',
} as const;

/**
 * Every violation of the engine contract by `definition` on the conformance situations.
 * Asynchronous engines are awaited, each decision within `timeoutMs`.
 */
export async function checkConformance(
  definition: EngineDefinition,
  params: Readonly<Record<string, number>> = {},
  options: ConformanceOptions = {},
): Promise<ConformanceResult> {
  const violations: Violation[] = [];
  const warnings: Violation[] = [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const probe = options.probe;
  // An engine that let one decision run out of time is treated as hanging, as a synchronous
  // hang is: waiting out the limit on each of the other checks would take minutes.
  const stop: { hung: Violation | null } = { hung: null };
  const attempt = async (engine: () => Engine, s: Situation, index: number, label: string): Promise<Attempt> => {
    if (stop.hung !== null) throw stop;
    const list = s.request.impacted_candidates_data as CandidateRecord[];
    const before = [...list];
    const request = { ...s.request, impacted_candidates_data: list };
    try {
      probe?.begin(index, label);
      const answer = decideWithin(engine(), request, timeoutMs);
      probe?.end();
      const decision = answer instanceof Promise ? await answer : answer;
      const after = list.length;
      const changed = after !== before.length || before.some((r, i) => list[i] !== r);
      const field = changedField(request, s.request);
      // Put the list back for the next check whatever the engine did to it.
      list.length = 0;
      list.push(...before);
      if (field !== null) return { mutated: `it changed ${field}` };
      if (changed) return { mutated: `impacted_candidates_data was changed (length ${before.length} → ${after}, or its order)` };
      return { decision };
    } catch (error) {
      probe?.end();
      list.length = 0;
      list.push(...before);
      const fault = faultOfThrow(s.request.correlation_id, error);
      if (fault.startsWith('modified its request')) return { mutated: fault };
      if (error instanceof DecisionTimeout) {
        stop.hung = { rule: RULES.timely, request: `${s.name} (${label})`, detail: `${error.message}; the checks after it did not run` };
        throw stop;
      }
      return { threw: error instanceof Error ? error.message : String(error) };
    }
  };
  const decideAll = async (engine: Engine, label: string): Promise<Attempt[]> => {
    const out: Attempt[] = [];
    for (const [i, s] of allSituations().entries()) out.push(await attempt(() => engine, s, i, label));
    return out;
  };

  // A fresh instance per request, as a stateless service would be, and one instance for all.
  const fresh: Attempt[] = [];
  let session: Attempt[];
  let again: Attempt[];
  try {
    for (const [i, s] of allSituations().entries()) fresh.push(await attempt(() => make(definition, params, `fresh-${i}`), s, i, 'fresh instance'));
    session = await decideAll(make(definition, params, 'session'), 'one instance');
    again = await decideAll(make(definition, params, 'session'), 'one instance, again');
  } catch (error) {
    if (error === stop && stop.hung !== null) return { violations: [stop.hung], warnings: [] };
    throw error;
  }

  for (const [label, attempts] of [['fresh instance', fresh], ['one instance', session]] as const) {
    attempts.forEach((a, i) => {
      const s = allSituations()[i] as Situation;
      const at = `${s.name} (${label})`;
      if ('threw' in a) {
        violations.push({ rule: RULES.throws, request: at, detail: a.threw });
        return;
      }
      if ('mutated' in a) {
        violations.push({ rule: RULES.readOnly, request: at, detail: a.mutated });
        return;
      }
      const raw = a.decision;
      const checked = checkDecision(raw);
      if ('problem' in checked) {
        violations.push({ rule: RULES.valid, request: at, detail: checked.problem });
        return;
      }
      const d = checked.decision;
      if (!d.finished && d.num_candidates_needed > s.request.num_remaining_in_pool) {
        warnings.push({
          rule: RULES.overAsk,
          request: at,
          detail: `asked for ${d.num_candidates_needed} with ${s.request.num_remaining_in_pool} left`,
        });
      }
      if (s.mustFinish && !d.finished) {
        violations.push({ rule: RULES.finishes, request: at, detail: `answered ${describe(raw)}` });
      }
    });
  }
  const shown = (a: Attempt | undefined): string => (a === undefined ? '' : 'decision' in a ? describe(a.decision) : describe(a));
  session.forEach((a, i) => {
    if (shown(a) !== shown(again[i])) {
      violations.push({ rule: RULES.deterministic, request: (allSituations()[i] as Situation).name, detail: `${shown(a)} then ${shown(again[i])}` });
    }
  });
  return { violations, warnings };
}

/** Built on first use: some 6 000 records, which no other command should pay for at start-up. */
let built: Situation[] | null = null;
function allSituations(): Situation[] {
  built ??= conformanceSituations();
  return built;
}
