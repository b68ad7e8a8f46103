import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformance } from '../../src/commands/conformance.ts';
import { checkConformance, RULES } from '../../src/conformance/check.ts';
import { resolveEngine } from '../../src/engines/load.ts';
import { ENGINES, ENGINE_NAMES } from '../../src/engines/registry.ts';
import { parseEngineSpec } from '../../src/engines/spec.ts';
import { resolveParams } from '../../src/engines/spec.ts';
import { memoryIo } from '../helpers.ts';

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

describe('an engine whose Promise never settles', () => {
  const NEVER = path.join(FIXTURES, 'never-settles.mjs');

  it('fails "answers within the time limit" after one timeout, not one per check', async () => {
    const engine = await resolveEngine(parseEngineSpec(NEVER));
    const started = performance.now();
    const result = await checkConformance(engine.definition, engine.params, { timeoutMs: 100 });
    // 159 checks at 100 ms each would take 16 s.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.violations).toEqual([
      { rule: RULES.timely, request: 'first-call (fresh instance)', detail: expect.stringMatching(/^no decision within 100 ms at conformance-first-call_\d+; the checks after it did not run$/) },
    ]);
  }, 30_000);

  it('and so does `pacebench conformance`, which checks it in its guarded thread', async () => {
    const io = memoryIo();
    const started = performance.now();
    expect(await conformance({ engines: [NEVER], timeoutMs: 100 }, io)).toBe(1);
    expect(performance.now() - started).toBeLessThan(8000);
    expect(io.out).toContain('FAIL  never-settles: 1 violation\n');
    expect(io.out).toContain('answers within the time limit: first-call (fresh instance): no decision within 100 ms');
  }, 60_000);
});
