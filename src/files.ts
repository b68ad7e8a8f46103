/**
 * What every command that writes files shares: whether a place can be written at all (asked
 * before any work), file-system failures in words instead of stack traces, and the temporary
 * files of a write in progress, removed when the process is stopped by a signal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.ts';

/** The nearest folder at or above `target` that exists (`/` at worst). */
export function nearestExisting(target: string): string {
  let at = target;
  while (!existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return at;
}

/** `ENOENT: no such file or directory, mkdir '/proc/x'` → `no such file or directory`. */
function reasonOf(error: NodeJS.ErrnoException): string {
  const text = error.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*$/s, '');
  return text === '' ? (error.code ?? 'failed') : text;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException | null;
  return error instanceof Error && typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/**
 * Why nothing can be created in the existing folder `dir`, or null. Asked of the folder
 * itself, by creating an empty folder in it and removing it at once: a permission check
 * (`access`) says yes to root everywhere, even in /proc and on a read-only file system.
 */
export function unwritableReason(dir: string): string | null {
  try {
    rmSync(mkdtempSync(path.join(dir, '.pacebench-probe-')), { recursive: true, force: true });
    return null;
  } catch (error) {
    if (!isSystemError(error)) throw error;
    return reasonOf(error);
  }
}

/**
 * Failures of the machine rather than of the place the user chose: the disk is full, the
 * device failed, the process ran out of file handles. They exit 1; everything else that the
 * file system refuses (no permission, read-only, no such folder, a file in the way) exits 2.
 */
const NOT_THE_USERS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'ENOMEM', 'EBUSY']);

/**
 * A file-system failure as one line for the user, naming `what` was being written
 * (`report folder reports/x`): a `UserError` with exit 2, or 1 when the machine is at fault
 * (see NOT_THE_USERS). Anything that is not a file-system failure comes back unchanged.
 */
export function writeFailure(error: unknown, what: string): unknown {
  if (error instanceof UserError || !isSystemError(error)) return error;
  const code = error.code as string;
  return new UserError(`${what} could not be written: ${reasonOf(error)} (${code})`, NOT_THE_USERS.has(code) ? 1 : 2);
}

/**
 * Any file-system failure no command turned into words, as one line (Node's own message
 * names the call and the path) with the exit status of `writeFailure`; null for other errors.
 */
export function fileSystemFailure(error: unknown): UserError | null {
  if (!isSystemError(error)) return null;
  return new UserError(error.message.split('\n')[0] ?? String(error.code), NOT_THE_USERS.has(error.code as string) ? 1 : 2);
}

// Temporary files and folders of writes in progress, removed if a signal ends the process.
const temporaries = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeTemporaries(): void {
  for (const p of temporaries) rmSync(p, { recursive: true, force: true });
  temporaries.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // A command that handles the signal itself (serve drains its requests) ends on its own
  // terms, and its temporaries go when it exits.
  if (process.listenerCount(signal) > 1) return;
  removeTemporaries();
  unlisten();
  // Ended by the signal as if nobody had listened: the shell sees 130 for Ctrl-C.
  process.kill(process.pid, signal);
}

const handlers = new Map<NodeJS.Signals, () => void>();

function listen(): void {
  if (handlers.size > 0) return;
  for (const s of SIGNALS) {
    const h = (): void => onSignal(s);
    handlers.set(s, h);
    // First in line: a command's own `process.once` listener is removed as it is called, so
    // only before it can this one see that someone else handles the signal.
    process.prependListener(s, h);
  }
  process.on('exit', removeTemporaries);
}

function unlisten(): void {
  for (const [s, h] of handlers) process.off(s, h);
  handlers.clear();
  process.off('exit', removeTemporaries);
}

/**
 * Marks `file` (a file or folder) as temporary until the returned function is called: if
 * SIGINT, SIGTERM or SIGHUP ends the process first, it is removed. Signals are listened to
 * only while something is temporary, so a process with nothing to clean up ends as usual.
 */
export function holdTemporary(file: string): () => void {
  temporaries.add(file);
  listen();
  return () => {
    temporaries.delete(file);
    if (temporaries.size === 0) unlisten();
  };
}
