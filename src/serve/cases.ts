/**
 * The live cases of `pacebench serve`: one engine instance per (engine, case id) while the case
 * is being played, so that engines that learn across calls see the whole case. Memory is bounded
 * under any sequence of requests: at most `maxCases` instances (least recently used go first),
 * and none idle for longer than `ttlMs`.
 */

export interface CaseStoreOptions<T = unknown> {
  readonly maxCases: number;
  /** Idle time after which a case is forgotten; `Infinity` keeps cases until evicted by size. */
  readonly ttlMs: number;
  /** Milliseconds from any origin; injected so tests need not wait. */
  readonly clock: () => number;
  /** Told of every instance forgotten (evicted, expired, restarted or cleared): one in a thread is freed there. */
  readonly onRemove?: (value: T) => void;
}

/** A node of the recency list: least recently used at `head`, most recently used at `tail`. */
interface Entry<T> {
  readonly key: string;
  readonly value: T;
  lastUsed: number;
  prev: Entry<T> | null;
  next: Entry<T> | null;
}

export class CaseStore<T> {
  /**
   * Keys to nodes of a doubly linked recency list. A use moves its node to the tail by
   * relinking it; the Map is written only when a case comes or goes (deleting and re-inserting
   * on every use made V8 shrink and rehash the Map every few calls).
   */
  private readonly entries = new Map<string, Entry<T>>();
  private head: Entry<T> | null = null;
  private tail: Entry<T> | null = null;
  private evictedBySize = 0;
  private expired = 0;

  constructor(private readonly options: CaseStoreOptions<T>) {
    if (!(options.maxCases >= 1)) throw new Error(`maxCases must be >= 1, got ${options.maxCases}`);
  }

  /**
   * The instance of `key`, created by `create` when the case is new (or was forgotten), or
   * when `restart` says the case starts again.
   */
  get(key: string, create: (key: string) => T, restart = false): T {
    const now = this.options.clock();
    this.expire(now);
    const found = this.entries.get(key);
    if (found !== undefined && restart) this.remove(found);
    else if (found !== undefined) {
      found.lastUsed = now;
      if (found !== this.tail) {
        this.unlink(found);
        this.append(found);
      }
      return found.value;
    }
    const entry: Entry<T> = { key, value: create(key), lastUsed: now, prev: null, next: null };
    this.entries.set(key, entry);
    this.append(entry);
    while (this.entries.size > this.options.maxCases && this.head !== null) {
      this.remove(this.head);
      this.evictedBySize++;
    }
    return entry.value;
  }

  /** Forgets every case idle for longer than the TTL; also called by a timer, so idle memory is freed. */
  expire(now: number = this.options.clock()): void {
    const limit = now - this.options.ttlMs;
    // Least recently used first: the first case still fresh ends the sweep.
    while (this.head !== null && this.head.lastUsed < limit) {
      this.remove(this.head);
      this.expired++;
    }
  }

  /** Forgets every case and the counts of evicted and expired ones: the store as new. */
  clear(): void {
    const onRemove = this.options.onRemove;
    if (onRemove !== undefined) for (const entry of this.entries.values()) onRemove(entry.value);
    this.entries.clear();
    this.head = null;
    this.tail = null;
    this.evictedBySize = 0;
    this.expired = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): { live: number; evicted: number; expired: number } {
    return { live: this.entries.size, evicted: this.evictedBySize, expired: this.expired };
  }

  private remove(entry: Entry<T>): void {
    this.entries.delete(entry.key);
    this.unlink(entry);
    this.options.onRemove?.(entry.value);
  }

  private unlink(entry: Entry<T>): void {
    if (entry.prev === null) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = null;
    entry.next = null;
  }

  private append(entry: Entry<T>): void {
    entry.prev = this.tail;
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
  }
}
