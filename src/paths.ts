import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * pacebench's own folder: the first folder above this module whose package.json is
 * pacebench's. The same answer whether this module runs from `src/` (tests, tsx) or bundled
 * into `dist/` (the built CLI and its threads).
 */
function findRoot(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'pacebench') return dir;
      } catch {
        // Not a readable manifest: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`pacebench's package.json not found above ${from}`);
  }
}

const HERE = fileURLToPath(import.meta.url);

export const ROOT = findRoot(HERE);

/** Where `npm run build` writes the CLI and its threads' entries. */
export const DIST = path.join(ROOT, 'dist');

/** Whether this code runs built (from `dist/`) rather than from the TypeScript sources. */
export const BUILT = HERE.startsWith(DIST + path.sep);

/** A path inside pacebench's folder, from `/`-separated parts (`'scenarios'`, `'src/sim/worker.ts'`). */
export function fromRoot(relative: string): string {
  return path.join(ROOT, ...relative.split('/'));
}
