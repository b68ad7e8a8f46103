import { ENGINES, ENGINE_NAMES, REFERENCE_ENGINES, REFERENCE_NAMES } from '../engines/registry.ts';
import { formatProblem, sortProblems } from '../scenario/problems.ts';
import { checkScenario, listScenarioNames } from '../scenario/read.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand, defineGroup } from '../cli/module.ts';
import { UserError } from '../errors.ts';
import { counted } from '../words.ts';

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

export function listScenarios(io: Io): number {
  const rows: string[][] = [['scenario', 'cases', 'what it models']];
  let broken = 0;
  for (const name of listScenarioNames()) {
    const check = checkScenario(name);
    if (check.ok) rows.push([name, String(check.scenario.cases.length), check.scenario.description]);
    else {
      broken++;
      rows.push([name, '?', `has ${check.problems.length} problem(s): run pacebench scenarios validate ${name}`]);
    }
  }
  io.stdout(`${table(rows)}\n`);
  return broken === 0 ? 0 : 2;
}

export function validateScenarioCommand(arg: string, io: Io): number {
  const check = checkScenario(arg);
  for (const w of sortProblems(check.warnings)) io.stderr(`warning: ${formatProblem(w)}\n`);
  if (!check.ok) {
    for (const p of sortProblems(check.problems)) io.stderr(`${formatProblem(p)}\n`);
    const n = check.problems.length;
    io.stderr(`scenario "${arg}" has ${n} problem${n === 1 ? '' : 's'}\n`);
    return 2;
  }
  const s = check.scenario;
  const candidates = s.cases.reduce((sum, c) => sum + c.poolSize, 0);
  const traced = s.cases.filter((c) => c.trace !== null).length;
  io.stdout(
    `${s.name}: ok, ${counted(s.cases.length, 'case')}, ${counted(candidates, 'candidate')}, ${counted(Object.keys(s.behaviours).length, 'behaviour')}` +
      (traced > 0 ? `, ${counted(traced, 'case')} replayed from candidates.csv` : '') +
      '\n',
  );
  return 0;
}

export function listEngines(io: Io): number {
  const rows: string[][] = [['engine', 'what it does', 'parameters (name:key=value)']];
  for (const name of ENGINE_NAMES) {
    const d = ENGINES[name];
    const params = Object.entries(d.params ?? {})
      .map(([k, p]) => `${k}=${p.default}`)
      .join(' ');
    rows.push([name, d.description, params === '' ? '–' : params]);
  }
  // References, run only when named: yardsticks beside the hindsight row every report has.
  for (const name of REFERENCE_NAMES) rows.push([name, REFERENCE_ENGINES[name].description, '–']);
  rows.push(['oracle', 'reference: the hindsight row of every report (knows every candidate; not run by name)', '–']);
  io.stdout(`${table(rows)}\n`);
  return 0;
}

/** One engine's parameters: name, default, allowed range, meaning; text parameters last. */
export function showEngine(name: string, io: Io): number {
  const known = [...ENGINE_NAMES, ...REFERENCE_NAMES] as readonly string[];
  if (!known.includes(name)) throw new UserError(`unknown engine "${name}" (registered: ${known.join(', ')})`);
  const d = (ENGINE_NAMES as readonly string[]).includes(name) ? ENGINES[name as keyof typeof ENGINES] : REFERENCE_ENGINES[name as keyof typeof REFERENCE_ENGINES];
  const rows: string[][] = [['parameter', 'default', 'allowed', 'meaning']];
  for (const [key, p] of Object.entries(d.params ?? {})) {
    const range = p.min === undefined && p.max === undefined ? 'any number' : `${p.min ?? '−∞'} to ${p.max ?? '∞'}`;
    rows.push([key, String(p.default), p.integer ? `${range}, whole` : range, p.description]);
  }
  for (const [key, t] of Object.entries(d.textParams ?? {})) rows.push([key, '–', 'a path (no : or ,)', t.description]);
  io.stdout(`${name}: ${d.description}\n`);
  io.stdout(rows.length === 1 ? 'no parameters\n' : `\n${table(rows)}\n\ngive them as ${name}:key=value:key=value\n`);
  return 0;
}

/** `pacebench scenarios list | validate <scenario>`. */
export const scenariosCommand = defineGroup({
  command: 'scenarios',
  describe: 'list or check scenarios',
  subcommands: [
    defineCommand({
      kind: 'scenarios-list',
      command: 'list',
      describe: 'one line per shipped scenario: name, cases, what it models',
      builder: (y) => y,
      parse: () => ({ kind: 'scenarios-list' as const }),
      run: async (_command, io) => listScenarios(io),
    }),
    defineCommand({
      kind: 'scenarios-validate',
      command: 'validate <scenario>',
      describe: 'check a scenario and report every problem with its file and line',
      builder: (y) => y.positional('scenario', { type: 'string', demandOption: true, describe: 'a scenario name or a folder path' }),
      parse: (a) => ({ kind: 'scenarios-validate' as const, scenario: a.scenario }),
      run: async (command, io) => validateScenarioCommand(command.scenario, io),
    }),
  ],
  demand: 'name a subcommand: list or validate',
});

/** `pacebench engines list`. */
export const enginesCommand = defineGroup({
  command: 'engines',
  describe: "list the registered engines, or show one's parameters",
  subcommands: [
    defineCommand({
      kind: 'engines-list',
      command: 'list',
      describe: 'one line per registered engine, with its parameters',
      builder: (y) => y,
      parse: () => ({ kind: 'engines-list' as const }),
      run: async (_command, io) => listEngines(io),
    }),
    defineCommand({
      kind: 'engines-show',
      command: 'show <engine>',
      describe: "one engine's parameters: default, allowed values, meaning",
      builder: (y) => y.positional('engine', { type: 'string', demandOption: true, describe: 'a registered engine, e.g. pace' }),
      parse: (a) => ({ kind: 'engines-show' as const, engine: a.engine }),
      run: async (command, io) => showEngine(command.engine, io),
    }),
  ],
  demand: 'name a subcommand: list or show',
});
