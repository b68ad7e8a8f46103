/**
 * Timestamps of the contract: UTC wall-clock `YYYY-MM-DD HH:MM:SS`, and ISO 8601
 * (`2021-01-02T03:12:27Z`, optional fraction, `Z` or `±HH:MM`). Times are carried as
 * epoch milliseconds; the simulator works in minutes from a case's start.
 */

const MS_PER_MINUTE = 60_000;

export { MS_PER_MINUTE };

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch milliseconds, or `null` when `text` is not a timestamp of the contract. */
export function parseTimestamp(text: string): number | null {
  // Fast path for the canonical form, which every request built by the harness uses.
  if (text.length === 19 && text.charCodeAt(10) === 32) {
    const fast = parseCanonical(text);
    if (fast !== null) return fast;
  }
  const m = PATTERN.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Date.UTC maps years 0-99 to 1900-1999; no real opening is that old.
  if (year < 1000) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (frac !== undefined) ms += Math.round(Number(frac) * 1000);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2, 4));
    if (offH > 23 || offM > 59) return null;
    ms -= sign * (offH * 60 + offM) * MS_PER_MINUTE;
  }
  return ms;
}

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function parseCanonical(text: string): number | null {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  // NaN fails every comparison, so a non-digit anywhere lands in the `return null`.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return null;
  if (!(hour <= 23 && minute <= 59 && second <= 59 && year >= 1000)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const MS_PER_DAY = 86_400_000;

/** The last day formatted: the simulator formats many times a day, one minute apart. */
let cachedDay = Number.NaN;
let cachedPrefix = '';

/** The canonical `YYYY-MM-DD HH:MM:SS` form (whole seconds, UTC). */
export function formatTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86_400);
  if (day !== cachedDay) {
    const d = new Date(day * MS_PER_DAY);
    cachedPrefix = `${String(d.getUTCFullYear()).padStart(4, '0')}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]} `;
    cachedDay = day;
  }
  const inDay = seconds - day * 86_400;
  const hour = Math.floor(inDay / 3600);
  const minute = Math.floor((inDay - hour * 3600) / 60);
  const second = inDay - hour * 3600 - minute * 60;
  return `${cachedPrefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}`;
}
