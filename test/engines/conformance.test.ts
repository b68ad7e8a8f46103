import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConformance } from '../../src/engines/conformance.ts';
import { resolveEngine } from '../../src/engines/load.ts';
import { ENGINES, ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineSpec } from '../../src/engines/spec.ts';
import { resolveParams } from '../../src/engines/spec.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'engines');

describe.each(ENGINE_NAMES)('registered engine %s keeps the contract', (name) => {
  it('on every conformance situation', () => {
    const definition = ENGINES[name];
    const params = resolveParams(definition, parseEngineSpec(name));
    expect(checkConformance(definition, params)).toEqual([]);
  });
});

describe('engines loaded from a path get the same suite', () => {
  it.each(['half-pool.ts', 'factory.mjs'])('%s passes', async (file) => {
    const engine = await resolveEngine(parseEngineSpec(path.join(FIXTURES, file)));
    expect(checkConformance(engine.definition, engine.params)).toEqual([]);
  });

  it('and a broken engine fails it, on every rule', async () => {
    const engine = await resolveEngine(parseEngineSpec(path.join(FIXTURES, 'broken.ts')));
    const rules = new Set(checkConformance(engine.definition, engine.params).map((v) => v.rule));
    expect([...rules].sort()).toEqual(
      [
        'finishes once the deadline is reached, the vacancies filled or the pool empty',
        'makes the same decisions for the same seed',
        'never asks for more than the remaining pool',
        'never throws on a valid request',
        'returns a valid decision',
      ].sort(),
    );
  });
});
