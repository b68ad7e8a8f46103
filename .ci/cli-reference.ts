/**
 * `npm run docs:cli`: writes every command's `--help` into docs/cli.md between its markers,
 * so that the reference lists every option as the CLI itself has it. A test fails when the
 * page and the CLI disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgv } from '../src/cli.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const START = '<!-- cli-help:start -->';
export const END = '<!-- cli-help:end -->';

/** Every command as users type it; the defaults that vary by machine are pinned. */
const COMMANDS: readonly (readonly string[])[] = [
  ['backtest'],
  ['scenarios', 'list'],
  ['scenarios', 'validate'],
  ['engines', 'list'],
  ['engines', 'show'],
  ['decide'],
  ['conformance'],
  ['compare'],
  ['merge'],
  ['report'],
  ['baseline'],
  ['fit'],
  ['tune'],
  ['serve'],
];

export async function helpSections(): Promise<string> {
  const parts: string[] = [];
  for (const command of COMMANDS) {
    // Machine-dependent defaults (--workers: the core count) shown as on a 2-core machine.
    const parsed = await parseArgv([...command, '--help'], { workers: 2 });
    if (parsed.kind !== 'output') throw new Error(`${command.join(' ')} --help gave no text`);
    parts.push(`### \`pacebench ${command.join(' ')}\``, '', '```text', parsed.text.trimEnd(), '```', '');
  }
  return parts.join('\n').trimEnd();
}

export function withSections(page: string, sections: string): string {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/cli.md lacks the ${START} … ${END} markers`);
  return `${page.slice(0, a + START.length)}\n${sections}\n${page.slice(b)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = `${ROOT}docs/cli.md`;
  writeFileSync(file, withSections(readFileSync(file, 'utf8'), await helpSections()));
  process.stderr.write('docs/cli.md: every command\'s --help written\n');
}
