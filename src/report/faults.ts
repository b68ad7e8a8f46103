import { faultTallies, tooManyFaults, type CaseRow } from '../score/rows.ts';
import { counted } from '../words.ts';

/**
 * What a reader must not miss of an engine's faults, a line each (backtest prints them on
 * stderr): faults on every case; a share of 5 % or more (`tooManyFaults`, also flagged in
 * summary.md); and any fault at all of a remote engine (`remote`: their labels), since a
 * service that refuses connections or times out midway is a broken run, not a property of
 * the engine.
 */
export function faultWarnings(rows: readonly CaseRow[], remote: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const e of faultTallies(rows)) {
    if (e.first === null) continue;
    const share = `${counted(e.cases, 'case', 'cases', `${e.faults} of ${e.cases}`)} (${((100 * e.faults) / e.cases).toFixed(e.faults * 10 < e.cases ? 1 : 0)} %)`;
    if (e.faults === e.cases) {
      lines.push(`every case of ${e.engine} (${e.cases}) ended in a fault, its figures measure nothing; the first: ${e.first}`);
    } else if (tooManyFaults(e.faults, e.cases)) {
      lines.push(`${e.engine} faulted on ${share}, its figures describe the faults as much as the engine; the first: ${e.first}`);
    } else if (remote.has(e.engine)) {
      lines.push(`${e.engine}, a service, faulted on ${share}; a service should answer every call; the first: ${e.first}`);
    }
  }
  return lines;
}
