/**
 * Kaplan–Meier estimate of the time to answer over all invited candidates (those who never
 * answer stay censored, so the curve levels off at the share who never do), with Greenwood's
 * variance. An answer whose delay lies in (L, U] counts as an event at U: with whole-minute
 * response times U = ⌊D⌋ + 1, and then the curve at a whole minute t estimates P(D ≥ t)
 * exactly; a pending candidate is censored at its age (events come first at a tie).
 */
export interface KaplanMeier {
  /** Distinct event times, ascending, and the estimate just after each. */
  readonly times: Float64Array;
  readonly survival: Float64Array;
  /** Greenwood's Σ d / (n (n − d)) up to each time. */
  readonly greenwood: Float64Array;
  /** Largest time anyone was followed to (event or censoring): beyond it the curve says nothing. */
  readonly followedTo: number;
}

export function kaplanMeier(
  eventTimes: ArrayLike<number>,
  eventWeights: ArrayLike<number>,
  censorTimes: ArrayLike<number>,
  censorWeights: ArrayLike<number>,
): KaplanMeier {
  const items: [number, number, number][] = [];
  let total = 0;
  let followedTo = 0;
  for (let i = 0; i < eventTimes.length; i++) {
    const w = eventWeights[i] as number;
    if (w > 0) {
      items.push([eventTimes[i] as number, w, 0]);
      total += w;
      followedTo = Math.max(followedTo, eventTimes[i] as number);
    }
  }
  for (let i = 0; i < censorTimes.length; i++) {
    const w = censorWeights[i] as number;
    if (w > 0) {
      items.push([censorTimes[i] as number, 0, w]);
      total += w;
      followedTo = Math.max(followedTo, censorTimes[i] as number);
    }
  }
  items.sort((a, b) => a[0] - b[0]);
  const times: number[] = [];
  const survival: number[] = [];
  const greenwood: number[] = [];
  let atRisk = total;
  let s = 1;
  let g = 0;
  for (let i = 0; i < items.length; ) {
    const t = (items[i] as [number, number, number])[0];
    let d = 0;
    let c = 0;
    for (; i < items.length && (items[i] as [number, number, number])[0] === t; i++) {
      d += (items[i] as [number, number, number])[1];
      c += (items[i] as [number, number, number])[2];
    }
    if (d > 0) {
      s *= 1 - d / atRisk;
      if (atRisk > d) g += d / (atRisk * (atRisk - d));
      times.push(t);
      survival.push(s);
      greenwood.push(g);
    }
    atRisk -= d + c;
  }
  return { times: Float64Array.from(times), survival: Float64Array.from(survival), greenwood: Float64Array.from(greenwood), followedTo };
}

/** The estimate at t with a 95 % interval (Greenwood, on the log(−log) scale so it stays in [0, 1]); `null` past the follow-up. */
export function survivalAt(km: KaplanMeier, t: number): { survival: number; low: number; high: number } | null {
  if (t > km.followedTo) return null;
  let lo = 0;
  let hi = km.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((km.times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return { survival: 1, low: 1, high: 1 };
  const s = km.survival[lo - 1] as number;
  const g = km.greenwood[lo - 1] as number;
  if (s <= 0 || s >= 1 || g === 0) return { survival: s, low: s, high: s };
  const se = Math.sqrt(g) / Math.abs(Math.log(s));
  const ll = Math.log(-Math.log(s));
  return { survival: s, low: Math.exp(-Math.exp(ll + 1.96 * se)), high: Math.exp(-Math.exp(ll - 1.96 * se)) };
}
