import { parse } from 'csv-parse/sync';
import type { Problem } from './problems.ts';

/** A data row with the 1-based line it starts on and its cells by column name. */
export interface CsvRow {
  readonly line: number;
  readonly cells: ReadonlyMap<string, string>;
}

export interface CsvTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
  /** Required columns absent from the header: already reported once, not again on every row. */
  readonly missing: ReadonlySet<string>;
}

export interface ColumnRules {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Reads CSV text the way real exports arrive: a UTF-8 byte-order mark, CRLF or LF line
 * endings, blank lines, `#` comment lines, all-empty rows (`,,,` from spreadsheets),
 * whitespace around cells and any column order. Unknown and missing columns, and rows with
 * the wrong number of cells, are problems with their line numbers.
 */
export function readCsv(file: string, text: string, rules: ColumnRules): { table: CsvTable; problems: Problem[] } {
  const problems: Problem[] = [];
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const e = error as { message?: string; lines?: number; code?: string; raw?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED' && typeof e.raw === 'string' && e.raw.length <= text.length && text.endsWith(e.raw)) {
      // csv-parse names the end of the file, where it gave up; the row it was reading, whose
      // raw text runs to the end, is where the quote was opened.
      const before = text.slice(0, text.length - e.raw.length);
      let line = 1;
      for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
      problems.push({ file, line, message: 'not valid CSV: a quote opened in this row is never closed, so the rest of the file reads as one cell' });
    } else {
      const message = (e.message ?? String(error)).replace(/^Invalid \w+:\s*/, '');
      problems.push({ file, ...(typeof e.lines === 'number' ? { line: e.lines } : {}), message: `not valid CSV: ${message}` });
    }
    return { table: { file, columns: [], rows: [], missing: new Set(rules.required) }, problems };
  }
  const first = records[0];
  if (first === undefined) {
    problems.push({ file, message: 'is empty: expected a header row' });
    return { table: { file, columns: [], rows: [], missing: new Set(rules.required) }, problems };
  }
  const headerLine = firstContentLine(text) ?? startLine(first);
  const columns = first.record;
  const known = new Set([...rules.required, ...(rules.optional ?? [])]);
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') {
      problems.push({ file, line: headerLine, message: 'the header has an empty column name' });
    } else if (seen.has(column)) {
      problems.push({ file, line: headerLine, column, message: 'appears twice in the header' });
    } else if (!known.has(column)) {
      problems.push({
        file,
        line: headerLine,
        column,
        message: `unknown column (expected ${[...known].join(', ')})`,
      });
    }
    seen.add(column);
  }
  const missing = new Set<string>();
  for (const column of rules.required) {
    if (!seen.has(column)) {
      missing.add(column);
      problems.push({ file, line: headerLine, column, message: 'is missing from the header' });
    }
  }
  const rows: CsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as ParsedRecord;
    const line = startLine(rec);
    if (rec.record.length !== columns.length) {
      problems.push({
        file,
        line,
        message: `has ${rec.record.length} cells, the header has ${columns.length}`,
      });
      continue;
    }
    const cells = new Map<string, string>();
    columns.forEach((column, i) => cells.set(column, rec.record[i] ?? ''));
    rows.push({ line, cells });
  }
  return { table: { file, columns, rows, missing }, problems };
}

function startLine(rec: ParsedRecord): number {
  // csv-parse reports the line a record ends on; a quoted cell may span several lines.
  let newlines = 0;
  const raw = rec.raw.replace(/[\r\n]+$/, '');
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) === 10) newlines++;
  return rec.info.lines - newlines;
}

/**
 * The line of the header: the first that is neither blank nor a comment. csv-parse counts
 * the first record's lines without the comment lines before it.
 */
function firstContentLine(text: string): number | null {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line !== '' && !line.startsWith('#') && !/^,*$/.test(line)) return i + 1;
  }
  return null;
}
