/**
 * `pacebench serve` under load: one server process, autocannon at 64 connections, each
 * engine's original path (`/optim-{engine}/`, the call of a live case) with 10 and with 1 000
 * invited candidates per request.
 *
 * The load generator runs on the same machine as the server (a 2-core one here): the figures
 * are what one server process gives while sharing the cores with its client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchRequest } from './fixtures.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export const SERVE_ENGINES = ['exp', 'exp-decay', 'nbinomial', 'all-at-once', 'stoch-constraint'] as const;
export const SERVE_INVITED = [10, 1000] as const;
export const SERVE_CONNECTIONS = 64;

export interface ServeResult {
  readonly name: string;
  readonly engine: string;
  readonly invited: number;
  readonly body_bytes: number;
  readonly connections: number;
  readonly duration_s: number;
  readonly requests_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly errors: number;
  readonly non_2xx: number;
  /**
   * The server process's CPU time (user + system) per request over the run, from /proc; what a
   * request costs the server whatever its neighbours take. `null` where /proc cannot be read.
   */
  readonly server_cpu_us: number | null;
}

/** User + system CPU seconds of process `pid` (Linux /proc), or `null`. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * The body an original client sends for a live case: `now`, and the correlation id of a case
 * the server already holds, so that each engine answers from its case's instance as it does
 * over most of a case's calls.
 */
export function originalBody(invited: number): string {
  const { reference_date_time, ...rest } = benchRequest(invited);
  return JSON.stringify({ ...rest, now: reference_date_time });
}

async function cannon(url: string, body: string, durationS: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: durationS });
}

/** Measures every (engine, invited) pair against a running server at `base`. */
export async function measureServeAt(
  base: string,
  o: {
    durationS: number;
    warmupS: number;
    engines?: readonly string[];
    invited?: readonly number[];
    connections?: number;
    filter?: string | undefined;
    /** The server's process id, to read its CPU time. */
    pid?: number | undefined;
  },
): Promise<ServeResult[]> {
  const out: ServeResult[] = [];
  const connections = o.connections ?? SERVE_CONNECTIONS;
  // The first seconds are JIT warm-up of everything a request runs through, in the server and
  // in autocannon (which runs in this process): spent on every engine before any measurement,
  // twice, so that the first engine measured is not charged for it (with one round, exp,
  // measured first, showed 93 µs of server CPU per request against 60 for the others).
  if (o.warmupS > 0) {
    for (let round = 0; round < 2; round++) {
      for (const engine of o.engines ?? SERVE_ENGINES) await cannon(`${base}/optim-${engine}/`, originalBody(10), o.warmupS, connections);
    }
  }
  for (const invited of o.invited ?? SERVE_INVITED) {
    const body = originalBody(invited);
    for (const engine of o.engines ?? SERVE_ENGINES) {
      const name = `serve/${engine}/n=${invited}`;
      if (o.filter !== undefined && !name.includes(o.filter)) continue;
      const url = `${base}/optim-${engine}/`;
      process.stderr.write(`autocannon ${name}: ${connections} connections, ${o.durationS} s…\n`);
      if (o.warmupS > 0) await cannon(url, body, o.warmupS, connections);
      const cpuBefore = cpuSeconds(o.pid);
      const r = await cannon(url, body, o.durationS, connections);
      const cpuAfter = cpuSeconds(o.pid);
      const total = r.requests.total;
      out.push({
        name,
        engine,
        invited,
        body_bytes: Buffer.byteLength(body),
        connections,
        duration_s: o.durationS,
        requests_per_s: Math.round(r.requests.average),
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        max_ms: r.latency.max,
        errors: r.errors + r.timeouts,
        non_2xx: r.non2xx,
        server_cpu_us: cpuBefore === null || cpuAfter === null || total === 0 ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / total),
      });
    }
  }
  return out;
}

/** Starts `pacebench serve` on a free port, logging at `info` (to /dev/null), and says where. */
export async function startServer(args: readonly string[] = []): Promise<{ child: ChildProcess; base: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /engines on (http:\/\/\S+) /.exec(err);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, base, stop };
}

/**
 * A control for the figures above: how fast this machine passes small messages between two
 * processes over loopback TCP right now, with no pacebench code involved: a raw echo server in
 * a child process, `connections` connections each keeping one 100-byte message in flight, for
 * `ms`. On a VM this moves by a third from one minute to the next, and the service's figures
 * with it.
 */
