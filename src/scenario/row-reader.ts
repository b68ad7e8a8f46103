import { parseTimestamp } from '../contract/time.ts';
import type { CsvRow } from './csv.ts';
import type { Problem } from './problems.ts';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Field readers that record a problem and return `null` on bad input, so checking goes on. */
export class RowReader {
  constructor(
    private readonly file: string,
    private readonly row: CsvRow,
    private readonly problems: Problem[],
    private readonly missing: ReadonlySet<string> = new Set(),
  ) {}

  get line(): number {
    return this.row.line;
  }

  text(column: string): string {
    return this.row.cells.get(column) ?? '';
  }

  fail(column: string, message: string): null {
    if (this.missing.has(column)) return null;
    this.problems.push({ file: this.file, line: this.row.line, column, message });
    return null;
  }

  integer(column: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | null {
    const raw = this.text(column);
    if (raw === '') return this.fail(column, `is empty, expected an integer >= ${min}`);
    if (!INTEGER.test(raw)) return this.fail(column, `"${raw}" is not an integer`);
    const value = Number(raw);
    if (value < min) return this.fail(column, `${raw} is below ${min}`);
    if (value > max) return this.fail(column, `${raw} is above ${max}, the largest this column takes`);
    return value;
  }

  number(column: string, check: (x: number) => boolean, expected: string): number | null {
    const raw = this.text(column);
    if (raw === '') return this.fail(column, `is empty, expected ${expected}`);
    if (!NUMBER.test(raw)) return this.fail(column, `"${raw}" is not a number`);
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) return this.fail(column, `${raw} is not ${expected}`);
    return value;
  }

  probability(column: string): number | null {
    return this.number(column, (x) => x >= 0 && x <= 1, 'a probability between 0 and 1');
  }

  timestamp(column: string): number | null {
    const raw = this.text(column);
    if (raw === '') return this.fail(column, 'is empty, expected a timestamp YYYY-MM-DD HH:MM:SS');
    const value = parseTimestamp(raw);
    if (value === null) return this.fail(column, `"${raw}" is not a timestamp (expected YYYY-MM-DD HH:MM:SS or ISO 8601)`);
    return value;
  }

  empty(column: string, why: string): void {
    const raw = this.text(column);
    if (raw !== '') this.fail(column, `"${raw}" must be empty ${why}`);
  }
}
