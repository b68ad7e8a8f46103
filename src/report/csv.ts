import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import { CASE_COLUMNS, rowProblem, type CaseRow } from '../score/rows.ts';

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `cases.csv`: one row per (replicate, case, engine), numbers exactly as the summary used them. */
export function casesCsv(rows: readonly CaseRow[]): string {
  const lines = [CASE_COLUMNS.join(',')];
  for (const row of rows) lines.push(CASE_COLUMNS.map((c) => cell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

const INTEGER_COLUMNS = new Set<string>([
  'replicate',
  'pool_size',
  'num_vacancies',
  'invited',
  'hires',
  'overbooked',
  'oracle_invites',
  'excess_invites',
  'calls',
  'over_asks',
]);

/** The columns before over_asks was added: such files read with no over-asks. */
const COLUMNS_BEFORE_OVER_ASKS = CASE_COLUMNS.filter((c) => c !== 'over_asks');

/** Reads a `cases.csv` written by pacebench back into rows (for `merge` and `compare`). */
export function parseCasesCsv(text: string, file: string): CaseRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new UserError(`${file}: not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = records[0];
  const older = header !== undefined && header.join(',') === COLUMNS_BEFORE_OVER_ASKS.join(',');
  if (header === undefined || (!older && header.join(',') !== CASE_COLUMNS.join(','))) {
    throw new UserError(`${file}:1: expected the header ${CASE_COLUMNS.join(',')}`);
  }
  const columns = older ? COLUMNS_BEFORE_OVER_ASKS : CASE_COLUMNS;
  return records.slice(1).map((record, r) => {
    const line = r + 2;
    const row: Record<string, string | number | null> = { over_asks: 0 };
    columns.forEach((column, i) => {
      const raw = record[i];
      if (raw === undefined) throw new UserError(`${file}:${line}: column ${column}: missing`);
      if (column === 'case_id' || column === 'engine') row[column] = raw;
      else if (column === 'fault') row[column] = raw === '' ? null : raw;
      else if (raw === '' && (column === 'time_to_fill_minutes' || column === 'time_to_fill_ratio')) row[column] = null;
      else {
        const x = Number(raw);
        if (raw === '' || !Number.isFinite(x) || (INTEGER_COLUMNS.has(column) && !Number.isInteger(x))) {
          throw new UserError(`${file}:${line}: column ${column}: "${raw}" is not a number`);
        }
        row[column] = x;
      }
    });
    const problem = rowProblem(row as unknown as CaseRow);
    if (problem !== null) throw new UserError(`${file}:${line}: ${problem}; was the file edited?`);
    return row as unknown as CaseRow;
  });
}
