import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { UserError } from '../errors.ts';

/**
 * Worker threads do not inherit tsx's loader, and registering it in each worker costs
 * about 400 ms on this machine: longer than a whole cold_start run. So the worker's code is
 * bundled with esbuild into plain JavaScript that a thread starts in about 60 ms. Bundles
 * are cached under node_modules/.cache/pacebench, keyed by what went into them (every input
 * file's size and modification time), so a repeated run spends nothing on building.
 * Packages stay external in pacebench's own bundle and resolve from the project's
 * node_modules, which is why the cache lives there.
 */
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = path.join(PROJECT, 'node_modules', '.cache', 'pacebench');

export interface WorkerBundle {
  /** The worker entry to start. */
  readonly entry: URL;
  /** Module engines rebuilt as plain JavaScript, by the path the user gave. */
  readonly modules: ReadonlyMap<string, string>;
}

/** Lets bundled CommonJS code `require` Node's built-ins from an ES module. */
const REQUIRE_BANNER =
  "import { createRequire as __pacebenchCreateRequire } from 'node:module'; const require = __pacebenchCreateRequire(import.meta.url);";

interface CacheRecord {
  readonly inputs: readonly { readonly file: string; readonly size: number; readonly mtimeMs: number }[];
}

function fingerprint(file: string): { size: number; mtimeMs: number } | null {
  try {
    const s = statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/** Whether the bundle at `out` was built from the files as they are now. */
export function isBundleCurrent(out: string): boolean {
  const record = `${out}.inputs.json`;
  if (!existsSync(out) || !existsSync(record)) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(record, 'utf8')) as CacheRecord;
    return inputs.every((i) => {
      const f = fingerprint(i.file);
      return f !== null && f.size === i.size && f.mtimeMs === i.mtimeMs;
    });
  } catch {
    return false;
  }
}

/** A cache name for an entry file: readable, and unique per absolute path. */
function cacheName(entry: string, kind: string): string {
  let h = 0;
  for (let i = 0; i < entry.length; i++) h = (Math.imul(h, 31) + entry.charCodeAt(i)) | 0;
  const base = path.basename(entry).replace(/[^A-Za-z0-9_.-]/g, '_');
  return path.join(CACHE, `${kind}-${base}-${(h >>> 0).toString(16)}.mjs`);
}

/**
 * Builds `entry` into `out` unless the bundle there is current. `options` are esbuild's, on top
 * of a Node 20 bundle; `replaced` runs just before a new bundle takes the old one's place.
 */
export async function bundleCached(entry: string, out: string, options: BuildOptions, replaced?: () => void): Promise<void> {
  if (isBundleCurrent(out)) return;
  mkdirSync(path.dirname(out), { recursive: true });
  // Built beside the target and renamed, so a concurrent run never loads half a file.
  const temp = `${out}.tmp-${process.pid}`;
  try {
    // Loaded only when a bundle is stale: esbuild costs a third of a second to import.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      outfile: temp,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      ...options,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs)
      .map((file) => path.resolve(file))
      // Modules a plugin made up (no file on disk) are no input that can change.
      .flatMap((file) => {
        const f = fingerprint(file);
        return f === null ? [] : [{ file, ...f }];
      });
    writeFileSync(`${temp}.inputs.json`, JSON.stringify({ inputs } satisfies CacheRecord));
    replaced?.();
    renameSync(temp, out);
    renameSync(`${temp}.inputs.json`, `${out}.inputs.json`);
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}.inputs.json`, { force: true });
  }
}

/**
 * A user's engine module bundled whole, as plain JavaScript: what both the main thread and the
 * helper threads import, whatever the module's language (TypeScript or JavaScript) and
 * whatever its folder's package.json says about module formats. A module that does not
 * compile is a UserError naming its file, line and column.
 */
export async function bundleEngineModule(file: string): Promise<string> {
  // Helper threads are handed the bundle itself. (Not compared with CACHE: inside the worker's
  // own bundle, paths computed from import.meta.url start from the bundle's folder.)
  if (path.dirname(path.resolve(file)).endsWith(path.join('.cache', 'pacebench')) && path.basename(file).startsWith('engine-')) return file;
  const out = cacheName(file, 'engine');
  try {
    await bundleCached(file, out, { banner: { js: REQUIRE_BANNER } });
  } catch (error) {
    const errors = (error as { errors?: readonly { text: string; location: { file: string; line: number; column: number } | null }[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const shown = errors.slice(0, 5).map((e) => (e.location === null ? e.text : `${path.resolve(e.location.file)}:${e.location.line}:${e.location.column + 1}: ${e.text}`));
      throw new UserError(`engine module ${file} does not compile:\n${shown.join('\n')}${errors.length > 5 ? `\n… and ${errors.length - 5} more` : ''}`);
    }
    throw error;
  }
  return out;
}

/**
 * The worker bundle, and each user's engine module bundled whole (its own imports resolve
 * from where it lives), built or taken from the cache.
 */
export async function bundleWorker(modulePaths: readonly string[]): Promise<WorkerBundle> {
  const workerEntry = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const workerOut = cacheName(workerEntry, 'worker');
  await bundleCached(workerEntry, workerOut, { packages: 'external' });
  const modules = new Map<string, string>();
  for (const file of modulePaths) modules.set(file, await bundleEngineModule(file));
  return { entry: pathToFileURL(workerOut), modules };
}
