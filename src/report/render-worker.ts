/**
 * The chart renderer's thread: draws the specifications it is sent and sends back SVG text.
 * Bundled with vega and vega-lite into plain JavaScript (charts-loader.ts) and started as a
 * worker, where it loads without tsx's loader and beside the simulation rather than after it.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Script } from 'node:vm';
import { parentPort, threadId } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.ts';

export interface RenderRequest {
  readonly id: number;
  readonly name: string;
  readonly spec: TopLevelSpec;
  /** Drawn only to warm the thread up (charts-warm-up.ts): no reply, and dropped once real work arrives. */
  readonly warmUp?: boolean;
}

/** Asks the thread to save V8's compiled code of the bundle, when it started without a usable one. */
export interface SaveCodeCache {
  readonly id: number;
  readonly saveCodeCache: true;
}

export type RenderReply =
  | { readonly id: number; readonly svg: string }
  | { readonly id: number; readonly error: string }
  | { readonly id: number; readonly saved: boolean };

/** Set by the thread's boot code (charts-loader.ts) when it compiled the bundle itself. */
interface CodeCacheHook {
  readonly script: Script;
  readonly file: string;
  fresh: boolean;
}

/**
 * Made after drawing, the cache holds the code of every function drawing used, so the next
 * process's threads compile none of it. Written beside the target and renamed: a thread
 * starting meanwhile reads the old cache or the new one, never half of one.
 */
function saveCodeCache(): boolean {
  const hook = (globalThis as Record<symbol, CodeCacheHook | undefined>)[Symbol.for('pacebench.codeCache')];
  if (hook === undefined || !hook.fresh) return false;
  const temp = `${hook.file}.tmp-${process.pid}-${threadId}`;
  try {
    writeFileSync(temp, hook.script.createCachedData());
    renameSync(temp, hook.file);
    hook.fresh = false;
    return true;
  } catch {
    // A read-only node_modules: the next run compiles again, nothing worse.
    rmSync(temp, { force: true });
    return false;
  }
}

const port = parentPort;
if (port !== null) {
  const warmUps: RenderRequest[] = [];
  let warming = false;
  let realWorkSeen = false;
  // One warm-up chart at a time, each in a task of its own, so that a real request waits at
  // most for the chart being drawn.
  const warmUpNext = (): void => {
    const request = realWorkSeen ? undefined : warmUps.shift();
    if (request === undefined) {
      warming = false;
      return;
    }
    warming = true;
    renderSvg(request.spec, request.name).then(
      () => setImmediate(warmUpNext),
      () => setImmediate(warmUpNext),
    );
  };
  port.on('message', (request: RenderRequest | SaveCodeCache) => {
    if ('saveCodeCache' in request) {
      port.postMessage({ id: request.id, saved: saveCodeCache() } satisfies RenderReply);
      return;
    }
    if (request.warmUp === true) {
      if (realWorkSeen) return;
      warmUps.push(request);
      if (!warming) warmUpNext();
      return;
    }
    realWorkSeen = true;
    warmUps.length = 0;
    renderSvg(request.spec, request.name).then(
      (svg) => port.postMessage({ id: request.id, svg } satisfies RenderReply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderReply),
    );
  });
}
