import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers.ts';

const DOCS = path.resolve(import.meta.dirname, '..', '..', 'docs');
const page = readFileSync(path.join(DOCS, 'scenarios.md'), 'utf8');

/** Every column the validator accepts, per file: a header with one more is refused. */
const COLUMNS = {
  'pools.csv': ['case_id', 'pool_size', 'num_vacancies', 'start', 'deadline', 'behaviour'],
  'behaviours.csv': ['behaviour', 'segment', 'weight', 'p_accept', 'p_reject', 'p_offer_accept', 'delay_dist', 'delay_a', 'delay_b'],
  'candidates.csv': ['case_id', 'position', 'outcome', 'offer', 'delay_minutes'],
};

describe('docs/scenarios.md', () => {
  it('describes every column of every scenario file, in its own table', () => {
    for (const [file, columns] of Object.entries(COLUMNS)) {
      const at = page.indexOf(`### \`${file}\``);
      expect(at, file).toBeGreaterThan(0);
      const end = page.indexOf('\n##', at + 1);
      const section = page.slice(at, end === -1 ? undefined : end);
      for (const c of columns) expect(section, `${file} ${c}`).toContain(`| \`${c}\` |`);
    }
    // The columns listed are those the validator takes: the full headers pass.
    const result = check(
      lines(COLUMNS['pools.csv'].join(','), 'c1,5,1,2021-01-01 00:00:00,2021-01-02 00:00:00,b'),
      lines(COLUMNS['behaviours.csv'].join(','), 'b,all,1,0.1,0.1,0.6,weibull,2,10'),
      lines(COLUMNS['candidates.csv'].join(',')),
    );
    expect(result.ok).toBe(true);
  });

  it('says what delay_a and delay_b are for each delay distribution', () => {
    for (const dist of ['weibull', 'lognormal', 'exponential', 'fixed']) expect(page).toMatch(new RegExp(`\\| \`${dist}\` \\| [^|]+ \\| [^|]+ \\|`));
  });

  it('and no page of docs/ points to a specification that is not in the repository', () => {
    for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(path.join(DOCS, file), 'utf8');
      expect(text, file).not.toMatch(/spec\/|spec `[a-z]+\.md`|specification's `/);
    }
  });
});
