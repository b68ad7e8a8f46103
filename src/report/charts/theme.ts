/**
 * What every chart of every page is made of and how it looks: the caption beside its
 * Vega-Lite specification, the fonts, sizes and frame, and the colour encoding of engines.
 * Only the chart library's types here: no IO and no library at run time.
 */
import type { TopLevelSpec } from 'vega-lite';
import { engineColours, ORACLE_COLOUR } from './palette.ts';

/** A chart before it has a name: what the page shows with it, and its specification. */
export interface Chart {
  readonly title: string;
  /** The question the chart answers, shown under it. */
  readonly question: string;
  readonly spec: TopLevelSpec;
}

export interface ChartSpec extends Chart {
  /** File name under charts/, without .svg; also the figure's id in report.html. */
  readonly name: string;
}

export const WIDTH = 460;
export const HEIGHT = 300;

export const CONFIG = {
  // No ARIA label per mark: a chart of many points would carry one per point; the page's figure has a caption.
  aria: false,
  font: 'Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: '#cccccc' },
  title: { fontSize: 15, anchor: 'start' as const, subtitleColor: '#555555', subtitleFontSize: 11, offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#eeeeee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 220 },
};

/** The charts of a page with the schema and the shared look (`compare`'s page has neither, as before). */
export function themed(charts: readonly ChartSpec[]): ChartSpec[] {
  return charts.map((c) => ({ ...c, spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...c.spec } as TopLevelSpec }));
}

/** A colour channel over the values of a nominal field, each its own colour, in the order given; the legend left out on request. */
export function colourChannel<T extends string>(field: string, title: string, domain: readonly T[], colour: (value: T) => string, legend = true) {
  return { field, type: 'nominal' as const, title, scale: { domain: [...domain], range: domain.map(colour) }, sort: [...domain], ...(legend ? {} : { legend: null }) };
}

/** The colour channel of a chart of engines: each engine's colour of the palette, in the summary's order. */
export function engineColour(engines: readonly string[], legend = true) {
  const colours = engineColours(engines);
  return colourChannel('engine', 'engine', engines, (e) => colours.get(e) ?? ORACLE_COLOUR, legend);
}
