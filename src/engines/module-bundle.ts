import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { holdTemporary } from '../files.ts';

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
    // Removed when the process exits, or when a signal ends it.
    holdTemporary(made);
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
