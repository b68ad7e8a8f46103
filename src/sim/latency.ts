/**
 * Decision latencies of one engine, as a log-scale histogram: 16 buckets per doubling
 * (about 4.4 % wide), so percentiles are within a few percent, memory stays fixed however
 * many calls a run makes, and histograms from worker threads add up.
 */
const PER_OCTAVE = 16;
const BUCKETS = PER_OCTAVE * 48; // up to 2^48 ns, about three days

export interface LatencyData {
  count: number;
  sumNs: number;
  maxNs: number;
  buckets: number[];
}

export class LatencyHistogram {
  count = 0;
  sumNs = 0;
  maxNs = 0;
  readonly buckets = new Float64Array(BUCKETS);

  recordMs(ms: number): void {
    this.record(ms * 1e6);
  }

  record(ns: number): void {
    this.count++;
    this.sumNs += ns;
    if (ns > this.maxNs) this.maxNs = ns;
    const b = ns < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(ns) * PER_OCTAVE) + 1);
    this.buckets[b] = (this.buckets[b] as number) + 1;
  }

  merge(other: LatencyData): void {
    this.count += other.count;
    this.sumNs += other.sumNs;
    if (other.maxNs > this.maxNs) this.maxNs = other.maxNs;
    other.buckets.forEach((n, i) => {
      this.buckets[i] = (this.buckets[i] as number) + n;
    });
  }

  /** The upper edge of the bucket holding the q-quantile, capped by the true maximum. */
  quantileNs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.buckets[b] as number;
      if (seen >= rank) return Math.min(this.maxNs, b === 0 ? 1 : 2 ** (b / PER_OCTAVE));
    }
    return this.maxNs;
  }

  toData(): LatencyData {
    // Sparse would be smaller, but a plain array crosses worker threads without fuss.
    return { count: this.count, sumNs: this.sumNs, maxNs: this.maxNs, buckets: Array.from(this.buckets) };
  }
}
