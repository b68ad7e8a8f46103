/**
 * An engine behind HTTP, played like any other: `--engines http://127.0.0.1:8000/optim-exp/`
 * or `prod-exp=https://…`. Each call POSTs the contract request (with both `now` and
 * `reference_date_time`, for services of either generation) over pooled keep-alive connections,
 * accepts the original array answer or the decision object, and validates it like any decision.
 *
 * A slow or broken service never hangs a run: every call ends within `timeoutMs`; a connection
 * that fails before any answer (refused, reset) is retried a few times with backoff, an answered
 * request never is; whatever still fails throws an Error that names the reason.
 */
import { Agent, request as httpRequest, type Dispatcher } from 'undici';
import type { CandidateRecord } from '../contract/types.ts';
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { UserError } from '../errors.ts';
import type { EngineContext } from './types.ts';

import { DEFAULT_ENGINE_TIMEOUT_MS } from './call.ts';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_BACKOFF_MS = 50;
export const DEFAULT_CONNECTIONS = 64;

export interface RemoteOptions {
  /** Each call ends within this time, retries and reading the answer included. */
  readonly timeoutMs?: number;
  /** Further attempts after a connection failure before any answer. */
  readonly retries?: number;
  /** Wait before the first retry; doubled for each further one. */
  readonly backoffMs?: number;
  /** Keep-alive connections to the service at most (per worker thread). */
  readonly connections?: number;
  /** Another dispatcher than the engine's own pool (tests, a shared Agent). */
  readonly dispatcher?: Dispatcher;
}

/** An instance of a remote engine: the service keeps any state, keyed by the correlation id. */
export interface RemoteEngine {
  decide(request: Request): Promise<Decision>;
}

/** Shaped like an `EngineDefinition`, except that `decide` answers with a Promise. */
export interface RemoteEngineDefinition {
  readonly name: string;
  readonly description: string;
  readonly url: string;
  readonly params?: undefined;
  create(context?: EngineContext): RemoteEngine;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

/** A report name from a URL: `http://127.0.0.1:8000/optim-exp/` → `127.0.0.1:8000-optim-exp`. */
export function remoteLabel(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_.=+-]+/g, '-');
  return path === '' ? u.host : `${u.host}-${path}`;
}

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET') return e.code;
  // undici's SocketError wraps what the socket saw (ECONNRESET, EPIPE) as its cause.
  const inner = codeOf(e.cause);
  return inner ?? (typeof e.code === 'string' ? e.code : undefined);
}

function describeConnection(error: unknown): string {
  const code = codeOf(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset before an answer';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** The decision in an answer: the original `[finished, n, callback]` array, or the object. */
export function decisionOfAnswer(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length !== 3) return value;
    return { finished: value[0], num_candidates_needed: value[1], callback_time_minutes: value[2] };
  }
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Strings JSON writes as they are, between quotes. */
const PLAIN = /^[\w .:+-]*$/;
const quoted = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));
/** A number as JSON writes it (`null` for NaN and infinities). */
const number = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** `{"notification_status":…,"candidate_status":…,"time_to_respond_ir_minutes":` for each pair of statuses met. */
const recordHeads = new Map<string, Map<string, string>>();
function recordHead(notification: string, candidate: string): string {
  let byCandidate = recordHeads.get(notification);
  if (byCandidate === undefined) recordHeads.set(notification, (byCandidate = new Map()));
  let head = byCandidate.get(candidate);
  if (head === undefined) {
    head = `{"notification_status":${quoted(notification)},"candidate_status":${quoted(candidate)},"time_to_respond_ir_minutes":`;
    // The statuses are a handful of enum values; anything else is not remembered.
    if (byCandidate.size < 16 && recordHeads.size < 16) byCandidate.set(candidate, head);
  }
  return head;
}

/**
 * The request body: the contract request plus `now`, the same JSON as
 * `JSON.stringify({ ...request, now: request.reference_date_time })` gives for a contract
 * request, written field by field. The records are read through their fields, which live
 * records of the simulator compute from its clock: serialised now, they are the call's.
 * (Spreading the request and calling every record's `toJSON` cost about four times as much.)
 */
export function encodeRequest(request: Request): string {
  let out = `{"correlation_id":${quoted(request.correlation_id)},"reference_date_time":${quoted(request.reference_date_time)},"deadline":${quoted(request.deadline)},"num_vacancies":${number(request.num_vacancies)},"num_remaining_in_pool":${number(request.num_remaining_in_pool)},"impacted_candidates_data":[`;
  const records: readonly CandidateRecord[] = request.impacted_candidates_data;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as CandidateRecord;
    out += `${i === 0 ? '' : ','}${recordHead(r.notification_status, r.candidate_status)}${number(r.time_to_respond_ir_minutes)}}`;
  }
  return `${out}],"now":${quoted(request.reference_date_time)}}`;
}

/** How one attempt ended: an answer (status and body), or an error before or while answering. */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly text: string }
  | { readonly kind: 'no-answer'; readonly error: unknown }
  | { readonly kind: 'cut'; readonly status: number; readonly error: unknown }
  | { readonly kind: 'timeout' };

