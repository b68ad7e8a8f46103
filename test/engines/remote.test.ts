import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from '../../src/contract/types.ts';
import { resolveEngines } from '../../src/engines/load.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { checkReachable, remoteEngine, remoteLabel, type RemoteEngineDefinition } from '../../src/engines/remote.ts';
import { parseEngineList, parseEngineSpec } from '../../src/engines/spec.ts';
import { UserError } from '../../src/errors.ts';
import { buildApp } from '../../src/serve/app.ts';
import { backtest, type BacktestOptions } from '../../src/commands/backtest.ts';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { memoryIo } from '../helpers.ts';

const REQUEST: Request = {
  correlation_id: 'Case1_4',
  reference_date_time: '2021-01-02 03:12:27',
  deadline: '2021-01-05 09:00:00',
  num_vacancies: 8,
  num_remaining_in_pool: 98,
  impacted_candidates_data: [{ notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 30 }],
};

const ANSWER = [false, 3, 45];

/** A service with a fault per path; `/flaky` resets its first two connections, then answers. */
let faults: Server;
let base = '';
let downUrl = '';
const received: unknown[] = [];
let flaky = 0;
let resets = 0;

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeAll(async () => {
  faults = createServer((req, res) => {
    void bodyOf(req).then((text) => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      switch (req.url) {
        case '/array':
          if (req.method === 'POST') received.push(JSON.parse(text));
          return json(200, ANSWER);
        case '/object':
          return json(200, { finished: false, num_candidates_needed: 3, callback_time_minutes: 45, note: 'extra fields are ignored' });
        case '/slow':
          return void setTimeout(() => json(200, ANSWER), 300);
        case '/500':
          return json(500, { detail: 'engine exp failed: division by zero' });
        case '/garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('<html>proxy error</html>');
        case '/invalid':
          return json(200, [false, -1, 45]);
        case '/reset':
          resets++;
          return void req.socket.destroy();
        case '/flaky':
          if (flaky++ < 2) return void req.socket.destroy();
          return json(200, ANSWER);
        case '/hang':
          return; // never answers
        case '/half':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('[false,');
          return void setTimeout(() => req.socket.destroy(), 20);
        default:
          return json(404, { detail: 'Not Found' });
      }
    });
  });
  await new Promise<void>((resolve) => faults.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(faults.address() as AddressInfo).port}`;
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/optim-exp/`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  faults.closeAllConnections();
  await new Promise<void>((resolve) => faults.close(() => resolve()));
});

async function outcome(engine: RemoteEngineDefinition, timeoutMs: number): Promise<{ result: unknown; error: string | null; ms: number }> {
  const started = performance.now();
  try {
    const result = await engine.create().decide(REQUEST);
    return { result, error: null, ms: performance.now() - started };
  } catch (error) {
    return { result: null, error: error instanceof Error ? error.message : String(error), ms: performance.now() - started };
  } finally {
    expect(performance.now() - started).toBeLessThan(timeoutMs + 500);
  }
}

