import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Worker threads do not inherit tsx's loader, and registering it in each worker costs
 * about 400 ms on this machine: longer than a whole cold_start run. So the worker's code is
 * bundled once per run with esbuild (about 20 ms) into plain JavaScript that a worker
 * starts in about 80 ms. Packages stay external and resolve from the project's
 * node_modules, which is why the bundle lives under node_modules/.cache.
 */
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = path.join(PROJECT, 'node_modules', '.cache', 'pacebench');

let counter = 0;

export interface WorkerBundle {
  /** The worker entry to start. */
  readonly entry: URL;
  /** Module engines rebuilt as plain JavaScript, by the path the user gave. */
  readonly modules: ReadonlyMap<string, string>;
  dispose(): void;
}

/** Lets bundled CommonJS code `require` Node's built-ins from an ES module. */
const REQUIRE_BANNER = "import { createRequire as __pacebenchCreateRequire } from 'node:module'; const require = __pacebenchCreateRequire(import.meta.url);";

export async function bundleWorker(modulePaths: readonly string[]): Promise<WorkerBundle> {
  mkdirSync(CACHE, { recursive: true });
  const stem = path.join(CACHE, `run-${process.pid}-${counter++}`);
  const files: string[] = [];
  try {
    const entry = `${stem}-worker.mjs`;
    files.push(entry);
    await build({
      entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
      outfile: entry,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    const modules = new Map<string, string>();
    for (const [i, file] of modulePaths.entries()) {
      // A user's module is bundled whole: its own imports resolve from where it lives.
      const out = `${stem}-engine-${i}.mjs`;
      files.push(out);
      await build({
        entryPoints: [file],
        outfile: out,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        banner: { js: REQUIRE_BANNER },
        logLevel: 'silent',
      });
      modules.set(file, out);
    }
    return {
      entry: pathToFileURL(entry),
      modules,
      dispose: () => {
        for (const f of files) rmSync(f, { force: true });
      },
    };
  } catch (error) {
    for (const f of files) rmSync(f, { force: true });
    throw error;
  }
}
