/** Option values with units, as people write them: `16MiB`, `512kb`, `30m`, `24h`. */

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 2 ** 10, m: 1e6, mb: 1e6, mib: 2 ** 20, g: 1e9, gb: 1e9, gib: 2 ** 30 };
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Bytes from `16777216`, `16MiB`, `1mb` (decimal k/M/G, binary KiB/MiB/GiB); `null` if unreadable. */
export function parseSize(text: string | number): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
  const factor = m === null ? undefined : SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  if (m === null || factor === undefined) return null;
  const bytes = Math.round(Number(m[1]) * factor);
  return bytes >= 1 ? bytes : null;
}

/** Milliseconds from `90` (seconds), `250ms`, `30m`, `24h`, `7d`; `null` if unreadable. */
export function parseDuration(text: string | number): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
  const factor = m === null ? undefined : TIME_UNITS[(m[2] ?? '').toLowerCase()];
  if (m === null || factor === undefined) return null;
  const ms = Number(m[1]) * factor;
  return ms > 0 ? ms : null;
}