describe('remote engines against a fault-injecting service', () => {
  it('POSTs the request with both time names and the correlation id, and reads the array answer', async () => {
    const engine = remoteEngine(`${base}/array`, 'svc', { timeoutMs: 2000 });
    const { result } = await outcome(engine, 2000);
    expect(result).toEqual({ finished: false, num_candidates_needed: 3, callback_time_minutes: 45 });
    expect(received.at(-1)).toEqual({ ...REQUEST, now: REQUEST.reference_date_time });
    await engine.close();
  });

  it('reads the object answer too', async () => {
    const engine = remoteEngine(`${base}/object`, undefined, { timeoutMs: 2000 });
    expect((await outcome(engine, 2000)).result).toEqual({ finished: false, num_candidates_needed: 3, callback_time_minutes: 45 });
    await engine.close();
  });

  const MATRIX: readonly (readonly [string, string, number, RegExp])[] = [
    ['slow beyond the timeout', '/slow', 100, /timeout after 100 ms/],
    ['HTTP 500', '/500', 2000, /HTTP 500: \{"detail":"engine exp failed: division by zero"\}/],
    ['garbage', '/garbage', 2000, /invalid JSON in the answer: <html>proxy error<\/html>/],
    ['an invalid decision', '/invalid', 2000, /invalid decision: num_candidates_needed must be an integer >= 0, got -1/],
    ['a reset before any answer', '/reset', 2000, /connection reset before an answer \(4 attempts\)/],
    ['a hang', '/hang', 300, /timeout after 300 ms/],
    ['an answer cut short', '/half', 2000, /HTTP 200, connection lost while reading the answer/],
    ['a 404', '/nowhere', 2000, /HTTP 404: \{"detail":"Not Found"\}/],
  ];

  it.each(MATRIX)('names the fault: %s', async (_name, path, timeoutMs, reason) => {
    const engine = remoteEngine(`${base}${path}`, 'svc', { timeoutMs, backoffMs: 10 });
    const { error, ms } = await outcome(engine, timeoutMs);
    expect(error).toMatch(reason);
    expect(error).toContain(`POST ${base}${path}`);
    expect(ms).toBeLessThan(timeoutMs + 500);
    await engine.close();
  });

  it('names a service that is down: connection refused, after retries', async () => {
    const engine = remoteEngine(downUrl, 'svc', { timeoutMs: 2000, backoffMs: 10 });
    const { error } = await outcome(engine, 2000);
    expect(error).toMatch(/connection refused \(4 attempts\)/);
    await engine.close();
  });

  it('answers within the timeout when the service is slow but not too slow', async () => {
    const engine = remoteEngine(`${base}/slow`, 'svc', { timeoutMs: 2000 });
    expect((await outcome(engine, 2000)).result).toEqual({ finished: false, num_candidates_needed: 3, callback_time_minutes: 45 });
    await engine.close();
  });

  it('retries connection failures before an answer, never an answered request', async () => {
    flaky = 0;
    const engine = remoteEngine(`${base}/flaky`, 'svc', { timeoutMs: 2000, backoffMs: 10 });
    expect((await outcome(engine, 2000)).result).toEqual({ finished: false, num_candidates_needed: 3, callback_time_minutes: 45 });
    expect(flaky).toBe(3);
    resets = 0;
    const once = remoteEngine(`${base}/reset`, 'svc', { timeoutMs: 2000, retries: 0 });
    expect((await outcome(once, 2000)).error).toMatch(/connection reset before an answer$/);
    expect(resets).toBe(1);
    await engine.close();
    await once.close();
  });

  it('checks that a service can be reached before a run: a UserError (exit 2) when not', async () => {
    await expect(checkReachable(`${base}/array`, { timeoutMs: 2000 })).resolves.toBeUndefined();
    const refused = checkReachable(downUrl, { timeoutMs: 2000 });
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(checkReachable(downUrl, { timeoutMs: 2000 })).rejects.toThrow(/cannot be reached: connection refused/);
    await expect(checkReachable(`${base}/hang`, { timeoutMs: 200 })).rejects.toThrow(/no answer within 200 ms/);
  });
});

describe('remote engine specs', () => {
  it('reads a URL whole, with an optional label, despite the `:` of parameters', () => {
    expect(parseEngineSpec('http://127.0.0.1:8000/optim-exp/')).toEqual({ text: 'http://127.0.0.1:8000/optim-exp/', ref: 'http://127.0.0.1:8000/optim-exp/', params: [], label: undefined });
    expect(parseEngineSpec('prod-exp=https://pacing.example:8443/optim-exp/')).toMatchObject({ ref: 'https://pacing.example:8443/optim-exp/', label: 'prod-exp', params: [] });
    expect(parseEngineList(['exp,prod=http://h:1/a', 'nbinomial:mean=0.05']).map((s) => s.ref)).toEqual(['exp', 'http://h:1/a', 'nbinomial']);
    expect(remoteLabel('http://127.0.0.1:8000/optim-exp/')).toBe('127.0.0.1:8000-optim-exp');
    expect(remoteLabel('https://pacing.example/')).toBe('pacing.example');
  });

  it('are resolved with registered engines; a registered name as label is refused only beside that engine', async () => {
    const engines = await resolveEngines(parseEngineList(['exp', 'prod-exp=http://127.0.0.1:8000/optim-exp/', 'http://127.0.0.1:8000/engines/exp/decide']));
    expect(engines.map((e) => e.label)).toEqual(['exp', 'prod-exp', '127.0.0.1:8000-engines-exp-decide']);
    // A served exp labelled exp gives the very report of the in-process one; both at once would be two rows of one name.
    expect((await resolveEngines(parseEngineList(['exp=http://127.0.0.1:8000/optim-exp/'])))[0]?.label).toBe('exp');
    await expect(resolveEngines(parseEngineList(['exp', 'exp=http://127.0.0.1:8000/optim-exp/']))).rejects.toThrow(/listed twice/);
  });
});

