import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { END, START, engineTable } from '../.ci/readme-table.ts';
import { END as HELP_END, START as HELP_START, helpSections } from '../.ci/cli-reference.ts';

const ROOT = path.join(import.meta.dirname, '..');

describe('README', () => {
  it('shows the cold_start table of the committed baseline (npm run readme:table)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const between = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
    const table = engineTable(readFileSync(path.join(ROOT, 'reports/baseline/cold_start/summary.md'), 'utf8'));
    expect(between).toBe(table);
  });

  it('docs/cli.md holds every command\'s --help as the CLI gives it (npm run docs:cli)', async () => {
    const page = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    expect(page.slice(page.indexOf(HELP_START) + HELP_START.length, page.indexOf(HELP_END)).trim()).toBe(await helpSections());
  });

  it('gives the quick start the task asks for', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm run backtest -- --scenario cold_start\nnpm test');
  });
});
