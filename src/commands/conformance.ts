import { checkConformance } from '../engines/conformance.ts';
import { resolveEngines } from '../engines/load.ts';
import { ENGINE_NAMES } from '../engines/registry.ts';
import { parseEngineList } from '../engines/spec.ts';
import type { Io } from './io.ts';

/** `pacebench conformance`: the engine contract checked on every named engine; exit 1 on a violation. */
export async function conformance(engines: readonly string[], io: Io): Promise<number> {
  const resolved = await resolveEngines(parseEngineList(engines.length === 0 ? ENGINE_NAMES : engines), io.cwd);
  let failed = 0;
  for (const engine of resolved) {
    const violations = checkConformance(engine.definition, engine.params);
    if (violations.length === 0) {
      io.stdout(`ok    ${engine.label}\n`);
      continue;
    }
    failed++;
    io.stdout(`FAIL  ${engine.label}: ${violations.length} violation${violations.length === 1 ? '' : 's'}\n`);
    for (const v of violations.slice(0, 20)) io.stdout(`      ${v.rule}: ${v.request}: ${v.detail}\n`);
    if (violations.length > 20) io.stdout(`      … and ${violations.length - 20} more\n`);
  }
  return failed === 0 ? 0 : 1;
}