describe('a served engine played remotely', () => {
  let app: FastifyInstance;
  let url = '';
  beforeAll(async () => {
    app = await buildApp({ engines: await resolveEngines(parseEngineList([...ENGINE_NAMES])), seed: 3, logLevel: 'silent' });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => app.close());

  it('answers what the engine in process answers, on the original path and the named one', async () => {
    const [local] = await resolveEngines(parseEngineList(['nbinomial']));
    const expected = local!.definition.create({ random: () => 0.5, params: local!.params }).decide(REQUEST);
    for (const path of ['/optim-nbinomial/', '/engines/nbinomial/decide']) {
      const engine = remoteEngine(`${url}${path}`, 'served', { timeoutMs: 5000 });
      expect(await engine.create().decide(REQUEST)).toEqual(expected);
      await engine.close();
    }
  });

  it('is served again by another pacebench serve, as a proxy that checks every answer', async () => {
    const engines = await resolveEngines(parseEngineList([`upstream=${url}/optim-exp/`]), undefined, { timeoutMs: 5000 });
    const proxy = await buildApp({ engines, seed: 1, logLevel: 'silent' });
    try {
      const direct = await app.inject({ method: 'POST', url: '/engines/exp/decide', payload: REQUEST as unknown as Record<string, unknown> });
      const proxied = await proxy.inject({ method: 'POST', url: '/engines/upstream/decide', payload: REQUEST as unknown as Record<string, unknown> });
      expect(proxied.statusCode).toBe(200);
      expect(proxied.json()).toEqual(direct.json());
    } finally {
      await proxy.close();
      for (const e of engines) await (e.definition as unknown as RemoteEngineDefinition).close();
    }
  });
});

describe('backtests of served engines', () => {
  let app: FastifyInstance;
  let url = '';
  const seed = 4;
  beforeAll(async () => {
    app = await buildApp({ engines: await resolveEngines(parseEngineList([...ENGINE_NAMES])), seed, logLevel: 'silent' });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => app.close());

  const TINY = path.join(import.meta.dirname, '..', 'fixtures', 'tiny');
  const run = async (engines: string[], o: Partial<BacktestOptions> = {}) => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-remote-'));
    await backtest(
      { scenario: TINY, engines, seed, replicates: 1, workers: 1, out, format: 'md', carryState: false, maxCalls: 100_000, money: DEFAULT_MONEY, bootstrap: 200, print: false, ...o },
      memoryIo(),
    );
    return readFileSync(path.join(out, 'cases.csv'), 'utf8');
  };

  it('give the cases.csv of the engines in process, byte for byte, stoch-constraint included (same seed, one replicate)', async () => {
    const local = await run(['exp', 'nbinomial', 'stoch-constraint']);
    const served = await run([`exp=${url}/optim-exp/`, `nbinomial=${url}/engines/nbinomial/decide`, `stoch-constraint=${url}/optim-stoch-constraint/`]);
    expect(served).toBe(local);
  });

  it('are deterministic whatever --workers and --concurrency', async () => {
    const engines = [`exp=${url}/optim-exp/`, `nbinomial=${url}/engines/nbinomial/decide`];
    const one = await run(engines, { workers: 1, concurrency: 1, replicates: 2 });
    expect(await run(engines, { workers: 2, concurrency: 8, replicates: 2, helpersAtOnce: true })).toBe(one);
  });

  it('warn when every case of an engine ended in a fault (a wrong path), and still write the report', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pacebench-remote-'));
    const io = memoryIo();
    await backtest(
      { scenario: TINY, engines: ['exp', `wrong=${url}/nothing/`], seed, replicates: 1, workers: 1, out, format: 'md', carryState: false, maxCalls: 100_000, money: DEFAULT_MONEY, bootstrap: 200, print: false },
      io,
    );
    expect(io.err).toMatch(/warning: every case of wrong \(\d+\) ended in a fault, its figures measure nothing; the first: .*POST \S+\/nothing\/: HTTP 404/);
    expect(io.err).not.toMatch(/every case of exp/);
    expect(existsSync(path.join(out, 'cases.csv'))).toBe(true);
  });

  it('refuse a service that cannot be reached before the run, and write nothing', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'pacebench-remote-')), 'report');
    await expect(
      backtest(
        { scenario: TINY, engines: ['exp', 'http://127.0.0.1:9/decide'], seed, replicates: 1, workers: 1, out, format: 'md', carryState: false, maxCalls: 100_000, money: DEFAULT_MONEY, bootstrap: 200, print: false },
        memoryIo(),
      ),
    ).rejects.toThrow(/cannot be reached: connection refused/);
    expect(existsSync(out)).toBe(false);
  });
});