const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * One POST through `dispatcher.dispatch`, the answer gathered as bytes: undici's `request`
 * wraps every answer in a Readable stream and every call in an AbortSignal, which cost more
 * than the call's own work for answers of a few bytes. Settles with the attempt's outcome,
 * never rejects; at `timeoutMs` it settles as a timeout and aborts the request.
 */
function attempt(dispatcher: Dispatcher, origin: string, path: string, body: string, timeoutMs: number): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | null = null;
    let status = 0;
    let chunks: Buffer[] | null = null;
    const settle = (outcome: Attempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timeout' });
      controller?.abort(new Error('timeout'));
    }, timeoutMs);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error('timeout'));
      },
      onResponseStart(_c, statusCode) {
        // 1xx answers are informational: the answer follows.
        if (statusCode >= 200) {
          status = statusCode;
          chunks = [];
        }
      },
      onResponseData(_c, chunk) {
        chunks?.push(chunk);
      },
      onResponseEnd() {
        const parts = chunks ?? [];
        const text = parts.length === 1 ? (parts[0] as Buffer).toString('utf8') : Buffer.concat(parts).toString('utf8');
        settle({ kind: 'answer', status, text });
      },
      onResponseError(_c, error) {
        settle(chunks === null ? { kind: 'no-answer', error } : { kind: 'cut', status, error });
      },
    };
    try {
      dispatcher.dispatch({ origin, path, method: 'POST', headers: HEADERS, body }, handler);
    } catch (error) {
      settle({ kind: 'no-answer', error });
    }
  });
}

/**
 * An engine that asks the service at `url`. `label` names it in reports (default: from the URL).
 */
export function remoteEngine(url: string, label?: string, options: RemoteOptions = {}): RemoteEngineDefinition {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`engine "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UserError(`engine "${url}": only http and https URLs are served`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (!(timeoutMs > 0)) throw new UserError(`--timeout-ms must be > 0, got ${timeoutMs}`);
  let own: Agent | null = null;
  const dispatcher = (): Dispatcher =>
    options.dispatcher ??
    (own ??= new Agent({
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      keepAliveTimeout: 4_000,
      connectTimeout: Math.min(timeoutMs, 10_000),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    }));
  const origin = parsed.origin;
  const path = `${parsed.pathname}${parsed.search}`;
  const where = `POST ${url}`;
  const timedOut = (): Error => new Error(`${where}: timeout after ${timeoutMs} ms without a complete answer`);

  async function call(body: string): Promise<Decision> {
    const deadline = performance.now() + timeoutMs;
    for (let n = 0; ; n++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timedOut();
      const outcome = await attempt(dispatcher(), origin, path, body, Math.max(1, Math.ceil(remaining)));
      if (outcome.kind === 'timeout') throw timedOut();
      if (outcome.kind === 'no-answer') {
        if (performance.now() >= deadline) throw timedOut();
        const code = codeOf(outcome.error);
        if (code !== undefined && CONNECTION_FAILURES.has(code) && n < retries) {
          await sleep(Math.min(backoffMs * 2 ** n, Math.max(0, deadline - performance.now())));
          continue;
        }
        const tries = n === 0 ? '' : ` (${n + 1} attempts)`;
        throw new Error(`${where}: ${describeConnection(outcome.error)}${tries}`);
      }
      // Answered: whatever follows is the service's answer, never retried.
      if (outcome.kind === 'cut') {
        if (performance.now() >= deadline) throw timedOut();
        throw new Error(`${where}: HTTP ${outcome.status}, connection lost while reading the answer: ${describeConnection(outcome.error)}`);
      }
      const text = outcome.text;
      if (outcome.status < 200 || outcome.status > 299) {
        throw new Error(`${where}: HTTP ${outcome.status}: ${excerpt(text)}`);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new Error(`${where}: invalid JSON in the answer: ${excerpt(text)}`);
      }
      const decision = decisionOfAnswer(value);
      const problem = decisionProblem(decision);
      if (problem !== null) throw new Error(`${where}: invalid decision: ${problem}`);
      const d = decision as Decision;
      return { finished: d.finished, num_candidates_needed: d.num_candidates_needed, callback_time_minutes: d.callback_time_minutes };
    }
  }

  return {
    name: label ?? remoteLabel(url),
    description: `the service at ${url}`,
    url,
    create: () => ({
      decide(request: Request): Promise<Decision> {
        // Serialised now: the harness's records are live views of a clock that moves on.
        return call(encodeRequest(request));
      },
    }),
    async close() {
      const agent = own;
      own = null;
      if (agent !== null) await agent.close();
    },
  };
}

/**
 * Before a run: the service at `url` answers HTTP at all (any status). A clear UserError
 * (exit 2) otherwise, so that a run against a service that is down writes nothing.
 */
export async function checkReachable(url: string, options: { timeoutMs?: number; dispatcher?: Dispatcher } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const agent = options.dispatcher ?? new Agent({ connections: 1, connectTimeout: timeoutMs });
  try {
    const response = await httpRequest(url, { dispatcher: agent, method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump();
  } catch (error) {
    const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${timeoutMs} ms` : describeConnection(error);
    throw new UserError(`engine service ${url} cannot be reached: ${reason}`);
  } finally {
    if (options.dispatcher === undefined) await agent.close();
  }
}
