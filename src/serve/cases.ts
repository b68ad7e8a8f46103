/**
 * The live cases of `pacebench serve`: one engine instance per (engine, case id) while the case
 * is being played, so that engines that learn across calls see the whole case. Memory is bounded
 * under any sequence of requests: at most `maxCases` instances (least recently used go first),
 * and none idle for longer than `ttlMs`.
 */

export interface CaseStoreOptions {
  readonly maxCases: number;
  /** Idle time after which a case is forgotten; `Infinity` keeps cases until evicted by size. */
  readonly ttlMs: number;
  /** Milliseconds from any origin; injected so tests need not wait. */
  readonly clock: () => number;
}

interface Entry<T> {
  readonly value: T;
  lastUsed: number;
}

export class CaseStore<T> {
  /** A Map iterates in insertion order; re-inserting on use keeps it least-recently-used first. */
  private readonly entries = new Map<string, Entry<T>>();
  private evictedBySize = 0;
  private expired = 0;

  constructor(private readonly options: CaseStoreOptions) {
    if (!(options.maxCases >= 1)) throw new Error(`maxCases must be >= 1, got ${options.maxCases}`);
  }

  /**
   * The instance of `key`, created by `create` when the case is new (or was forgotten), or
   * when `restart` says the case starts again.
   */
  get(key: string, create: () => T, restart = false): T {
    const now = this.options.clock();
    this.expire(now);
    const found = this.entries.get(key);
    if (restart && found !== undefined) this.entries.delete(key);
    else if (found !== undefined) {
      this.entries.delete(key);
      found.lastUsed = now;
      this.entries.set(key, found);
      return found.value;
    }
    const value = create();
    this.entries.set(key, { value, lastUsed: now });
    while (this.entries.size > this.options.maxCases) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
      this.evictedBySize++;
    }
    return value;
  }

  /** Forgets every case idle for longer than the TTL; also called by a timer, so idle memory is freed. */
  expire(now: number = this.options.clock()): void {
    const limit = now - this.options.ttlMs;
    for (const [key, entry] of this.entries) {
      // Least recently used first: the first case still fresh ends the sweep.
      if (entry.lastUsed >= limit) break;
      this.entries.delete(key);
      this.expired++;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): { live: number; evicted: number; expired: number } {
    return { live: this.entries.size, evicted: this.evictedBySize, expired: this.expired };
  }
}
