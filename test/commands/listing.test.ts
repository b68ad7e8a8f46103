import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { listEngines, showEngine } from '../../src/commands/listing.ts';
import { PARAMS } from '../../src/engines/pace/params.ts';
import { UserError } from '../../src/errors.ts';

function captured(): { io: Io; out: () => string } {
  let text = '';
  return { io: { stdout: (t) => (text += t), stderr: () => undefined, progress: false, now: () => 0, cwd: process.cwd() }, out: () => text };
}

describe('pacebench engines', () => {
  it('show lists every parameter of pace with its default, range and meaning, and its text parameter', () => {
    const { io, out } = captured();
    expect(showEngine('pace', io)).toBe(0);
    const lines = out().split('\n');
    for (const [key, p] of Object.entries(PARAMS)) {
      const line = lines.find((l) => l.startsWith(`${key} `));
      expect(line, key).toBeDefined();
      expect(line).toContain(String(p.default));
      expect(line).toContain(p.description);
    }
    expect(lines.find((l) => l.startsWith('pooling '))).toMatch(/0 to 1, whole/);
    expect(lines.find((l) => l.startsWith('prior '))).toContain('a path');
    expect(out()).toContain('give them as pace:key=value');
  });

  it('show says so for an engine without parameters, and refuses an unknown one', () => {
    const { io, out } = captured();
    expect(showEngine('all-at-once', io)).toBe(0);
    expect(out()).toContain('no parameters');
    expect(() => showEngine('nope', io)).toThrow(UserError);
  });

  it('list names every registered engine with its defaults', () => {
    const { io, out } = captured();
    expect(listEngines(io)).toBe(0);
    expect(out()).toContain('pooling=1');
  });
});
