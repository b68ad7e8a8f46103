/**
 * The request trace (docs/trace-format.md): JSON Lines, one object per engine call, written
 * by `backtest --trace` and by a service that logs what it was asked, read by `pacebench fit`.
 *
 *   {"engine":"exp","replicate":1,"request":{...},"decision":{...}}
 *
 * `request` is the contract request exactly as the engine received it, with plain candidate
 * records. `replicate` is absent in a service's log; `decision` may be absent (a log of
 * requests only) and is `null` for a faulted call, which may say why in `fault`.
 */
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem, parseRequest, type FieldProblem } from '../contract/validate.ts';

export interface TraceLine {
  readonly engine: string;
  /** 1-based replicate of a backtest; absent in a service's log. */
  readonly replicate?: number | undefined;
  readonly request: Request;
  /** `undefined`: the log does not say; `null`: the call faulted. */
  readonly decision?: Decision | null | undefined;
  readonly fault?: string | undefined;
}

const LINE_FIELDS = new Set(['engine', 'replicate', 'request', 'decision', 'fault']);

/**
 * One trace line, without its newline. Keys come in a fixed order so that the same run
 * gives the same bytes. Candidate records are serialised through their `toJSON`, so live
 * records of the simulator (views of a clock) become the plain records the engine saw;
 * encode while the call is current.
 */
export function encodeTraceLine(line: TraceLine): string {
  const r = line.request;
  const request = {
    correlation_id: r.correlation_id,
    reference_date_time: r.reference_date_time,
    deadline: r.deadline,
    num_vacancies: r.num_vacancies,
    num_remaining_in_pool: r.num_remaining_in_pool,
    impacted_candidates_data: r.impacted_candidates_data,
  };
  const out: Record<string, unknown> = { engine: line.engine };
  if (line.replicate !== undefined) out.replicate = line.replicate;
  out.request = request;
  if (line.decision !== undefined) {
    const d = line.decision;
    out.decision =
      d === null
        ? null
        : { finished: d.finished, num_candidates_needed: d.num_candidates_needed, callback_time_minutes: d.callback_time_minutes };
  }
  if (line.fault !== undefined) out.fault = line.fault;
  return JSON.stringify(out);
}

export type ParsedTraceLine =
  | { readonly ok: true; readonly line: TraceLine }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Checks one line of a trace. Every problem is collected, each with the dotted path of its
 * field (`request.impacted_candidates_data[3].candidate_status`); the request is checked by
 * the contract's own `parseRequest`.
 */
export function parseTraceLine(text: string): ParsedTraceLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ field: '(line)', message: `is not JSON: ${reason}` }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [{ field: '(line)', message: 'expected a JSON object {engine, request, ...}' }] };
  }
  const o = value as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(o)) {
    if (!LINE_FIELDS.has(key)) problems.push({ field: key, message: 'is not a field of a trace line (engine, replicate, request, decision, fault)' });
  }
  if (typeof o.engine !== 'string' || o.engine === '') {
    problems.push({ field: 'engine', message: `expected the engine's name, got ${short(o.engine)}` });
  }
  const replicate = o.replicate;
  if (replicate !== undefined && (typeof replicate !== 'number' || !Number.isInteger(replicate) || replicate < 1)) {
    problems.push({ field: 'replicate', message: `expected an integer >= 1, got ${short(replicate)}` });
  }
  let request: Request | null = null;
  if (o.request === undefined) {
    problems.push({ field: 'request', message: 'is missing' });
  } else {
    const parsed = parseRequest(o.request);
    if (parsed.ok) request = parsed.request;
    else for (const p of parsed.problems) problems.push({ field: `request.${p.field}`, message: p.message });
  }
  const decision = o.decision;
  if (decision !== undefined && decision !== null) {
    const problem = decisionProblem(decision);
    if (problem !== null) problems.push({ field: 'decision', message: problem });
  }
  if (o.fault !== undefined && typeof o.fault !== 'string') {
    problems.push({ field: 'fault', message: `expected a string, got ${short(o.fault)}` });
  }
  if (problems.length > 0 || request === null) return { ok: false, problems };
  return {
    ok: true,
    line: {
      engine: o.engine as string,
      replicate: replicate as number | undefined,
      request,
      decision: decision as Decision | null | undefined,
      fault: o.fault as string | undefined,
    },
  };
}

function short(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The case id of a correlation id `{case id}_{call number}`; case ids may hold `_` themselves. */
export function splitCorrelationId(id: string): { caseId: string; call: number } | null {
  const m = /^(.+)_(\d+)$/.exec(id);
  if (m === null) return null;
  return { caseId: m[1] as string, call: Number(m[2]) };
}
