import { expect } from 'vitest';
import path from 'node:path';
import type { BacktestOptions } from '../src/commands/backtest.ts';
import type { CandidateRecord, Request } from '../src/contract/types.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { DEFAULT_MONEY } from '../src/scenario/money.ts';
import { validateScenario, type ScenarioCheck } from '../src/scenario/validate.ts';

export const POOLS_HEADER = 'case_id,pool_size,num_vacancies,start,deadline,behaviour';
export const BEHAVIOURS_HEADER = 'behaviour,segment,weight,p_accept,p_reject,p_offer_accept,delay_dist,delay_a,delay_b';
export const CANDIDATES_HEADER = 'case_id,position,outcome,offer,delay_minutes';

export function check(pools: string, behaviours: string | null, candidates: string | null = null): ScenarioCheck {
  return validateScenario({
    name: 'test',
    source: 'test',
    description: '',
    pools: { path: 'pools.csv', text: pools },
    behaviours: behaviours === null ? null : { path: 'behaviours.csv', text: behaviours },
    candidates: candidates === null ? null : { path: 'candidates.csv', text: candidates },
  });
}

export function scenarioOf(pools: string, behaviours: string | null, candidates: string | null = null): Scenario {
  const result = check(pools, behaviours, candidates);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.file}:${p.line} ${p.column} ${p.message}`).join('\n'));
  return result.scenario;
}

/** Problems as `file:line column` strings, for compact assertions. */
export function locations(result: ScenarioCheck): string[] {
  return result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line ?? '-'} ${p.column ?? '-'}`);
}

export function lines(...rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

import type { Io } from '../src/cli/io.ts';

/** An Io that keeps what the command wrote, for in-process command tests. */
export function memoryIo(cwd: string = process.cwd()): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    progress: false,
    now: () => performance.now(),
    cwd,
  };
  return io;
}

/** The small scenario of the in-process backtest tests. */
export const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');

/** Options of a backtest of `TINY` on one thread with the default money; a test file sets the rest. */
export function backtestOptions(o: Partial<BacktestOptions>): BacktestOptions {
  return {
    scenario: TINY,
    engines: [],
    seed: 1,
    replicates: 1,
    workers: 1,
    format: 'md',
    carryState: false,
    maxCalls: 100_000,
    money: DEFAULT_MONEY,
    bootstrap: 200,
    ...o,
  };
}

/** The engine contract's example request (spec contract.md): one hire, one pending invitation. */
export const CONTRACT_REQUEST = {
  correlation_id: 'Case0_2',
  reference_date_time: '2021-01-02 03:12:27',
  deadline: '2021-01-05 09:00:00',
  num_vacancies: 8,
  num_remaining_in_pool: 98,
  impacted_candidates_data: [
    { notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: 12 },
    { notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: 30 },
  ],
} as const;

/** Records by what happened, `m` minutes to answer (or out, when pending). */
export const hire = (m: number): CandidateRecord => ({ notification_status: 'ir_accepted', candidate_status: 'offer_accepted', time_to_respond_ir_minutes: m });
export const cancelled = (m: number): CandidateRecord => ({ notification_status: 'ir_accepted', candidate_status: 'cancelled', time_to_respond_ir_minutes: m });
export const rejected = (m: number): CandidateRecord => ({ notification_status: 'ir_rejected', candidate_status: 'cancelled', time_to_respond_ir_minutes: m });
export const pending = (m: number): CandidateRecord => ({ notification_status: 'ir_pending', candidate_status: 'not_in_ft', time_to_respond_ir_minutes: m });

/** A request of nine vacancies, 400 left in the pool, four days before the deadline. */
export function requestOf(list: CandidateRecord[], o: Partial<Request> = {}): Request {
  return {
    correlation_id: 'C_0',
    reference_date_time: '2021-01-04 09:00:00',
    deadline: '2021-01-08 09:00:00',
    num_vacancies: 9,
    num_remaining_in_pool: 400,
    impacted_candidates_data: list,
    ...o,
  };
}

/**
 * A report page needs nothing from outside: no script but JSON data, no reference but to its
 * charts and its own anchors, no CSS `url()` but to its own ids, and ids unique in the page.
 */
export function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*type="application\/json")/);
  const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
  expect(references.filter((r) => !r.startsWith('charts/') && !r.startsWith('#'))).toEqual([]);
  expect(html.match(/url\((?!#)/g)).toBeNull();
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
}
