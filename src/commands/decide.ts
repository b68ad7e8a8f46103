import type { Request } from '../contract/types.ts';
import { parseRequest } from '../contract/validate.ts';
import { UserError } from '../errors.ts';
import { resolveEngine, type ResolvedEngine } from '../engines/load.ts';
import { callEngine, createInstance, DEFAULT_ENGINE_TIMEOUT_MS, type CallResult } from '../engines/call.ts';
import { checkRemotes, closeRemotes } from '../engines/remotes.ts';
import { parseEngineSpec } from '../engines/spec.ts';
import { readUserFile } from '../scenario/read.ts';
import { stream } from '../stats/rng.ts';
import { activeEngine } from '../sim/run.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { integer, seedOption } from '../cli/options.ts';

export interface DecideOptions {
  readonly engine: string;
  /** A file of requests; `undefined` or `-` reads stdin. */
  readonly file?: string | undefined;
  readonly seed: number;
  /** Milliseconds one decision may take (default `DEFAULT_ENGINE_TIMEOUT_MS`). */
  readonly timeoutMs?: number | undefined;
}

export interface NumberedInput {
  /** 1-based line the value starts on. */
  readonly line: number;
  readonly value: unknown;
}

/**
 * One request as a JSON document (possibly pretty-printed over many lines), a JSON array
 * of requests, or JSON Lines. Every line that is not JSON is a problem with its number.
 */
export function splitRequests(text: string, source: string): NumberedInput[] {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trim();
  if (trimmed === '') throw new UserError(`${source}: no request (expected a JSON object or JSON Lines)`);
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return whole.map((value, i) => ({ line: i + 1, value }));
    return [{ line: 1, value: whole }];
  } catch {
    // Not one document: read it as JSON Lines.
  }
  const out: NumberedInput[] = [];
  const problems: string[] = [];
  body.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(line) as unknown });
    } catch (error) {
      problems.push(`${source}:${i + 1}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return out;
}

/**
 * A request without `correlation_id` gets `""`, as the service's `/optim-*` paths give it:
 * the original clients did not always send one.
 */
function withCorrelationId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'correlation_id' in value) return value;
  return { correlation_id: '', ...value };
}

/** Every request checked first, so that an invalid input writes no decision at all. */
export function parseRequests(inputs: readonly NumberedInput[], source: string, wholeArray: boolean): Request[] {
  const problems: string[] = [];
  const requests: Request[] = [];
  for (const input of inputs) {
    const parsed = parseRequest(withCorrelationId(input.value));
    const where = wholeArray ? `${source}: request ${input.line}` : `${source}:${input.line}`;
    if (parsed.ok) requests.push(parsed.request);
    else for (const p of parsed.problems) problems.push(`${where}: field ${p.field}: ${p.message}`);
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return requests;
}

/**
 * Standard input read as a stream, whatever its size and however slowly it is written: a
 * synchronous read of fd 0 fails with EAGAIN once Node has made the pipe non-blocking.
 */
export async function readStream(stream: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readInput(file: string | undefined): Promise<{ text: string; source: string }> {
  if (file === undefined || file === '-') {
    if (process.stdin.isTTY === true) process.stderr.write('reading requests from stdin; end with Ctrl-D\n');
    return { text: await readStream(process.stdin), source: 'stdin' };
  }
  const read = readUserFile(file);
  if (read === null) throw new UserError(`cannot read ${file}: no such file`);
  if ('problem' in read) throw new UserError(`${file}: ${read.problem.replace('expected a CSV file', 'expected a file of requests')}`);
  return { text: read.text, source: file };
}

/**
 * `pacebench decide`: one engine instance answers every request in order, as it would in
 * a session, and prints one decision per line.
 */
export async function decide(options: DecideOptions, io: Io, input?: { text: string; source: string }): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const engine = await resolveEngine(parseEngineSpec(options.engine), io.cwd, { timeoutMs });
  try {
    await checkRemotes([engine], timeoutMs);
    return await answer(engine, options, io, input);
  } finally {
    await closeRemotes([engine]);
  }
}

async function answer(engine: ResolvedEngine, options: DecideOptions, io: Io, input?: { text: string; source: string }): Promise<number> {
  const { text, source } = input ?? (await readInput(options.file));
  const inputs = splitRequests(text, source);
  if (inputs.length === 0) throw new UserError(`${source}: no request (an empty list; expected a JSON object, a JSON array or JSON Lines)`);
  const wholeArray = text.trim().startsWith('[');
  const requests = parseRequests(inputs, source, wholeArray);
  const instance = createInstance(engine, stream('decide', options.seed, engine.label));
  for (const [i, request] of requests.entries()) {
    const line = inputs[i]?.line ?? i + 1;
    activeEngine.label = engine.label;
    let result: CallResult;
    try {
      result = await callEngine(instance, request, options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS);
    } finally {
      activeEngine.label = '';
    }
    if ('failed' in result) {
      if (result.failed === 'timeout') {
        throw new UserError(`${source}:${line}: engine ${engine.label} gave no decision within ${options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS} ms (--engine-timeout)`, 1);
      }
      if (result.failed === 'invalid') throw new UserError(`${source}:${line}: engine ${engine.label} returned an invalid decision: ${result.problem}`, 1);
      const error = result.error;
      throw new UserError(`${source}:${line}: engine ${engine.label} threw: ${error instanceof Error ? error.message : String(error)}`, 1);
    }
    io.stdout(`${JSON.stringify(result.decision)}\n`);
  }
  return 0;
}

/** `pacebench decide [file]`. */
export const decideCommand = defineCommand({
  kind: 'decide',
  command: 'decide [file]',
  describe: 'answer requests (one JSON object, a JSON array or JSON Lines, from FILE or stdin) with one engine instance, one decision per line',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'requests to answer; - or nothing reads stdin' })
      .options({
        engine: { alias: 'e', type: 'string', demandOption: true, describe: 'a registered engine, name:key=value, or a module path' },
        seed: seedOption('seed of the engine\'s random stream'),
        'engine-timeout': {
          alias: 'timeout-ms',
          // No default here: the parsed command names a limit only when one was given.
          type: 'string',
          defaultDescription: `${DEFAULT_ENGINE_TIMEOUT_MS} ms`,
          describe: 'milliseconds one decision may take; past it decide stops with exit 1, naming the engine and the line',
        },
      }),
  parse: (a, { argv }) => {
    // yargs hands the conventional "-" (read stdin) over as an empty string.
    const file = a.file === '' && argv.includes('-') ? '-' : a.file;
    if (file === '') throw new UserError('decide: the file name is empty; give a file of requests, or - (or nothing) for stdin');
    return { kind: 'decide' as const, options: { engine: a.engine, file, seed: integer('seed', a.seed, 0), ...(a['engine-timeout'] === undefined ? {} : { timeoutMs: integer('engine-timeout', a['engine-timeout'], 1) }) } satisfies DecideOptions };
  },
  run: (command, io) => decide(command.options, io),
});
