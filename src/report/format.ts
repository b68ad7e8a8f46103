/** Number formats shared by the markdown writers. */

export function fixed(x: number | null, digits: number): string {
  if (x === null) return '–';
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

/** Thousands separators, no decimals: money reads at a glance. */
export function money(x: number): string {
  const rounded = Math.round(x);
  const sign = rounded < 0 ? '−' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function signedMoney(x: number): string {
  return (Math.round(x) > 0 ? '+' : '') + money(x);
}

/**
 * A share in [0, 1] with `digits` decimals, never rounded onto an end it does not reach:
 * 0.9996 is "0.9996", not "1.000", and 0.0004 is "0.0004", not "0.000". A reader who sees
 * 1.000 or 100 % must be able to trust that every case filled.
 */
function shareText(x: number, digits: number, scale: number): string {
  const max = digits + 6;
  for (let d = digits; ; d++) {
    const s = (x * scale).toFixed(d);
    const atEnd = Number(s) === 0 || Number(s) === scale;
    if (!atEnd || x === 0 || x === 1 || d >= max) return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
  }
}

/** A share shown as a decimal, like a fill rate: `0.983`. */
export function share(x: number | null, digits: number): string {
  return x === null ? '–' : shareText(x, digits, 1);
}

export function percent(x: number | null, digits = 0): string {
  return x === null ? '–' : `${shareText(x, digits, 100)} %`;
}

export function signed(x: number, digits: number): string {
  const s = fixed(x, digits);
  return Number(s) > 0 ? `+${s}` : s.replace('-', '−');
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** What a run's money is, as every report's facts line says it. */
export function moneyFacts(p: { readonly value_per_hire: number; readonly cost_per_invite: number; readonly cost_per_overbooking: number }): string {
  return `a hire is worth ${money(p.value_per_hire)}, an invitation costs ${money(p.cost_per_invite)}, an overbooking ${money(p.cost_per_overbooking)}`;
}
