import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConformance, RULES } from '../../src/conformance/check.ts';
import { resolveEngine } from '../../src/engines/load.ts';
import { ENGINES, ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineSpec } from '../../src/engines/spec.ts';
import { resolveParams } from '../../src/engines/spec.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'engines');

describe.each(ENGINE_NAMES)('registered engine %s keeps the contract', (name) => {
  it('on every conformance situation', async () => {
    const definition = ENGINES[name];
    const params = resolveParams(definition, parseEngineSpec(name));
    expect(await checkConformance(definition, params)).toEqual({ violations: [], warnings: [] });
  });
});

describe('engines loaded from a path get the same suite', () => {
  it.each(['half-pool.ts', 'factory.mjs'])('%s passes', async (file) => {
    const engine = await resolveEngine(parseEngineSpec(path.join(FIXTURES, file)));
    expect(await checkConformance(engine.definition, engine.params)).toEqual({ violations: [], warnings: [] });
  });

  it('and a broken engine fails it, on every rule', async () => {
    const engine = await resolveEngine(parseEngineSpec(path.join(FIXTURES, 'broken.ts')));
    const result = await checkConformance(engine.definition, engine.params);
    const rules = new Set(result.violations.map((v) => v.rule));
    expect([...rules].sort()).toEqual(
      [
        'finishes once the deadline is reached, the vacancies filled or the pool empty',
        'makes the same decisions for the same seed',
        'never throws on a valid request',
        'returns a valid decision',
      ].sort(),
    );
    expect(new Set(result.warnings.map((w) => w.rule))).toEqual(new Set([RULES.overAsk]));
  });
});
