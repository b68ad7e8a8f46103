import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/serve/cases.ts';

describe('CaseStore', () => {
  it('keeps the most recently used cases, at most maxCases, under any sequence', () => {
    let now = 0;
    const store = new CaseStore<string>({ maxCases: 3, ttlMs: Infinity, clock: () => now });
    let created = 0;
    const get = (key: string) => store.get(key, () => `${key}#${++created}`);
    get('a');
    get('b');
    get('c');
    expect(get('a')).toBe('a#1'); // used again: now the most recent
    get('d'); // evicts b, the least recently used
    expect(store.size).toBe(3);
    expect(get('b')).toBe('b#5');
    expect(get('a')).toBe('a#1');
    expect(store.get('a', () => 'a again', true)).toBe('a again');
    for (let i = 0; i < 10_000; i++) {
      now++;
      get(`k${i % 7919}`);
      if (store.size > 3) throw new Error(`size ${store.size}`);
    }
    expect(store.stats().live).toBe(3);
  });

  it('forgets a case idle for longer than the TTL, and only those', () => {
    let now = 0;
    const store = new CaseStore<number>({ maxCases: 100, ttlMs: 1000, clock: () => now });
    store.get('old', () => 1);
    now = 600;
    store.get('young', () => 2);
    now = 1001;
    store.expire();
    expect(store.stats()).toEqual({ live: 1, evicted: 0, expired: 1 });
    expect(store.get('young', () => 3)).toBe(2);
    now = 5000;
    expect(store.get('young', () => 4)).toBe(4);
  });
});

describe('CaseStore against a reference least-recently-used store', () => {
  /** The plain definition: a Map re-inserted on every use, oldest first. */
  class Reference<T> {
    readonly entries = new Map<string, { value: T; lastUsed: number }>();
    constructor(
      private readonly maxCases: number,
      private readonly ttlMs: number,
    ) {}
    get(key: string, create: () => T, restart: boolean, now: number): T {
      for (const [k, e] of this.entries) {
        if (e.lastUsed >= now - this.ttlMs) break;
        this.entries.delete(k);
      }
      const found = this.entries.get(key);
      this.entries.delete(key);
      const entry = found !== undefined && !restart ? { value: found.value, lastUsed: now } : { value: create(), lastUsed: now };
      this.entries.set(key, entry);
      while (this.entries.size > this.maxCases) this.entries.delete(this.entries.keys().next().value as string);
      return entry.value;
    }
  }

  it('keeps the same cases, in the same order, over a long random sequence', () => {
    let now = 0;
    let created = 0;
    const store = new CaseStore<number>({ maxCases: 50, ttlMs: 100, clock: () => now });
    const reference = new Reference<number>(50, 100);
    // A seeded linear congruential sequence: the same keys, uses and restarts on every run.
    let x = 12345;
    const next = (n: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    for (let i = 0; i < 20_000; i++) {
      now += next(3);
      const key = `k${next(i % 1000 < 500 ? 60 : 200)}`;
      const restart = next(10) === 0;
      const value = ++created;
      const a = store.get(key, () => value, restart);
      const b = reference.get(key, () => value, restart, now);
      if (a !== b || store.size !== reference.entries.size) throw new Error(`step ${i}: ${a} !== ${b} or size ${store.size} !== ${reference.entries.size}`);
      if (i % 500 === 0) {
        now += next(2) === 0 ? 1000 : 0;
        store.expire();
        reference.get('probe', () => -1, false, now);
        store.get('probe', () => -1);
      }
    }
    expect(store.size).toBe(reference.entries.size);
  });
});

describe('CaseStore.onRemove', () => {
  it('is told of every instance forgotten: evicted, expired, restarted, cleared', () => {
    let now = 0;
    const removed: string[] = [];
    const store = new CaseStore<string>({ maxCases: 2, ttlMs: 1000, clock: () => now, onRemove: (v) => removed.push(v) });
    store.get('a', () => 'a1');
    store.get('b', () => 'b1');
    store.get('c', () => 'c1'); // evicts a
    store.get('b', () => 'b2', true); // restarts b
    now = 2000;
    store.expire(); // c and b
    store.get('d', () => 'd1');
    store.clear();
    expect(removed).toEqual(['a1', 'b1', 'c1', 'b2', 'd1']);
  });
});
