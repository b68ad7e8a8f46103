/** The colours of the charts and of the page's swatches: one engine, one colour, everywhere. */
import { ORACLE } from '../../score/rows.ts';

/** Okabe–Ito: told apart with any of the common colour-vision deficiencies; yellow last, being faint on white. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442'] as const;
export const ORACLE_COLOUR = '#000000';

/** One colour per engine, by its place in the summary, the oracle black; the same in every chart. */
export function engineColours(engines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  for (const e of engines) {
    if (e === ORACLE) out.set(e, ORACLE_COLOUR);
    else out.set(e, OKABE_ITO[i++ % OKABE_ITO.length] as string);
  }
  return out;
}
