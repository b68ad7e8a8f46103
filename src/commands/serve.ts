import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { resolveEngines } from '../engines/load.ts';
import { ENGINE_NAMES } from '../engines/registry.ts';
import { parseEngineList, parseEngineSpec } from '../engines/spec.ts';
import { UserError } from '../errors.ts';
import { buildApp } from '../serve/app.ts';
import { BatchedLog, type LogSink } from '../serve/log.ts';
import { traceLine } from '../serve/trace.ts';
import type { Io } from './io.ts';

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
  /** Per call to a served remote engine. */
  readonly timeoutMs: number;
}

/**
 * `pacebench serve`: the engines as an HTTP service until SIGINT or SIGTERM, which stop taking
 * connections, let the requests in flight finish, and end with exit code 0.
 */
export async function serve(options: ServeOptions, io: Io): Promise<number> {
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
    ...(out === null ? {} : { onDecision: (engine, request, decision) => out.write(`${traceLine(engine, request, decision)}\n`) }),
  });

  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    clearInterval(flusher);
    logStream.flushSync();
    out?.end();
    const code = (error as { code?: string }).code;
    const reason = code === 'EADDRINUSE' ? 'the port is in use' : error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot listen on ${options.host}:${options.port}: ${reason}`);
  }
  io.stderr(`pacebench serve: ${engines.length} engines on ${address} (docs: ${address}/docs and ${address}/redoc); Ctrl-C stops\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.stderr(`pacebench serve: ${signal}: finishing the requests in flight\n`);
  await app.close();
  for (const e of engines) await (e.definition as { close?: () => Promise<void> }).close?.();
  if (out !== null) await new Promise<void>((resolve) => out.end(resolve));
  clearInterval(flusher);
  logStream.flushSync();
  io.stderr('pacebench serve: stopped\n');
  return 0;
}
