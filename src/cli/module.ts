/**
 * The shape of a command module: each command declares its yargs definition (options and
 * positionals), how the parsed arguments become its `Command`, and what runs it. cli.ts wires
 * the modules; parsing stays free of IO, so tests call it directly.
 */
import type { Argv } from 'yargs';
import type { Io } from './io.ts';

export interface ParseContext {
  /** The command line as given, for what yargs hands over changed (`-` arrives as ""). */
  readonly argv: readonly string[];
  /** Defaults that depend on the machine; tests pin them. */
  readonly defaults: { readonly workers: number };
}

/** One command (or subcommand) that runs. */
export interface CommandModule<C extends { readonly kind: string }, A = unknown> {
  readonly kind: C['kind'];
  /** yargs' command string, like `compare <old> <new>`. */
  readonly command: string;
  /** The line in --help; false keeps the command out of it. */
  readonly describe: string | false;
  readonly builder: (y: Argv) => Argv<A>;
  /** Reads the arguments into the command; throws a UserError on a bad value. */
  readonly parse: (args: A, context: ParseContext) => C;
  /** Runs the command; resolves to the process's exit code. */
  readonly run: (command: C, io: Io) => Promise<number>;
}

/** A command that only groups subcommands, like `scenarios list`. */
export interface CommandGroup<L> {
  readonly command: string;
  readonly describe: string;
  readonly subcommands: readonly L[];
  /** The message when no subcommand is named. */
  readonly demand: string;
}

export function defineCommand<C extends { readonly kind: string }, A>(module: CommandModule<C, A>): CommandModule<C, A> {
  return module;
}

export function defineGroup<L>(group: CommandGroup<L>): CommandGroup<L> {
  return group;
}
