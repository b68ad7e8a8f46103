import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** `pacebench serve --port 0 …ARGS` from the sources, in a process of its own: its URL once it listens, its output and exit code. */
export function startServer(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'serve', '--port', '0', ...args], { cwd: ROOT });
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /engines on (http:\/\/[^\s]+) /.exec(err);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`serve exited before listening: ${err}`)));
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, stderr: () => err, stdout: () => out, exit };
}
