import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.ts';
import { BUILT, fromRoot } from '../paths.ts';

/**
 * How a simulation thread starts. Built, it runs dist/worker.mjs (`npm run build`). From the
 * sources (tests, tsx) a thread has no TypeScript loader, so worker-boot.mjs registers tsx's
 * and imports the thread's TypeScript entry, `WORKER_SOURCE`.
 */
export const WORKER_START: URL = pathToFileURL(fromRoot(BUILT ? 'dist/worker.mjs' : 'src/sim/worker-boot.mjs'));
export const WORKER_SOURCE: string = pathToFileURL(fromRoot('src/sim/worker.ts')).href;

export interface WorkerBundle {
  /** The worker entry to start. */
  readonly entry: URL;
  /** Module engines rebuilt as plain JavaScript, by the path the user gave. */
  readonly modules: ReadonlyMap<string, string>;
}

/** Lets bundled CommonJS code `require` Node's built-ins from an ES module. */
const REQUIRE_BANNER =
  "import { createRequire as __pacebenchCreateRequire } from 'node:module'; const require = __pacebenchCreateRequire(import.meta.url);";

/** Where this process writes engine modules' bundles; removed when it exits. */
const PREFIX = 'pacebench-engines-';
let folder: string | null = null;
const bundled = new Map<string, Promise<string>>();

function bundleFolder(): string {
  if (folder === null) {
    const made = mkdtempSync(path.join(tmpdir(), PREFIX));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

async function build(file: string): Promise<string> {
  const out = path.join(bundleFolder(), `${bundled.size}-${path.basename(file).replace(/[^A-Za-z0-9_.-]/g, '_')}.mjs`);
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    // Loaded only for engine modules: esbuild takes a while to import.
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [file],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: REQUIRE_BANNER },
    });
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
 * A user's engine module bundled whole, as plain JavaScript: what both the main thread and the
 * helper threads import, whatever the module's folder and language (TypeScript or JavaScript)
 * and whatever its folder's package.json says about module formats. Built once per process.
 * A module that does not compile is a UserError naming its file, line and column.
 */
export function bundleEngineModule(file: string): Promise<string> {
  // Helper threads are handed the main thread's bundle, ready to import.
  if (path.basename(path.dirname(file)).startsWith(PREFIX)) return Promise.resolve(file);
  const key = path.resolve(file);
  let out = bundled.get(key);
  if (out === undefined) {
    out = build(key);
    bundled.set(key, out);
    // A failure is not kept: the file may be fixed and loaded again in this process.
    out.catch(() => bundled.delete(key));
  }
  return out;
}

/** The simulation thread's entry, and each user's engine module bundled whole (its own imports resolve from where it lives). */
export async function bundleWorker(modulePaths: readonly string[]): Promise<WorkerBundle> {
  const modules = new Map<string, string>();
  for (const file of modulePaths) modules.set(file, await bundleEngineModule(file));
  return { entry: WORKER_START, modules };
}
