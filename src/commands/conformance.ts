import { checkConformance, type ConformanceResult } from '../conformance/check.ts';
import { resolveEngines, type ResolvedEngine } from '../engines/load.ts';
import { ENGINE_NAMES } from '../engines/registry.ts';
import { isUserModule, parseEngineList } from '../engines/spec.ts';
import { checkRemotes, closeRemotes } from '../engines/remotes.ts';
import { checkInGuardedThread } from '../conformance/thread.ts';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engines/call.ts';
import type { Io } from '../cli/io.ts';
import { defineCommand } from '../cli/module.ts';
import { enginesOption, integer, numberText } from '../cli/options.ts';

export interface ConformanceOptions {
  readonly engines: readonly string[];
  readonly timeoutMs?: number | undefined;
}

/**
 * `pacebench conformance`: the engine contract checked on every named engine; exit 1 on a
 * violation. An engine from a user's module is checked in a guarded thread, so that one
 * stuck in a loop fails the check instead of hanging it.
 */
export async function conformance(options: ConformanceOptions, io: Io): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
  const resolved = await resolveEngines(parseEngineList(options.engines.length === 0 ? ENGINE_NAMES : options.engines), io.cwd, { timeoutMs });
  try {
    await checkRemotes(resolved, timeoutMs);
    return await checkAll(resolved, timeoutMs, io);
  } finally {
    await closeRemotes(resolved);
  }
}

async function checkAll(resolved: readonly ResolvedEngine[], timeoutMs: number, io: Io): Promise<number> {
  let failed = 0;
  for (const engine of resolved) {
    const result = await check(engine, timeoutMs);
    const { violations, warnings } = result;
    if (violations.length === 0) {
      io.stdout(`ok    ${engine.label}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`);
    } else {
      failed++;
      io.stdout(`FAIL  ${engine.label}: ${violations.length} violation${violations.length === 1 ? '' : 's'}\n`);
      for (const v of violations.slice(0, 20)) io.stdout(`      ${v.rule}: ${v.request}: ${v.detail}\n`);
      if (violations.length > 20) io.stdout(`      … and ${violations.length - 20} more\n`);
    }
    for (const w of warnings.slice(0, 5)) io.stdout(`      warning: ${w.rule}: ${w.request}: ${w.detail}\n`);
    if (warnings.length > 5) io.stdout(`      … and ${warnings.length - 5} more warnings\n`);
  }
  return failed === 0 ? 0 : 1;
}

function check(engine: ResolvedEngine, timeoutMs: number): Promise<ConformanceResult> {
  if (isUserModule(engine.spec.ref)) return checkInGuardedThread(engine, timeoutMs);
  return checkConformance(engine.definition, engine.params, { timeoutMs });
}

/** `pacebench conformance`. */
export const conformanceCommand = defineCommand({
  kind: 'conformance',
  command: 'conformance',
  describe: 'check engines against the contract (valid decisions, read-only requests, finishing, determinism, time limit)',
  builder: (y) =>
    y.options({
      engines: enginesOption('engines to check, comma-separated, module paths included (default: every registered engine)'),
      'engine-timeout': numberText(DEFAULT_ENGINE_TIMEOUT_MS, 'milliseconds one decision may take', `${DEFAULT_ENGINE_TIMEOUT_MS} ms`),
    }),
  parse: (a) => ({ kind: 'conformance' as const, engines: a.engines ?? [], timeoutMs: integer('engine-timeout', a['engine-timeout'], 1) }),
  run: (command, io) => conformance({ engines: command.engines, timeoutMs: command.timeoutMs }, io),
});
