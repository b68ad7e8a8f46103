/**
 * Remote engines' services as a run sees them: reachable before any work, closed after it.
 * Used by backtest, decide and conformance alike.
 */
import type { ResolvedEngine } from './load.ts';
import { isRemoteSpec } from './spec.ts';

/** Each remote engine's service answers at all (any HTTP status), or the run is refused. */
export async function checkRemotes(engines: readonly ResolvedEngine[], timeoutMs: number): Promise<void> {
  const remote = engines.filter((e) => isRemoteSpec(e.spec.ref));
  if (remote.length === 0) return;
  // Loaded only here: runs without a remote engine never load the HTTP client.
  const { checkReachable } = await import('./remote.ts');
  for (const e of remote) await checkReachable(e.spec.ref, { timeoutMs });
}

/** Closes the pooled connections of remote engines, so the process can end. */
export async function closeRemotes(engines: readonly ResolvedEngine[]): Promise<void> {
  for (const e of engines) {
    const close = (e.definition as { close?: () => Promise<void> }).close;
    if (typeof close === 'function') await close.call(e.definition);
  }
}
