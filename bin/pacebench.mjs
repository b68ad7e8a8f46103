#!/usr/bin/env node
// The command line's start: what `npm run backtest`, `npm run pacebench` and the other
// scripts run. pacebench's sources are TypeScript, and `tsx src/cli.ts` runs them as they
// are; but tsx's loader transforms and resolves each of the ~80 modules through a thread of
// its own, which costs about 0.4 s of wall time and 0.7 s of CPU on this project's 2-core
// machine before any work starts: a third of the quick start. So this script bundles the
// sources once with esbuild (as tsx would transform them, into plain JavaScript), caches the
// bundle under node_modules/.cache/pacebench/cli-*, and imports it. The cache is keyed by every
// source file's size and modification time, so an edited file is picked up on the next run
// (the rebuild takes about half a second). There is still no build step to run: the first
// run builds. `PACEBENCH_NO_BUNDLE=1` runs the sources through tsx instead.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROJECT = fileURLToPath(new URL('../', import.meta.url));
const SOURCES = path.join(PROJECT, 'src');
const ENTRY = path.join(SOURCES, 'cli.ts');
// One cache per checkout: two checkouts may share one node_modules (a symbolic link).
const CACHE = path.join(PROJECT, 'node_modules', '.cache', 'pacebench', `cli-${checkoutId(PROJECT)}`);
const CURRENT = path.join(CACHE, 'current.json');
/** Bumped when the way the bundle is built changes, so that older bundles are rebuilt. */
const FORMAT = 3;

function checkoutId(folder) {
  let h = 0;
  for (let i = 0; i < folder.length; i++) h = (Math.imul(h, 31) + folder.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

function fingerprint(file) {
  try {
    const s = statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/** The bundle's folder when every file that went into it is as it was, else null. */
function cachedBuild() {
  try {
    const record = JSON.parse(readFileSync(CURRENT, 'utf8'));
    if (record.format !== FORMAT || typeof record.dir !== 'string') return null;
    const dir = path.join(CACHE, record.dir);
    if (!existsSync(path.join(dir, 'cli.cjs'))) return null;
    for (const input of record.inputs) {
      const now = fingerprint(input.file);
      if (now === null || now.size !== input.size || now.mtimeMs !== input.mtimeMs) return null;
    }
    return dir;
  } catch {
    return null;
  }
}

/**
 * Bundled code lives in the cache, not beside its sources, so each module's
 * `import.meta.url` is replaced by the URL of the file it was written in: paths computed
 * from it (the shipped scenarios, the worker entries) stay what they are under tsx.
 * Occurrences inside a string literal on their line (code written for other bundles)
 * are left alone.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(SOURCES + path.sep)) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const contents = readFileSync(args.path, 'utf8')
        .split('\n')
        .map((line) =>
          line.replace(/\bimport\.meta\.url\b/g, (match, offset) => {
            const before = line.slice(0, offset);
            const quotes = (before.match(/(?<!\\)"/g) ?? []).length + (before.match(/(?<!\\)`/g) ?? []).length;
            return quotes % 2 === 1 ? match : url;
          }),
        )
        .join('\n');
      return { contents, loader: 'ts' };
    });
  },
};

async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  // Each build gets a folder of its own and becomes current by renaming one small file, so
  // a run that starts meanwhile never loads half a bundle.
  const dir = `build-${process.pid}-${Date.now().toString(36)}`;
  const result = await build({
    entryPoints: [ENTRY],
    outfile: path.join(CACHE, dir, 'cli.cjs'),
    bundle: true,
    // CommonJS loads in half the time an ES module bundle does (no linking, and the CommonJS
    // packages need no export scan), and commands still load their heavy packages (the
    // server, the chart renderer) only when they run: in CommonJS output esbuild turns a
    // module reached by import() into a function called then, with its require()s inside.
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // The sources are on disk beside the bundle; maps that only point at them stay small.
    sourcesContent: false,
    metafile: true,
    logLevel: 'error',
    plugins: [keepModuleUrls],
  });
  const inputs = Object.keys(result.metafile.inputs).map((file) => {
    const absolute = path.resolve(PROJECT, file);
    return { file: absolute, ...(fingerprint(absolute) ?? { size: -1, mtimeMs: -1 }) };
  });
  const temp = `${CURRENT}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify({ format: FORMAT, dir, inputs }));
  renameSync(temp, CURRENT);
  // Older builds go once they are an hour old: a run started before this one may still be
  // loading chunks from its own.
  for (const name of readdirSync(CACHE)) {
    if (!name.startsWith('build-') || name === dir) continue;
    const old = path.join(CACHE, name);
    if (Date.now() - (fingerprint(old)?.mtimeMs ?? 0) > 3_600_000) rmSync(old, { recursive: true, force: true });
  }
  return path.join(CACHE, dir);
}

async function throughTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}

let cli;
if (process.env.PACEBENCH_NO_BUNDLE === '1') {
  cli = await throughTsx();
} else {
  let dir = cachedBuild();
  if (dir === null) {
    try {
      dir = await buildBundle();
    } catch (error) {
      if (Array.isArray(error?.errors) && error.errors.length > 0) {
        // esbuild has printed where the sources do not compile.
        process.stderr.write(`pacebench: could not bundle ${path.relative(process.cwd(), ENTRY)}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      }
      // No bundle to be had (a read-only node_modules, say): the sources run through tsx,
      // slower to start, the same otherwise.
      dir = null;
    }
  }
  if (dir === null) {
    cli = await throughTsx();
  } else {
    // Stack traces name the TypeScript files and lines, not the bundle's.
    process.setSourceMapsEnabled(true);
    cli = createRequire(import.meta.url)(path.join(dir, 'cli.cjs'));
  }
}
await cli.start();
