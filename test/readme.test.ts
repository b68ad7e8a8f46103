import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { END, START, engineTable } from '../.ci/readme-table.ts';

const ROOT = path.join(import.meta.dirname, '..');

describe('README', () => {
  it('shows the cold_start table of the committed baseline (npm run readme:table)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const between = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
    const table = engineTable(readFileSync(path.join(ROOT, 'reports/baseline/cold_start/summary.md'), 'utf8'));
    expect(between).toBe(table);
  });

  it('gives the quick start the task asks for', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm run backtest -- --scenario cold_start\nnpm test');
  });
});
