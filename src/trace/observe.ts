import type { Decision, Request } from '../contract/types.ts';
import { encodeTraceLine } from './format.ts';

/**
 * The `observe` hook of `playCase` for one engine on one case: encodes each call at once,
 * while the live candidate records still show the time of that call.
 */
export function traceObserver(lines: string[], engine: string, replicate: number) {
  return (request: Request, decision: Decision | null, fault: string | null): void => {
    lines.push(encodeTraceLine({ engine, replicate, request, decision, fault: fault ?? undefined }));
  };
}

/** A unit's lines as the text of the file: one line each, newline-terminated. */
export function traceText(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
