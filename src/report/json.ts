import { UserError } from '../errors.ts';
import { SCHEMA_VERSION, type Summary } from '../score/summary.ts';

/**
 * `summary.json`: keys in the order they were built, two-space indent, intervals kept on
 * one line (`"ci95": [0.96, 0.98]`) so that a diff of two reports stays readable.
 */
export function summaryJson(summary: Summary): string {
  const text = JSON.stringify(summary, null, 2).replace(
    /\[\n\s+(-?[\d.eE+-]+),\n\s+(-?[\d.eE+-]+)\n\s+\]/g,
    '[$1, $2]',
  );
  return `${text}\n`;
}

/** JSON text of a file the user named, or a `UserError` that names the file. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Reads a `summary.json` written by pacebench. Checks what the readers rely on and names
 * the file when it is not one.
 */
export function parseSummary(text: string, file: string): Summary {
  const s = parseJson(text, file) as Partial<Summary> | null;
  if (typeof s !== 'object' || s === null || s.schema_version === undefined) {
    throw new UserError(`${file}: not a pacebench summary.json (no schema_version)`);
  }
  if (s.schema_version !== SCHEMA_VERSION) {
    throw new UserError(`${file}: schema_version ${String(s.schema_version)}, this pacebench reads ${SCHEMA_VERSION}`);
  }
  if (typeof s.scenario !== 'string' || !Array.isArray(s.engines) || typeof s.params !== 'object' || s.params === null) {
    throw new UserError(`${file}: a summary.json needs scenario, params and engines`);
  }
  for (const [i, e] of s.engines.entries()) {
    const ok =
      typeof e?.engine === 'string' &&
      typeof e.fill_rate?.mean === 'number' &&
      (Array.isArray(e.fill_rate.ci95) || e.fill_rate.ci95 === null) &&
      typeof e.value?.mean === 'number' &&
      (Array.isArray(e.value.ci95) || e.value.ci95 === null) &&
      typeof e.regret?.mean === 'number';
    if (!ok) throw new UserError(`${file}: engines[${i}] lacks engine, fill_rate, value or regret`);
  }
  return s as Summary;
}
