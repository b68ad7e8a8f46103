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

export function percent(x: number | null, digits = 0): string {
  return x === null ? '–' : `${(x * 100).toFixed(digits)} %`;
}

export function signed(x: number, digits: number): string {
  const s = fixed(x, digits);
  return Number(s) > 0 ? `+${s}` : s.replace('-', '−');
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
