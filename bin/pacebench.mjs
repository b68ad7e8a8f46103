#!/usr/bin/env node
// The command line's start: what `npm run backtest`, `npm run pacebench` and the other
// scripts run. It loads the CLI that `npm run build` bundled into dist/ (npm ci and npm
// install build it), after checking that every source file that went into that build is as
// it was then: a build older than the sources is refused, never run.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');

function refuse(why) {
  process.stderr.write(`pacebench: ${why}: run npm run build\n`);
  process.exit(2);
}

let inputs;
try {
  ({ inputs } = JSON.parse(readFileSync(path.join(DIST, 'build-info.json'), 'utf8')));
} catch {
  refuse('pacebench is not built (no dist/build-info.json)');
}
for (const input of inputs) {
  let now;
  try {
    now = statSync(path.join(ROOT, input.file));
  } catch {
    refuse(`${input.file} is gone since the last build`);
  }
  if (now.size === input.size && now.mtimeMs === input.mtimeMs) continue;
  // Touched, perhaps not changed (a checkout, a save without edits): the contents decide.
  const sha256 = now.size === input.size ? createHash('sha256').update(readFileSync(path.join(ROOT, input.file))).digest('hex') : null;
  if (sha256 !== input.sha256) refuse(`${input.file} changed since the last build`);
}

// Stack traces name the TypeScript files and lines, not the bundle's.
process.setSourceMapsEnabled(true);
await createRequire(import.meta.url)(path.join(DIST, 'cli.cjs')).start();
