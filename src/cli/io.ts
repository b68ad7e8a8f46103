import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** The outside world as commands see it, so tests can run them in-process. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress lines only go to a terminal, never into a CI log or a pipe. */
  readonly progress: boolean;
  readonly now: () => number;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: process.stderr.isTTY === true,
    now: () => performance.now(),
    cwd: process.cwd(),
  };
}

/** A throttled one-line progress display on stderr. */
export function progressLine(io: Io, label: string): { update: (done: number, total: number) => void; end: () => void } {
  if (!io.progress) return { update: () => {}, end: () => {} };
  const started = io.now();
  let last = -Infinity;
  let shown = false;
  return {
    update: (done, total) => {
      const t = io.now();
      if (done < total && t - last < 100) return;
      last = t;
      shown = true;
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      io.stderr(`\r${label}: ${done}/${total} (${pct} %) ${((t - started) / 1000).toFixed(1)} s`);
    },
    end: () => {
      if (shown) io.stderr('\n');
    },
  };
}
