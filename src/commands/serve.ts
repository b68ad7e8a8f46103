import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveEngines, type ResolvedEngine } from '../engines/load.ts';
import { ENGINE_NAMES, isEngineName } from '../engines/registry.ts';
import { parseEngineList, parseEngineSpec } from '../engines/spec.ts';
import { UserError } from '../errors.ts';
import { BatchedLog, type LogSink } from '../serve/log.ts';
import { traceLine } from '../serve/trace.ts';
import { warmUpRequest } from '../serve/warm-up.ts';
import { DEFAULT_CASE_TTL_MS, DEFAULT_MAX_CASES, DEFAULT_WARM_UP_CALLS } from '../serve/defaults.ts';
import { parseDuration, parseSize } from '../serve/units.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engines/call.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { enginesOption, integer, numberText, seedOption } from '../cli/options.ts';
import { counted } from '../words.ts';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Served besides every registered engine: parameterised ones, module paths, URLs. */
  readonly engines: readonly string[];
  readonly seed: number;
  readonly logLevel: string;
  readonly bodyLimit: number;
  readonly maxCases: number;
  readonly caseTtlMs: number;
  /** One JSON line per answered call, in the request-trace format. */
  readonly logRequests: string | undefined;
  /** Per call to a served remote engine or engine from a user's module. */
  readonly timeoutMs: number;
  /** Calls the server makes to itself before opening its port (0: none). */
  readonly warmUp: number;
}

/** Warm-up calls in flight at once. */
const WARM_UP_CONCURRENCY = 16;

/**
 * `calls` requests to the app over a loopback socket of its own, before the real port opens:
 * the whole path of a call (socket, HTTP parser, routing, validation, engine, answer) is
 * compiled by the JIT before any client pays for it. Calls go round pacebench's registered
 * engines (also when served with parameters) on both their paths.
 * Whatever the calls answer is ignored; the cases they made are forgotten. Returns the
 * calls answered 200.
 */
async function warmUp(app: FastifyInstance, engines: readonly ResolvedEngine[], calls: number, stopping: () => boolean): Promise<number> {
  // pacebench's own engines only: they answer fast and change nothing outside the call; a
  // user's module might be slow or act on the world, and a served URL is another service.
  const paths = engines
    .filter((e) => isEngineName(e.spec.ref))
    .flatMap((e) => [`/engines/${encodeURIComponent(e.label)}/decide`, ...(isEngineName(e.label) ? [`/optim-${e.label}/`] : [])]);
  if (calls <= 0 || paths.length === 0) return 0;
  const { remoteEngine } = await import('../engines/remote.ts');
  // Routes and hooks are complete only once the app is ready (listen() would wait for it too).
  await app.ready();
  const listener = createServer((socket) => app.server.emit('connection', socket));
  await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as AddressInfo).port;
  const clients = paths.map((p) => remoteEngine(`http://127.0.0.1:${port}${p}`, undefined, { retries: 0, connections: WARM_UP_CONCURRENCY }));
  app.warmingUp = true;
  let next = 0;
  let ok = 0;
  try {
    const lane = async (): Promise<void> => {
      // A signal ends the warm-up after the calls in flight.
      for (let i = next++; i < calls && !stopping(); i = next++) {
        const client = clients[i % clients.length];
        // One instance per call: the server keeps the state, by correlation id.
        await client?.create().decide(warmUpRequest(Math.floor(i / clients.length))).then(
          () => ok++,
          () => {},
        );
      }
    };
    await Promise.all(Array.from({ length: WARM_UP_CONCURRENCY }, lane));
  } finally {
    for (const c of clients) await c.close();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    app.warmingUp = false;
  }
  return ok;
}

/**
 * `pacebench serve`: the engines as an HTTP service until SIGINT or SIGTERM, which stop taking
 * connections, let the requests in flight finish, and end with exit code 0.
 */
