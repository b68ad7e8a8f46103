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
import type { Decision, Request } from '../contract/types.ts';
import { decisionProblem } from '../contract/validate.ts';
import { UserError } from '../errors.ts';
import type { EngineContext } from './types.ts';

import { DEFAULT_REMOTE_TIMEOUT_MS } from './spec.ts';

export { isRemoteSpec, parseRemoteSpec } from './spec.ts';

export const DEFAULT_TIMEOUT_MS = DEFAULT_REMOTE_TIMEOUT_MS;
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
  const where = `POST ${url}`;
  const timedOut = (): Error => new Error(`${where}: timeout after ${timeoutMs} ms without a complete answer`);

  async function call(body: string): Promise<Decision> {
    const deadline = performance.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timedOut();
      const signal = AbortSignal.timeout(Math.max(1, Math.ceil(remaining)));
      let response: Dispatcher.ResponseData;
      try {
        response = await httpRequest(url, {
          dispatcher: dispatcher(),
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
          signal,
        });
      } catch (error) {
        if (signal.aborted || performance.now() >= deadline) throw timedOut();
        const code = codeOf(error);
        if (code !== undefined && CONNECTION_FAILURES.has(code) && attempt < retries) {
          await sleep(Math.min(backoffMs * 2 ** attempt, Math.max(0, deadline - performance.now())));
          continue;
        }
        const tries = attempt === 0 ? '' : ` (${attempt + 1} attempts)`;
        throw new Error(`${where}: ${describeConnection(error)}${tries}`);
      }
      // Answered: whatever follows is the service's answer, never retried.
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        if (signal.aborted || performance.now() >= deadline) throw timedOut();
        throw new Error(`${where}: HTTP ${response.statusCode}, connection lost while reading the answer: ${describeConnection(error)}`);
      }
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw new Error(`${where}: HTTP ${response.statusCode}: ${excerpt(text)}`);
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
        const body = JSON.stringify({ ...request, now: request.reference_date_time });
        return call(body);
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