export async function loopbackEcho(connections: number, ms: number): Promise<number> {
  const server = spawn(
    process.execPath,
    ['-e', "const s=require('net').createServer(c=>{c.setNoDelay(true);c.on('data',d=>c.write(d))});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      server.once('exit', (code) => reject(new Error(`echo server exited (${code})`)));
    });
    const sockets = await Promise.all(
      Array.from({ length: connections }, () => new Promise<Socket>((resolve, reject) => {
        const c = connect(port, '127.0.0.1', () => resolve(c)).once('error', reject);
        c.setNoDelay(true);
      })),
    );
    const message = Buffer.alloc(100, 0x61);
    let trips = 0;
    let running = true;
    const started = performance.now();
    for (const c of sockets) {
      c.on('data', () => {
        trips++;
        if (running) c.write(message);
      });
      c.write(message);
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
    running = false;
    const rate = Math.round(trips / ((performance.now() - started) / 1000));
    for (const c of sockets) c.destroy();
    return rate;
  } finally {
    server.kill();
  }
}

export interface ServeControl {
  /** Round trips per second of the loopback echo (`loopbackEcho`), before and after the service's runs. */
  readonly loopback_echo_before: number;
  readonly loopback_echo_after: number;
}

export async function measureServe(o: { quick: boolean; filter: string | undefined }): Promise<{ results: ServeResult[]; breakdown: ServeBreakdown[]; control: ServeControl }> {
  const echoMs = o.quick ? 300 : 2000;
  const before = await loopbackEcho(SERVE_CONNECTIONS, echoMs);
  const server = await startServer();
  let results: ServeResult[];
  try {
    results = await measureServeAt(server.base, { durationS: o.quick ? 1 : 5, warmupS: o.quick ? 0 : 1, filter: o.filter, pid: server.child.pid });
  } finally {
    await server.stop();
  }
  const after = await loopbackEcho(SERVE_CONNECTIONS, echoMs);
  const breakdown: ServeBreakdown[] = [];
  for (const invited of SERVE_INVITED) breakdown.push(await serveBreakdown(invited, o.quick ? 50 : 500));
  return { results, breakdown, control: { loopback_echo_before: before, loopback_echo_after: after } };
}

export interface ServeBreakdown {
  readonly invited: number;
  /** Microseconds per request, one thread, warm: what a request costs before and in the engine. */
  readonly parse_us: number;
  readonly validate_us: number;
  readonly engines_us: Readonly<Record<string, number>>;
}

function perCall(fn: () => unknown, ms: number): number {
  // Warm for as long as we measure: the JIT, not the first calls, is what a server runs.
  const warm = performance.now();
  while (performance.now() - warm < ms) for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const started = performance.now();
  let now = started;
  while (now - started < ms) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    now = performance.now();
  }
  return Math.round(((now - started) * 1000 * 100) / n) / 100;
}

/**
 * Where a request's server time goes, measured in this process: JSON parsing of the body,
 * validation by the contract's schemas, and each engine's decision. The rest of a request's cost
 * is HTTP (sockets, Fastify, the log line).
 */
export async function serveBreakdown(invited: number, ms = 300): Promise<ServeBreakdown> {
  const { compileValidator, toRequest } = await import('../src/serve/validation.ts');
  const { ORIGINAL_REQUEST_SCHEMA } = await import('../src/contract/schema.ts');
  const { resolveEngines } = await import('../src/engines/load.ts');
  const { parseEngineList } = await import('../src/engines/spec.ts');
  const { engineStream } = await import('../src/stats/rng.ts');
  const body = originalBody(invited);
  const validator = compileValidator(ORIGINAL_REQUEST_SCHEMA);
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const request = toRequest(parsed);
  const engines_us: Record<string, number> = {};
  for (const e of await resolveEngines(parseEngineList([...SERVE_ENGINES]))) {
    const instance = e.definition.create({ random: engineStream(1, 1, 'bench', e.label), params: e.params });
    engines_us[e.label] = perCall(() => instance.decide(request), ms);
  }
  return {
    invited,
    parse_us: perCall(() => JSON.parse(body), ms),
    validate_us: perCall(() => validator.problems(parsed), ms),
    engines_us,
  };
}
