import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEngine, resolveEngines } from '../../src/engines/load.ts';
import { isServedHere, parseEngineList, parseEngineSpec } from '../../src/engines/spec.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'engines');

describe('engine specs on the command line', () => {
  it('splits lists on commas and parameters on colons', () => {
    expect(parseEngineList(['exp,nbinomial:mean=0.05:variance=0.0002', 'all-at-once'])).toEqual([
      { text: 'exp', ref: 'exp', params: [] },
      { text: 'nbinomial:mean=0.05:variance=0.0002', ref: 'nbinomial', params: [['mean', '0.05'], ['variance', '0.0002']] },
      { text: 'all-at-once', ref: 'all-at-once', params: [] },
    ]);
  });

  it('names an engine with the parameters set, in declaration order', async () => {
    const e = await resolveEngine(parseEngineSpec('nbinomial:variance=0.0002:mean=0.05'));
    expect(e.label).toBe('nbinomial:mean=0.05:variance=0.0002');
    expect(e.params).toEqual({ mean: 0.05, variance: 0.0002 });
  });

  it('fills in defaults', async () => {
    expect((await resolveEngine(parseEngineSpec('stoch-constraint:draws=5'))).params).toEqual({ mean: 0.2, variance: 0.001, draws: 5, quantile: 0.3 });
  });

  it.each([
    ['nbinomial:alpha=3', /unknown parameter "alpha" \(it takes mean, variance\)/],
    ['nbinomial:mean=abc', /mean="abc" is not a number/],
    ['stoch-constraint:draws=2.5', /draws=2.5 is not an integer/],
    ['nbinomial:mean=2', /mean=2 is above 1/],
    ['all-at-once:x=1', /it takes none/],
    ['nbinomial:mean=0.1:variance=0.2', /cannot be created: Beta variance must be in \(0, mean·\(1−mean\) = 0.09/],
    ['nope', /unknown engine "nope" \(registered: exp, exp-decay, nbinomial, stoch-constraint, pace, all-at-once; the reference informed;/],
  ])('refuses %s', async (text, message) => {
    await expect(resolveEngine(parseEngineSpec(text))).rejects.toThrow(message);
  });

  it('refuses a parameter without a value', () => {
    expect(() => parseEngineSpec('nbinomial:mean')).toThrow(/"mean" is not key=value/);
  });

  it('refuses the same engine twice, and the oracle', async () => {
    await expect(resolveEngines(parseEngineList(['exp,exp']))).rejects.toThrow(/listed twice/);
    await expect(resolveEngines(parseEngineList(['exp,exp:spread=12']))).resolves.toHaveLength(2);
  });

  it('loads a user module with its own name and parameters', async () => {
    const e = await resolveEngine(parseEngineSpec(`${path.join(FIXTURES, 'half-pool.ts')}:share=0.25`));
    expect(e.label).toBe('half-pool:share=0.25');
    expect(e.params).toEqual({ share: 0.25 });
  });

  it('names a bare factory after its file', async () => {
    expect((await resolveEngine(parseEngineSpec(path.join(FIXTURES, 'factory.mjs')))).label).toBe('factory');
  });

  it('loads a TypeScript engine kept anywhere, beside a package.json that says nothing of modules', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-own-engine-'));
    writeFileSync(path.join(dir, 'package.json'), '{"name": "their-engines"}\n');
    writeFileSync(
      path.join(dir, 'fixed.ts'),
      [
        "import type { Request } from '" + path.join(import.meta.dirname, '..', '..', 'src', 'contract', 'types.ts') + "';",
        'const invite: number = 3;',
        "export default { name: 'fixed', create: () => ({ decide: (r: Request) => ({ correlation_id: r.correlation_id, finished: false, num_candidates_needed: invite, callback_time_minutes: 30 }) }) };",
        '',
      ].join('\n'),
    );
    const e = await resolveEngine(parseEngineSpec(path.join(dir, 'fixed.ts')));
    expect(e.label).toBe('fixed');
  });

  it('names the file, line and column of an engine module that does not compile', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-own-engine-'));
    writeFileSync(path.join(dir, 'broken.mjs'), "export default {\n  name: 'broken',\n  create: () => ({ decide: (r) => ({ ,}) }),\n};\n");
    await expect(resolveEngine(parseEngineSpec(path.join(dir, 'broken.mjs')))).rejects.toThrow(/broken\.mjs does not compile:\n.*broken\.mjs:3:38: Expected identifier/);
  });

  it('says which module path does not exist', async () => {
    await expect(resolveEngine(parseEngineSpec('./nowhere/engine.ts'))).rejects.toThrow(/engine module .*nowhere\/engine.ts does not exist/);
  });
});

describe('one engine, one row', () => {
  it('refuses the same engine under two names, defaults applied', async () => {
    const { resolveEngines } = await import('../../src/engines/load.ts');
    const { parseEngineList } = await import('../../src/engines/spec.ts');
    await expect(resolveEngines(parseEngineList(['exp,exp:spread=18']))).rejects.toThrow(
      'engines "exp" and "exp:spread=18" are the same engine with the same parameters (defaults applied); list it once',
    );
    await expect(resolveEngines(parseEngineList(['exp,exp:spread=12']))).resolves.toHaveLength(2);
  });
});

describe('isServedHere', () => {
  it('knows loopback hosts from the URL alone', () => {
    for (const url of ['http://127.0.0.1:8000/optim-exp/', 'http://127.1.2.3/x', 'http://localhost:8000/', 'https://api.localhost/x', 'http://[::1]:8000/x', 'http://0.0.0.0:8000/x']) {
      expect(isServedHere(url), url).toBe(true);
    }
    for (const url of ['https://pacing.example.com/optim-exp/', 'http://10.0.0.7:8000/x', 'http://127.0.0.1.example.com/x', 'not a url']) {
      expect(isServedHere(url), url).toBe(false);
    }
  });
});

describe('engine specs that are not what they look like', () => {
  it('a URL with a space is a malformed URL, not a bad parameter', () => {
    expect(() => parseEngineSpec('http://exa mple/x')).toThrow(
      'engine "http://exa mple/x": "http://exa mple/x" is a malformed URL (it contains a space); expected http://host[:port]/path, or label=http://…',
    );
    expect(() => parseEngineSpec('mine=https://[oops/x')).toThrow(/"https:\/\/\[oops\/x" is a malformed URL \(it cannot be parsed\)/);
    expect(parseEngineSpec('mine=http://example.com/x')).toEqual({ text: 'mine=http://example.com/x', ref: 'http://example.com/x', params: [], label: 'mine' });
  });

  it('a module whose create() returns no decide is refused at load, naming the module', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacebench-own-engine-'));
    writeFileSync(path.join(dir, 'no-decide.mjs'), 'export default { name: "no-decide", create() { return { decid() {} }; } };\n');
    writeFileSync(path.join(dir, 'nothing.mjs'), 'export default () => undefined;\n');
    await expect(resolveEngine(parseEngineSpec('./no-decide.mjs'), dir)).rejects.toThrow(
      'engine module ./no-decide.mjs: create() returned an object with decid but no decide, not an engine; expected an object with a decide(request) method',
    );
    await expect(resolveEngine(parseEngineSpec('./nothing.mjs'), dir)).rejects.toMatchObject({
      exitCode: 2,
      message: 'engine module ./nothing.mjs: create() returned undefined, not an engine; expected an object with a decide(request) method',
    });
  });
});
