import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { memoryIo } from '../helpers.ts';
import { startServer } from './server.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');

const BODY = {
  now: '2021-01-02 03:12:27',
  deadline: '2021-01-05 09:00:00',
  num_vacancies: 8,
  num_remaining_in_pool: 98,
  impacted_candidates_data: [],
};

const start = startServer;

describe('pacebench serve on a real socket', () => {
  it('answers over HTTP, writes the request log, and on SIGTERM finishes the request in flight and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-serve-'));
    const log = path.join(dir, 'requests.jsonl');
    // The warm-up's own calls reach neither the request log nor the trace.
    const server = start(['--engines', 'test/fixtures/engines/slow.mjs', '--log-requests', log, '--log-level', 'warn', '--warm-up', '100']);
    const url = await server.url;
    const post = (p: string, body: unknown) => fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const quick = await post('/optim-exp/', BODY);
    expect(quick.status).toBe(200);
    expect(await quick.json()).toEqual([false, 5, 1]);

    const inFlight = post('/engines/slow/decide', { ...BODY, correlation_id: 'Slow_0' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ finished: false, num_candidates_needed: 8, callback_time_minutes: 60 });
    expect(await server.exit).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM: finishing the requests in flight[\s\S]*stopped/);
    await expect(post('/optim-exp/', BODY)).rejects.toThrow();

    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { engine: string; request: { reference_date_time: string } });
    expect(lines.map((l) => l.engine)).toEqual(['exp', 'slow']);
    expect(lines[0]?.request.reference_date_time).toBe(BODY.now);
  }, 60_000);

  it('logs one line per request, every line written by the time it exits', async () => {
    const server = start(['--warm-up', '100']);
    const url = await server.url;
    expect(server.stderr()).toMatch(/warmed up with 100 calls in \d+\.\d\d s/);
    const post = (p: string, body: unknown) => fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/optim-exp/', BODY)).status).toBe(200);
    expect((await post('/engines/nbinomial/decide', { ...BODY, correlation_id: 'Logged_2' })).status).toBe(200);
    expect((await post('/optim-exp/', { ...BODY, correlation_id: 'Bad_1', num_vacancies: 0 })).status).toBe(422);
    // Fewer lines than a batch: they are written when the server stops, if not before.
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const lines = server
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    expect(lines.map(({ url: u, status, engine, correlation_id }) => ({ url: u, status, engine, correlation_id }))).toEqual([
      { url: '/optim-exp/', status: 200, engine: 'exp', correlation_id: null },
      { url: '/engines/nbinomial/decide', status: 200, engine: 'nbinomial', correlation_id: 'Logged_2' },
      { url: '/optim-exp/', status: 422, engine: 'exp', correlation_id: 'Bad_1' },
    ]);
    for (const l of lines) expect(typeof l.latency_ms).toBe('number');
  }, 60_000);

  it('opens its port without calling itself first unless --warm-up is given', async () => {
    const server = start(['--log-level', 'warn']);
    const url = await server.url;
    expect(server.stderr()).not.toMatch(/warm/);
    expect(((await (await fetch(`${url}/health`)).json()) as { cases: unknown }).cases).toEqual({ live: 0, evicted: 0, expired: 0 });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 60_000);

  it('stops with exit code 0 on SIGTERM during the warm-up, without opening its port', async () => {
    const server = start(['--warm-up', '1000000', '--log-level', 'warn']);
    server.url.catch(() => {});
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!server.stderr().includes('warming up with 1000000 calls')) return;
        clearInterval(check);
        resolve();
      }, 20);
    });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM before the port opened: stopping\npacebench serve: stopped/);
    expect(server.stderr()).not.toMatch(/engines on http/);
  }, 60_000);

  it('refuses a port in use with exit code 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    const io = memoryIo(ROOT);
    expect(await main(['serve', '--port', port, '--log-level', 'silent'], io)).toBe(2);
    expect(io.err).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }, 30_000);
});
