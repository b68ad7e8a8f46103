import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { fromRoot } from '../paths.ts';
import { formatProblem, sortProblems, type Problem } from './problems.ts';
import type { Scenario } from './types.ts';
import { validateScenario, type ScenarioCheck, type ScenarioFile } from './validate.ts';

/** The project's own `scenarios/` folder, wherever the command is run from. */
export const SHIPPED_SCENARIOS = fromRoot('scenarios') + path.sep;

const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `--scenario NAME` is a folder of the project's `scenarios/`; a value containing `/` is a
 * path to a folder anywhere. Anything else (`..`, a stray absolute path) is refused.
 */
export function resolveScenario(arg: string, root: string = SHIPPED_SCENARIOS): { name: string; dir: string } {
  if (isScenarioPath(arg)) {
    const dir = path.resolve(arg);
    return { name: path.basename(dir), dir };
  }
  if (!NAME.test(arg)) {
    throw new UserError(`scenario name "${arg}" is not valid: use letters, digits, "_" and "-", or a path containing "/"`);
  }
  return { name: arg, dir: path.join(root, arg) };
}

function isScenarioPath(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep);
}

/**
 * How a report names the scenario `arg`: a shipped scenario by its name, a folder by the path
 * given (`fitted/cold_start/` as `fitted/cold_start`, `./mine` as `./mine`). A path always
 * holds a `/`, so a folder is never titled as a shipped scenario that it is not.
 */
export function scenarioTitle(arg: string): string {
  if (!isScenarioPath(arg)) return arg;
  const normal = path.normalize(arg).replace(/(.)[\\/]+$/, '$1');
  return isScenarioPath(normal) ? normal : `.${path.sep}${normal}`;
}

/**
 * The folder under `reports/` of a backtest without `--out`: a shipped scenario's name; for
 * a folder, its parent's name and its own, joined by a dot (`fitted/cold_start` →
 * `fitted.cold_start`). A dot is never in a shipped name, so a path's report never lands in
 * a shipped scenario's folder (the quick start's `reports/cold_start/`).
 */
export function reportFolderName(arg: string): string {
  if (!isScenarioPath(arg)) return arg;
  const dir = path.resolve(arg);
  return `${path.basename(path.dirname(dir)) || 'root'}.${path.basename(dir) || 'root'}`;
}

/** A path as a message shows it: relative to the working folder when inside it, else whole. */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** What a path is, in words, when it is not the regular file a reader expected. */
export function notAFile(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a file the user pointed at, refusing what is not a regular file: a directory, a
 * FIFO that would block, `/dev/zero` that would never end. Problems come back as text.
 */
export function readUserFile(file: string): { text: string } | { problem: string } | null {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `cannot be read: ${(error as Error).message}` };
  }
  if (!stats.isFile()) return { problem: `is ${notAFile(stats)}, expected a CSV file` };
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return { problem: `cannot be read: ${(error as Error).message}` };
  }
}

function readOptional(file: string, problems: Problem[]): ScenarioFile | null {
  const read = readUserFile(file);
  if (read === null) return null;
  if ('problem' in read) {
    problems.push({ file: display(file), message: read.problem });
    return null;
  }
  return { path: display(file), text: read.text };
}

/** The first paragraph of the scenario's README below its title, on one line. */
export function describeScenario(readme: string | null): string {
  if (readme === null) return '';
  const paragraph: string[] = [];
  for (const raw of readme.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) {
      if (paragraph.length > 0) break;
      continue;
    }
    if (line === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line);
  }
  return paragraph.join(' ');
}

/** Reads and checks a scenario folder; never throws for problems in the data. */
export function checkScenario(arg: string, root?: string): ScenarioCheck {
  const { name, dir } = resolveScenario(arg, root);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const known = listScenarioNames(root ?? SHIPPED_SCENARIOS);
    const hint = arg.includes('/') ? '' : ` (shipped scenarios: ${known.join(', ')})`;
    const message = existsSync(dir) ? `is not a scenario folder${hint}` : `does not exist${hint}`;
    return { ok: false, problems: [{ file: display(dir), message }], warnings: [] };
  }
  const fileProblems: Problem[] = [];
  const pools = readOptional(path.join(dir, 'pools.csv'), fileProblems);
  if (pools === null && fileProblems.length === 0) {
    fileProblems.push({ file: display(path.join(dir, 'pools.csv')), message: 'is missing: a scenario needs pools.csv' });
  }
  const readme = readOptional(path.join(dir, 'README.md'), []);
  const behaviours = readOptional(path.join(dir, 'behaviours.csv'), fileProblems);
  const candidates = readOptional(path.join(dir, 'candidates.csv'), fileProblems);
  if (pools === null || fileProblems.length > 0) return { ok: false, problems: fileProblems, warnings: [] };
  return validateScenario({
    name,
    source: display(dir),
    description: describeScenario(readme?.text ?? null),
    pools,
    behaviours,
    candidates,
  });
}

/** Reads a scenario or throws a `UserError` listing every problem, one per line. */
export function readScenario(arg: string, root?: string): { scenario: Scenario; warnings: string[] } {
  const check = checkScenario(arg, root);
  const warnings = sortProblems(check.warnings).map((w) => `warning: ${formatProblem(w)}`);
  if (!check.ok) {
    const lines = sortProblems(check.problems).map(formatProblem);
    const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
    throw new UserError([`scenario "${arg}" has ${count}; nothing was run`, ...lines, ...warnings].join('\n'));
  }
  return { scenario: check.scenario, warnings };
}

export function listScenarioNames(root: string = SHIPPED_SCENARIOS): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && NAME.test(d.name) && existsSync(path.join(root, d.name, 'pools.csv')))
    .map((d) => d.name)
    .sort();
}
