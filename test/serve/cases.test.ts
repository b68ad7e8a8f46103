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
