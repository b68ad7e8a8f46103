import { describe, expect, it } from 'vitest';
import { cancelled, hire, pending, rejected, requestOf } from '../helpers.ts';
import type { CandidateRecord, Request } from '../../src/contract/types.ts';
import { invitationsPerHire, nbinomial } from '../../src/engines/nbinomial.ts';
import { betaFromMoments } from '../../src/stats/distributions.ts';


function request(list: CandidateRecord[], o: Partial<Request> = {}): Request {
  return requestOf(list, o);
}

const engine = () => nbinomial.create({ random: () => 0.5, params: { mean: 0.04, variance: 0.00014 } });

describe('nbinomial', () => {
  it('asks for 27 under the prior, with a 7-minute callback', () => {
    expect(engine().decide(request([]))).toEqual({ finished: false, num_candidates_needed: 27, callback_time_minutes: 7 });
  });

  it('updates the posterior from hires and answered non-hires, leaving pending records out', () => {
    const list = [hire(10), rejected(3), cancelled(14), hire(9), pending(40), rejected(5), pending(2), rejected(1), pending(60)];
    const { alpha, beta } = betaFromMoments(0.04, 0.00014);
    // s = 2 hires, f = 3 rejected + 1 cancelled = 4; the 3 pending are censored.
    const expected = Math.round(1 + (beta + 4) / (alpha + 2 - 1));
    expect(expected).toBe(23);
    const d = engine().decide(request(list));
    expect(d.num_candidates_needed).toBe(23);
    // Callback: mean response time of the 3 accepted records (two hires, one cancelled).
    expect(d.callback_time_minutes).toBe(Math.round((10 + 14 + 9) / 3));
  });

  it('keeps the 7-minute callback until the list holds 3 records with an acceptance', () => {
    expect(engine().decide(request([hire(30), pending(2)])).callback_time_minutes).toBe(7);
    expect(engine().decide(request([rejected(30), rejected(2), pending(2)])).callback_time_minutes).toBe(7);
    expect(engine().decide(request([hire(30), rejected(2), pending(2)])).callback_time_minutes).toBe(30);
  });

  it('never asks for more than remain', () => {
    expect(engine().decide(request([], { num_remaining_in_pool: 5 })).num_candidates_needed).toBe(5);
  });

  it('finishes at the deadline, when the vacancies are filled, or when the pool is empty', () => {
    const done = { finished: true, num_candidates_needed: 0, callback_time_minutes: 0 };
    expect(engine().decide(request([], { reference_date_time: '2021-01-08 09:00:00' }))).toEqual(done);
    expect(engine().decide(request([hire(1), hire(2)], { num_vacancies: 2 }))).toEqual(done);
    expect(engine().decide(request([], { num_remaining_in_pool: 0 }))).toEqual(done);
  });

  it('predicts 1 + β/(α − 1) invitations per hire', () => {
    expect(invitationsPerHire(11, 100)).toBe(11);
    expect(invitationsPerHire(1, 100)).toBe(Infinity);
  });
});
