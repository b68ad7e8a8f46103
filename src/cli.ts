#!/usr/bin/env -S npx tsx
/**
 * The command line: wires the command modules (src/commands/) into yargs, parses arguments into
 * a `Command` (pure, tested without IO) and hands it to its module to run. One top-level catch
 * turns errors into exit codes: 0 done, 1 a bug or a failed check, 2 bad input (a scenario, an
 * option, a request).
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { backtest, backtestCommand } from './commands/backtest.ts';
import { baselineCommand } from './commands/baseline.ts';
import { compareCommand } from './commands/compare.ts';
import { conformanceCommand } from './commands/conformance.ts';
import { decideCommand } from './commands/decide.ts';
import { fitCommand } from './commands/fit.ts';
import { isEntryPoint, processIo, type Io } from './cli/io.ts';
import { enginesCommand, scenariosCommand } from './commands/listing.ts';
import { mergeCommand } from './commands/merge.ts';
import type { CommandGroup, CommandModule, ParseContext } from './cli/module.ts';
import { reportCommand } from './commands/report.ts';
import { serveCommand } from './commands/serve.ts';
import { tuneCommand } from './commands/tune.ts';
import { UserError } from './errors.ts';
import { fileSystemFailure } from './files.ts';
import { hostEngines } from './sim/guard.ts';
import { defaultWorkers } from './sim/workers.ts';

/** Every command, in the order --help lists them. */
const COMMANDS = [
  backtestCommand,
  scenariosCommand,
  enginesCommand,
  decideCommand,
  conformanceCommand,
  compareCommand,
  mergeCommand,
  reportCommand,
  fitCommand,
  baselineCommand(backtest),
  tuneCommand,
  serveCommand,
] as const;

type Entry = (typeof COMMANDS)[number];
type Leaf = Entry extends infer E ? (E extends CommandGroup<infer L> ? L : E) : never;
type CommandOf<M> = M extends CommandModule<infer C, infer _A> ? C : never;

export type Command =
  | CommandOf<Leaf>
  /** `--help` or `--version`: yargs produced text and nothing is to be run. */
  | { readonly kind: 'output'; readonly text: string };

// Every module, stored under its kind, to run what the parse found.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = CommandModule<any, any>;
const LEAVES = new Map<string, AnyModule>(
  COMMANDS.flatMap((m): readonly AnyModule[] => ('subcommands' in m ? m.subcommands : [m])).map((m) => [m.kind, m]),
);

function register(y: Argv, entry: AnyModule | CommandGroup<AnyModule>, found: (m: AnyModule, command: Command) => void, context: ParseContext): Argv {
  if ('subcommands' in entry) {
    return y.command(entry.command, entry.describe, (z) =>
      entry.subcommands.reduce((acc, sub) => register(acc, sub, found, context), z).demandCommand(1, entry.demand),
    );
  }
  return y.command({
    command: entry.command,
    describe: entry.describe,
    builder: entry.builder,
    handler: (a) => found(entry, entry.parse(a, context) as Command),
  });
}

/**
 * yargs' refusal of an unknown command ("Did you mean …?" from recommendCommands, or "Unknown
 * argument" without one) in pacebench's words: `unknown command "x"; did you mean y?`.
 */
function unknownCommandMessage(message: string, argv: readonly string[]): string | null {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || LEAVES.has(first) || COMMANDS.some((m) => m.command.split(' ')[0] === first)) return null;
  const suggested = /^Did you mean (.+)\?$/.exec(message)?.[1];
  const near = suggested !== undefined ? `; did you mean ${suggested}?` : '';
  if (suggested === undefined && !message.startsWith('Unknown argument')) return null;
  return `unknown command "${first}"${near}`;
}

/** Parses a command line into a `Command`; no IO, so tests can call it directly. */
export async function parseArgv(argv: readonly string[], defaults = { workers: defaultWorkers() }): Promise<Command> {
  let command: Command | null = null;
  const context: ParseContext = { argv, defaults };
  const found = (_m: AnyModule, c: Command): void => {
    command = c;
  };
  const parser = COMMANDS.reduce(
    (y: Argv, m) => register(y, m as AnyModule | CommandGroup<AnyModule>, found, context),
    yargs([...argv]).scriptName('pacebench').usage('$0 <command> [options]\n\nBacktests and benchmarks invitation-pacing engines.'),
  )
    .demandCommand(1, 'name a command; see --help')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(process.stdout.isTTY === true ? Math.min(120, process.stdout.columns) : null)
    .exitProcess(false);

  const output = await new Promise<string>((resolve, reject) => {
    // The first failure is the one to tell (a later check would report the same command line
    // again, worse: "Unknown arguments: scenario, backtets"), so yargs stops at it.
    parser.fail((message, error) => {
      if (error instanceof UserError) throw error;
      const text = message ?? error?.message ?? 'bad command line';
      throw new UserError(`${unknownCommandMessage(text, argv) ?? text}\nsee pacebench --help`);
    });
    // A throw from the fail handler or a command's parse rejects the promise.
    parser.parse([...argv], {}, (error: Error | null | undefined, _argv: unknown, text: string) => {
      if (!error) resolve(text);
      else reject(error instanceof UserError ? error : new UserError(`${error.message}\nsee pacebench --help`));
    });
  });
  if (command !== null) return command;
  return { kind: 'output', text: output };
}

export async function run(command: Command, io: Io): Promise<number> {
  if (command.kind === 'output') {
    io.stdout(command.text.endsWith('\n') ? command.text : `${command.text}\n`);
    return 0;
  }
  const module = LEAVES.get(command.kind);
  if (module === undefined) throw new Error(`no command module runs "${command.kind}"`);
  return module.run(command, io);
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    return await run(await parseArgv(argv), io);
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr(`pacebench: ${error.message}\n`);
      return error.exitCode;
    }
    // A file that could not be read or written is the user's place or the machine's state,
    // never a bug: one line, no stack trace.
    const failure = fileSystemFailure(error);
    if (failure !== null) {
      io.stderr(`pacebench: ${failure.message}\n`);
      return failure.exitCode;
    }
    io.stderr(`pacebench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** Runs the process's command line: `bin/pacebench.mjs` calls this, as does `tsx src/cli.ts`. */
export async function start(): Promise<void> {
  // A reader that has what it wants closes the pipe (`| head -1`): the rest is not wanted, and
  // that is no failure of pacebench. The process ends at once, with 0, as it would had it finished.
  const exit = process.exit.bind(process);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    throw error;
  });
  // stdout is pacebench's: an engine's console output goes to stderr, marked with its name,
  // and an engine that calls process.exit gets a fault instead of ending the run.
  hostEngines({ trapExit: true });
  process.exitCode = await main(hideBin(process.argv));
}

// Not awaited at the top level: bin/pacebench.mjs bundles this file as CommonJS.
if (isEntryPoint(import.meta.url)) void start();
