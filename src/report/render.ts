/**
 * Draws Vega-Lite specifications as SVG text, headless: vega-lite compiles, vega's View
 * renders with no canvas (text widths are estimated, so the same input gives the same bytes
 * on every machine). This module pulls in both libraries; it is loaded only when a report
 * is written (see charts-loader.ts), bundled, so that runs without a report never pay for it.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Ids of clip paths and gradients made unique within the page (several SVGs are inlined in
 * one document) and independent of how many charts the process drew before.
 */
export function localIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (!ids.has(id)) ids.set(id, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(id="|url\\(#|href="#)(${[...ids.keys()].map(escape).join('|')})(?=["')])`, 'g');
  return svg.replace(pattern, (_all, lead: string, id: string) => `${lead}${ids.get(id) ?? id}`);
}

/**
 * Coordinates to two decimals: vega writes them with every digit of a double, which triples
 * the size of a chart of many points for no visible difference.
 */
export function roundCoordinates(svg: string): string {
  return svg.replace(/(\s(?:d|transform|points|x|y|x1|x2|y1|y2|width|height|cx|cy|r)=")([^"]*)"/g, (_all, lead: string, value: string) => {
    const rounded = value.replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, (n) => {
      if (!/[.e]/i.test(n)) return n;
      const x = Math.round(Number(n) * 100) / 100;
      return String(x === 0 ? 0 : x);
    });
    return `${lead}${rounded}"`;
  });
}

export async function renderSvg(spec: TopLevelSpec, name: string): Promise<string> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => {
      throw new Error(`chart ${name}: ${args.map(String).join(' ')}`);
    },
    warn: (...args: readonly unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const compiled = compile(spec, { logger: logger as never }).spec;
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (warnings.length > 0) throw new Error(`chart ${name}: ${warnings.join('; ')}`);
    return localIds(roundCoordinates(svg), name);
  } finally {
    view.finalize();
  }
}
