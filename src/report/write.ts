import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a report folder so that nothing partial is ever left behind: every file first
 * goes to a temporary name beside its target, and only when all are written are they
 * renamed into place (a rename within a folder is atomic).
 */
export function writeFilesAtomically(
  dir: string,
  files: Readonly<Record<string, string>>,
  /** Files of an earlier report this one does not write, removed so that no stale figure is left beside it. */
  stale: readonly string[] = [],
): string[] {
  mkdirSync(dir, { recursive: true });
  const suffix = `.tmp-${process.pid}`;
  const staged: [string, string][] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const target = path.join(dir, name);
      const temp = target + suffix;
      // Names may hold a subfolder (charts/NAME.svg).
      if (path.dirname(name) !== '.') mkdirSync(path.dirname(target), { recursive: true });
      staged.push([temp, target]);
      writeFileSync(temp, text);
    }
  } catch (error) {
    for (const [temp] of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const [temp, target] of staged) renameSync(temp, target);
  for (const name of stale) if (!(name in files)) rmSync(path.join(dir, name), { force: true });
  return staged.map(([, target]) => target);
}
