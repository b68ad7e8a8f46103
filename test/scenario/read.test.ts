import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, listScenarioNames } from '../../src/scenario/read.ts';
import { formatProblem } from '../../src/scenario/problems.ts';
import { SHIPPED_SCENARIOS } from '../../src/scenario/read.ts';

function copyOfTiny(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-read-'));
  cpSync(path.join(import.meta.dirname, '..', 'fixtures', 'tiny'), dir, { recursive: true });
  return dir;
}

function problems(dir: string): string[] {
  const result = checkScenario(dir);
  return result.ok ? [] : result.problems.map((p) => formatProblem(p).replace(/^.*\//, ''));
}

describe('reading a scenario folder', () => {
  it('refuses a directory where a CSV is expected, by name', () => {
    const dir = copyOfTiny();
    const file = path.join(dir, 'behaviours.csv');
    execFileSync('rm', [file]);
    mkdirSync(file);
    expect(problems(dir)).toEqual(['behaviours.csv: is a directory, expected a CSV file']);
  });

  it('refuses a FIFO and a device instead of blocking or reading forever', () => {
    const dir = copyOfTiny();
    execFileSync('rm', [path.join(dir, 'candidates.csv')]);
    execFileSync('mkfifo', [path.join(dir, 'candidates.csv')]);
    expect(problems(dir)).toEqual(['candidates.csv: is a named pipe, expected a CSV file']);
    execFileSync('rm', [path.join(dir, 'candidates.csv')]);
    execFileSync('ln', ['-s', '/dev/zero', path.join(dir, 'candidates.csv')]);
    expect(problems(dir)).toEqual(['candidates.csv: is a device, expected a CSV file']);
  });

  it('lists the good scenarios of a folder that holds a broken one', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pacebench-root-'));
    cpSync(path.join(SHIPPED_SCENARIOS, 'cold_start'), path.join(root, 'cold_start'), { recursive: true });
    mkdirSync(path.join(root, 'broken'));
    mkdirSync(path.join(root, 'broken', 'pools.csv'));
    writeFileSync(path.join(root, 'stray.txt'), 'not a scenario');
    expect(listScenarioNames(root)).toEqual(['broken', 'cold_start']);
    expect(checkScenario('broken', root).ok).toBe(false);
    expect(checkScenario('cold_start', root).ok).toBe(true);
  });
});

describe('a scenario path that is not there', () => {
  it('is said not to exist; a file in its place is not a scenario folder', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pacebench-root-'));
    const missing = checkScenario(path.join(root, 'nope'));
    expect(missing.ok ? [] : missing.problems.map((p) => p.message)).toEqual(['does not exist']);
    // A folder outside the working one is named whole, as given, not as ../../…
    expect(missing.ok ? [] : missing.problems.map((p) => p.file)).toEqual([path.join(root, 'nope')]);
    writeFileSync(path.join(root, 'afile'), 'x');
    const file = checkScenario(path.join(root, 'afile'));
    expect(file.ok ? [] : file.problems.map((p) => p.message)).toEqual(['is not a scenario folder']);
  });
});
