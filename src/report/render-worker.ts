/**
 * The chart renderer's thread: draws the specifications it is sent and sends back SVG text.
 * Bundled with vega and vega-lite into dist/render-worker.cjs by `npm run build`
 * (charts-loader.ts starts it).
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.ts';

export interface RenderRequest {
  readonly id: number;
  readonly name: string;
  readonly spec: TopLevelSpec;
}

export type RenderReply = { readonly id: number; readonly svg: string } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port !== null) {
  port.on('message', (request: RenderRequest) => {
    renderSvg(request.spec, request.name).then(
      (svg) => port.postMessage({ id: request.id, svg } satisfies RenderReply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderReply),
    );
  });
}