export async function serve(options: ServeOptions, io: Io): Promise<number> {
  // Signals count from the start: one before the port opens (while loading engines, or during
  // the warm-up) stops the server unopened, with exit code 0 all the same.
  let signal: NodeJS.Signals | null = null;
  let onSignal: (name: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (name) => resolve((signal ??= name));
  });
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    return await serveUntilSignalled(options, io, () => signal, signalled);
  } finally {
    // Once closing, a second Ctrl-C ends the process at once (Node's default).
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

async function serveUntilSignalled(options: ServeOptions, io: Io, signal: () => NodeJS.Signals | null, signalled: Promise<NodeJS.Signals>): Promise<number> {
  const given = parseEngineList(options.engines);
  const registered = ENGINE_NAMES.filter((name) => !given.some((s) => s.text === name)).map((name) => parseEngineSpec(name));
  const engines = await resolveEngines([...registered, ...given], io.cwd, { timeoutMs: options.timeoutMs });

  let trace: WriteStream | null = null;
  if (options.logRequests !== undefined) {
    const file = path.resolve(io.cwd, options.logRequests);
    trace = createWriteStream(file, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      trace?.once('open', () => resolve());
      trace?.once('error', (error) => reject(new UserError(`--log-requests ${options.logRequests}: ${error.message}`)));
    });
  }
  const out = trace;
  // Loaded only here: the server and its logger cost every other command nothing.
  const [{ default: pino }, { buildApp }] = await Promise.all([import('pino'), import('../serve/app.ts')]);

  // Log lines are written in batches (at 8 kB, or every second): a write per request would
  // cost more than the engines' own work. The batching is BatchedLog's, before sonic-boom.
  // In contentMode 'buffer' sonic-boom's write takes bytes, which its types do not say.
  const sink = pino.destination({ dest: 1, sync: false, minLength: 0, contentMode: 'buffer' }) as unknown as LogSink;
  const logStream = new BatchedLog(sink, 8192);
  const flusher = setInterval(() => logStream.flush(), 1000);
  flusher.unref();

  const app = await buildApp({
    engines,
    logStream,
    seed: options.seed,
    maxCases: options.maxCases,
    caseTtlMs: options.caseTtlMs,
    bodyLimit: options.bodyLimit,
    logLevel: options.logLevel,
    timeoutMs: options.timeoutMs,
    ...(out === null ? {} : { onDecision: (engine, request, decision) => out.write(`${traceLine(engine, request, decision)}\n`) }),
  });

  const shutDown = async (): Promise<void> => {
    await app.close();
    for (const e of engines) await (e.definition as { close?: () => Promise<void> }).close?.();
    if (out !== null) await new Promise<void>((resolve) => out.end(resolve));
    clearInterval(flusher);
    logStream.flushSync();
  };
  const cannotListen = (error: unknown): UserError => {
    const code = (error as { code?: string }).code;
    const reason = code === 'EADDRINUSE' ? 'the port is in use' : error instanceof Error ? error.message : String(error);
    return new UserError(`cannot listen on ${options.host}:${options.port}: ${reason}`);
  };

  // A port in use is said at once, not after the warm-up (port 0 is always free).
  const taken = options.port === 0 ? null : await portProblem(options.host, options.port);
  if (taken !== null) {
    await shutDown();
    throw cannotListen(taken);
  }

  let warmUpNote = '';
  if (options.warmUp > 0) {
    io.stderr(`pacebench serve: warming up with ${counted(options.warmUp, 'call')} of its own before opening the port (--warm-up 0 skips it)…\n`);
    const began = performance.now();
    const warmed = await warmUp(app, engines, options.warmUp, () => signal() !== null);
    warmUpNote = `; warmed up with ${counted(warmed, 'call')} in ${((performance.now() - began) / 1000).toFixed(2)} s`;
  }

  const early = signal();
  if (early === null) {
    let address: string;
    try {
      address = await app.listen({ host: options.host, port: options.port });
    } catch (error) {
      await shutDown();
      throw cannotListen(error);
    }
    io.stderr(`pacebench serve: ${counted(engines.length, 'engine')} on ${address} (docs: ${address}/docs and ${address}/redoc)${warmUpNote}; Ctrl-C stops\n`);
    io.stderr(`pacebench serve: ${await signalled}: finishing the requests in flight\n`);
  } else {
    io.stderr(`pacebench serve: ${early} before the port opened: stopping\n`);
  }
  await shutDown();
  io.stderr('pacebench serve: stopped\n');
  return 0;
}

/** Why `host:port` cannot be listened on now (in use, not an address of this machine), or `null`. */
async function portProblem(host: string, port: number): Promise<Error | null> {
  const probe = createServer();
  return new Promise<Error | null>((resolve) => {
    probe.once('error', (error) => resolve(error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** `pacebench serve`. */
export const serveCommand = defineCommand({
  kind: 'serve',
  command: 'serve',
  describe: 'serve the engines over HTTP: the original /optim-* paths, /engines/{name}/decide, docs at /docs and /redoc',
  builder: (y) =>
    y.options({
      host: { type: 'string', default: '127.0.0.1', describe: 'address to listen on (0.0.0.0: every interface)' },
      port: { alias: 'p', ...numberText(8000, 'port to listen on (0: any free port)') },
      engines: enginesOption('engines to serve besides the registered ones: name:key=value, module paths, service URLs'),
      seed: seedOption('seed of every case\'s random stream (with the case id and the engine)'),
      'log-level': { choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, default: 'info' as const, describe: 'info: one line per request' },
      'log-requests': { type: 'string', describe: 'append every answered call to FILE.jsonl (request-trace format)' },
      'body-limit': { type: 'string', default: '16MiB', describe: 'largest request body, e.g. 16MiB, 500kb' },
      'max-cases': numberText(DEFAULT_MAX_CASES, 'engine instances kept; the least recently used go first'),
      'case-ttl': { type: 'string', default: `${DEFAULT_CASE_TTL_MS / 3_600_000}h`, describe: 'forget a case idle this long, e.g. 30m, 24h, 3600 (seconds)' },
      'timeout-ms': numberText(DEFAULT_ENGINE_TIMEOUT_MS, 'per call to a served remote engine or module engine; a module engine runs in a thread of its own, and a call past the limit answers 500', `${DEFAULT_ENGINE_TIMEOUT_MS} ms`),
      'warm-up': numberText(
        DEFAULT_WARM_UP_CALLS,
        'calls the server makes to itself before opening its port, so that its first clients do not pay for the JIT (0: none); not logged, their cases forgotten',
      ),
    }),
  parse: (a) => {
    const bodyLimit = parseSize(a['body-limit']);
    if (bodyLimit === null) throw new UserError(`--body-limit must be a size like 16MiB or 500kb, got "${a['body-limit']}"`);
    const caseTtlMs = parseDuration(a['case-ttl']);
    if (caseTtlMs === null) throw new UserError(`--case-ttl must be a duration like 30m, 24h or 3600 (seconds), got "${a['case-ttl']}"`);
    return {
      kind: 'serve' as const,
      options: {
        host: a.host,
        port: integer('port', a.port, 0, 65_535),
        engines: a.engines ?? [],
        seed: integer('seed', a.seed, 0),
        logLevel: a['log-level'],
        bodyLimit,
        maxCases: integer('max-cases', a['max-cases'], 1),
        caseTtlMs,
        logRequests: a['log-requests'],
        timeoutMs: integer('timeout-ms', a['timeout-ms'], 1),
        warmUp: integer('warm-up', a['warm-up'], 0, 1_000_000),
      } satisfies ServeOptions,
    };
  },
  run: (command, io) => serve(command.options, io),
});
