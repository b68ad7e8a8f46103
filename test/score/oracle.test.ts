import { describe, expect, it } from 'vitest';
import { DEFAULT_MONEY } from '../../src/scenario/money.ts';
import { hindsightOracle } from '../../src/score/oracle.ts';
import { ACCEPT, NEVER, REJECT, type LatentPool } from '../../src/world/latent.ts';

type Who = 'hire' | 'cancel' | 'reject' | 'never';

function pool(candidates: [Who, number][]): LatentPool {
  const n = candidates.length;
  const p: LatentPool = {
    size: n,
    outcome: new Uint8Array(n),
    offerAccepted: new Uint8Array(n),
    delay: new Float64Array(n),
    segment: new Uint16Array(n),
  };
  candidates.forEach(([who, delay], i) => {
    p.outcome[i] = who === 'hire' || who === 'cancel' ? ACCEPT : who === 'reject' ? REJECT : NEVER;
    p.offerAccepted[i] = who === 'hire' ? 1 : 0;
    p.delay[i] = who === 'never' ? Infinity : delay;
  });
  return p;
}

describe('the hindsight oracle', () => {
  it('invites nobody when nobody would be hired in time', () => {
    const r = hindsightOracle(pool([['reject', 1], ['never', 0], ['hire', 500]]), 60, 1, DEFAULT_MONEY);
    expect(r).toEqual({ invited: 0, hires: 0, overbooked: 0, timeToFill: null, value: 0 });
  });

  it('stops at the hire that fills the last vacancy', () => {
    const r = hindsightOracle(pool([['never', 0], ['hire', 10], ['reject', 3], ['hire', 20], ['hire', 5]]), 60, 2, DEFAULT_MONEY);
    expect(r).toEqual({ invited: 4, hires: 2, overbooked: 0, timeToFill: 20, value: 5000 - 80 });
  });

  it('takes an overbooking when the next hire is worth it, and counts late acceptances', () => {
    // Prefix 2: one hire. Prefix 4 adds a late acceptance (overbooked) and a second hire.
    const r = hindsightOracle(pool([['reject', 1], ['hire', 10], ['hire', 100], ['hire', 30]]), 60, 3, DEFAULT_MONEY);
    expect(r).toEqual({ invited: 4, hires: 2, overbooked: 1, timeToFill: null, value: 5000 - 80 - 250 });
  });

  it('gives a tie to the shorter prefix', () => {
    // A hire worth exactly the cost of reaching it: 2500 = 125 invitations at 20.
    const money = { valuePerHire: 2500, costPerInvite: 20, costPerOverbooking: 250 };
    const candidates: [Who, number][] = [['hire', 1]];
    for (let i = 0; i < 124; i++) candidates.push(['reject', 1]);
    candidates.push(['hire', 1]);
    const r = hindsightOracle(pool(candidates), 60, 2, money);
    expect(r.value).toBe(2480);
    expect(r.invited).toBe(1);
  });
});
