#!/usr/bin/env node
// `npm run build`, also run by npm's `prepare` (so `npm ci` and `npm install` build): bundles
// the CLI and the entries of its kinds of worker thread into dist/ with esbuild, and
// records in dist/build-info.json which source files went in and what they held, so that
// bin/pacebench.mjs can refuse to run a build older than the sources.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const INFO = path.join(DIST, 'build-info.json');

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'error',
};

/** vega's canvas package is optional and unused: charts are drawn as SVG text. */
const withoutCanvas = {
  name: 'without-canvas',
  setup(b) {
    b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: 'vega-canvas', namespace: 'pacebench-no-canvas' }));
    b.onLoad({ filter: /.*/, namespace: 'pacebench-no-canvas' }, () => ({ contents: 'export function canvas() { return null; }\nexport function image() { return null; }\n', loader: 'js' }));
  },
};

const builds = [
  // The CLI, as CommonJS: it loads faster than an ES module bundle (docs/performance.md).
  // CommonJS has no import.meta, so import.meta.url is the bundle's own URL, by esbuild's define.
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: path.join(DIST, 'cli.cjs'),
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    define: { 'import.meta.url': '__pacebench_module_url' },
    banner: { js: "const __pacebench_module_url = require('node:url').pathToFileURL(__filename).href;" },
  },
  // The simulation's threads (an ES module: its entry awaits at the top level).
  {
    ...common,
    entryPoints: ['src/sim/worker.ts'],
    outfile: path.join(DIST, 'worker.mjs'),
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
  },
  // The conformance check's guarded thread (an ES module, as the simulation's).
  {
    ...common,
    entryPoints: ['src/conformance/thread-main.ts'],
    outfile: path.join(DIST, 'conformance-worker.mjs'),
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
  },
  // The threads of the engines `serve` runs from users' modules (an ES module, as the simulation's).
  {
    ...common,
    entryPoints: ['src/serve/thread-main.ts'],
    outfile: path.join(DIST, 'serve-worker.mjs'),
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
  },
  // The chart renderer's threads, with vega and vega-lite inside.
  {
    ...common,
    entryPoints: ['src/report/render-worker.ts'],
    outfile: path.join(DIST, 'render-worker.cjs'),
    format: 'cjs',
    minify: true,
    plugins: [withoutCanvas],
  },
];

/** Written beside its place and renamed: a run starting meanwhile reads the old file or the new one, whole. */
function replace(file, contents) {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

let results;
try {
  // Nothing is written unless every part compiles.
  results = await Promise.all(builds.map((options) => build({ ...options, write: false })));
} catch {
  // esbuild has printed where the sources do not compile.
  process.exitCode = 1;
}
if (results !== undefined) {
  mkdirSync(DIST, { recursive: true });
  for (const output of results.flatMap((r) => r.outputFiles)) replace(output.path, output.contents);
  // pacebench's own files; packages change only through npm, which runs this build again.
  const own = (file) => !file.includes(':') && !file.startsWith('../') && !file.split('/').includes('node_modules');
  const files = new Set(results.flatMap((r) => Object.keys(r.metafile.inputs)).filter(own));
  const inputs = [...files].sort().map((file) => {
    const absolute = path.join(ROOT, file);
    const { size, mtimeMs } = statSync(absolute);
    return { file, size, mtimeMs, sha256: createHash('sha256').update(readFileSync(absolute)).digest('hex') };
  });
  // Last: the record of a build is there only once the whole build is.
  replace(INFO, `${JSON.stringify({ inputs }, null, 1)}\n`);
}
