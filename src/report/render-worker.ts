/**
 * The chart renderer's thread: draws the specifications it is sent and sends back SVG text.
 * Bundled with vega and vega-lite into plain JavaScript (charts-loader.ts) and started as a
 * worker, where it loads without tsx's loader and beside the simulation rather than after it.
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.ts';

export interface RenderRequest {
  readonly id: number;
  readonly name: string;
  readonly spec: TopLevelSpec;
  /** Drawn only to warm the thread up (charts-warm-up.ts): no reply, and dropped once real work arrives. */
  readonly warmUp?: boolean;
}

export type RenderReply = { readonly id: number; readonly svg: string } | { readonly id: number; readonly error: string };

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
  port.on('message', (request: RenderRequest) => {
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
