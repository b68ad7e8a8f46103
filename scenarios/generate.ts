/**
 * Generates the CSVs of the shipped scenarios, deterministically (seeded streams only).
 *
 *     npm run scenarios:generate            # every scenario
 *     npm run scenarios:generate -- NAME    # one
 *
 * Each scenario's README.md is written by hand and says what the numbers model; this
 * script only writes pools.csv, behaviours.csv and, for trace replay, candidates.csv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTimestamp } from '../src/contract/time.ts';
import { stream, type Random } from '../src/stats/rng.ts';
import { sampleBeta } from '../src/stats/distributions.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface SegmentRow {
  behaviour: string;
  segment: string;
  weight: number;
  p_accept: number;
  p_reject: number;
  p_offer_accept: number;
  delay_dist: 'weibull' | 'lognormal' | 'exponential' | 'fixed';
  delay_a: number;
  delay_b?: number;
}

interface PoolRow {
  case_id: string;
  pool_size: number | '';
  num_vacancies: number;
  start: number;
  deadline: number;
  behaviour: string;
}

interface TraceRow {
  case_id: string;
  position: number;
  outcome: 'accepted' | 'rejected' | 'no_response';
  offer: '' | 'offer_accepted' | 'cancelled';
  delay_minutes: number | '';
}

interface Generated {
  header: string;
  behaviours: SegmentRow[];
  pools: PoolRow[];
  candidates?: TraceRow[];
}

const uniformInt = (random: Random, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const uniform = (random: Random, lo: number, hi: number): number => lo + random() * (hi - lo);

/** Openings start on weekdays of the first half of 2021, at office hours, to the second. */
function startTime(random: Random): number {
  const base = Date.UTC(2021, 0, 4, 0, 0, 0);
  for (;;) {
    const day = uniformInt(random, 0, 180);
    const weekday = (new Date(base + day * DAY).getUTCDay() + 6) % 7;
    if (weekday >= 5) continue;
    return base + day * DAY + uniformInt(random, 7 * 3600, 18 * 3600) * 1000;
  }
}

/** Deadlines fall on the hour, as a planner would set them. */
function deadlineAfter(start: number, windowMs: number): number {
  return Math.max(start + HOUR, Math.round((start + windowMs) / HOUR) * HOUR);
}

function cases(n: number, prefix: string, make: (i: number) => Omit<PoolRow, 'case_id'>): PoolRow[] {
  return Array.from({ length: n }, (_, i) => ({ case_id: `${prefix}${String(i + 1).padStart(4, '0')}`, ...make(i) }));
}

const COLD_START: SegmentRow = {
  behaviour: 'default',
  segment: 'all',
  weight: 1,
  p_accept: 0.1,
  p_reject: 0.1,
  p_offer_accept: 0.6,
  delay_dist: 'weibull',
  delay_a: 2.4,
  delay_b: 10.5,
};

const SCENARIOS: Record<string, () => Generated> = {
  cold_start() {
    const random = stream('scenario', 'cold_start');
    return {
      header: 'cold_start: the reference openings of spec/scenarios.md',
      behaviours: [COLD_START],
      pools: cases(200, 'C', () => {
        const start = startTime(random);
        // 3 hours to 20 days, 5.5 days on average: 3 h + 477 h · Beta(1.1, 2.97).
        const windowMs = 3 * HOUR + 477 * HOUR * sampleBeta(1.1, 2.97, random);
        return {
          pool_size: uniformInt(random, 370, 430),
          num_vacancies: uniformInt(random, 6, 12),
          start,
          deadline: deadlineAfter(start, windowMs),
          behaviour: 'default',
        };
      }),
    };
  },

  tight_deadlines() {
    const random = stream('scenario', 'tight_deadlines');
    return {
      header: 'tight_deadlines: same-day shift cover, deadlines one to eight hours out',
      behaviours: [
        { ...COLD_START, behaviour: 'same_day', p_accept: 0.12, p_reject: 0.1, p_offer_accept: 0.65, delay_a: 1.6, delay_b: 35 },
      ],
      pools: cases(150, 'T', () => {
        const start = startTime(random);
        return {
          pool_size: uniformInt(random, 150, 300),
          num_vacancies: uniformInt(random, 2, 8),
          start,
          deadline: start + Math.round(uniform(random, 60, 480)) * MINUTE,
          behaviour: 'same_day',
        };
      }),
    };
  },

  scarce_pool() {
    const random = stream('scenario', 'scarce_pool');
    const pHire = COLD_START.p_accept * COLD_START.p_offer_accept;
    return {
      header: 'scarce_pool: niche roles whose pool barely covers the vacancies',
      behaviours: [{ ...COLD_START, behaviour: 'specialists' }],
      pools: cases(160, 'S', () => {
        const start = startTime(random);
        const vacancies = uniformInt(random, 4, 12);
        return {
          // Expected hires from the whole pool: 0.9 to 1.4 times the vacancies.
          pool_size: Math.round((vacancies / pHire) * uniform(random, 0.9, 1.4)),
          num_vacancies: vacancies,
          start,
          deadline: deadlineAfter(start, uniform(random, 1, 10) * DAY),
          behaviour: 'specialists',
        };
      }),
    };
  },

  slow_responders() {
    const random = stream('scenario', 'slow_responders');
    return {
      header: 'slow_responders: passive candidates reached by e-mail; answers take hours to days, most never answer',
      behaviours: [
        {
          behaviour: 'passive',
          segment: 'all',
          weight: 1,
          p_accept: 0.08,
          p_reject: 0.05,
          p_offer_accept: 0.7,
          delay_dist: 'lognormal',
          delay_a: Number(Math.log(600).toFixed(4)),
          delay_b: 1.2,
        },
      ],
      pools: cases(150, 'L', () => {
        const start = startTime(random);
        return {
          pool_size: uniformInt(random, 300, 600),
          num_vacancies: uniformInt(random, 3, 8),
          start,
          deadline: deadlineAfter(start, uniform(random, 2, 20) * DAY),
          behaviour: 'passive',
        };
      }),
    };
  },

  mixed_segments() {
    const random = stream('scenario', 'mixed_segments');
    const segments = (behaviour: string, weights: [number, number, number]): SegmentRow[] => [
      { behaviour, segment: 'regulars', weight: weights[0], p_accept: 0.35, p_reject: 0.1, p_offer_accept: 0.8, delay_dist: 'weibull', delay_a: 2, delay_b: 8 },
      { behaviour, segment: 'occasional', weight: weights[1], p_accept: 0.08, p_reject: 0.12, p_offer_accept: 0.55, delay_dist: 'exponential', delay_a: 60 },
      { behaviour, segment: 'dormant', weight: weights[2], p_accept: 0.02, p_reject: 0.03, p_offer_accept: 0.4, delay_dist: 'lognormal', delay_a: Number(Math.log(1440).toFixed(4)), delay_b: 1 },
    ];
    return {
      header: 'mixed_segments: regulars, occasional workers and dormant sign-ups in one pool',
      behaviours: [...segments('city', [0.25, 0.5, 0.25]), ...segments('regional', [0.1, 0.4, 0.5])],
      pools: cases(180, 'M', () => {
        const start = startTime(random);
        const regional = random() < 0.4;
        return {
          pool_size: uniformInt(random, 250, 500),
          num_vacancies: uniformInt(random, 5, 15),
          start,
          deadline: deadlineAfter(start, uniform(random, 0.5, 10) * DAY),
          behaviour: regional ? 'regional' : 'city',
        };
      }),
    };
  },

  large_pools() {
    const random = stream('scenario', 'large_pools');
    return {
      header: 'large_pools: seasonal mass hiring from pools of 10 000',
      behaviours: [{ ...COLD_START, behaviour: 'seasonal' }],
      pools: cases(100, 'B', () => {
        const start = startTime(random);
        return {
          pool_size: 10_000,
          num_vacancies: uniformInt(random, 100, 400),
          start,
          deadline: deadlineAfter(start, uniform(random, 2, 14) * DAY),
          behaviour: 'seasonal',
        };
      }),
    };
  },

  trace_replay() {
    const random = stream('scenario', 'trace_replay');
    const pools = cases(12, 'R', () => {
      const start = startTime(random);
      return {
        pool_size: '',
        num_vacancies: uniformInt(random, 3, 8),
        start,
        deadline: deadlineAfter(start, uniform(random, 0.5, 6) * DAY),
        behaviour: '',
      };
    });
    const candidates: TraceRow[] = [];
    for (const p of pools) {
      const n = uniformInt(random, 120, 220);
      for (let position = 0; position < n; position++) {
        const u = random();
        const outcome = u < 0.11 ? 'accepted' : u < 0.21 ? 'rejected' : 'no_response';
        // Recorded delays are whole or half minutes, as an export in seconds/30 would give.
        const delay = Math.round(10.5 * Math.pow(-Math.log1p(-random()), 1 / 2.4) * 2) / 2;
        candidates.push({
          case_id: p.case_id,
          position,
          outcome,
          offer: outcome === 'accepted' ? (random() < 0.6 ? 'offer_accepted' : 'cancelled') : '',
          delay_minutes: outcome === 'no_response' ? '' : delay,
        });
      }
    }
    return { header: 'trace_replay: recorded outcomes replayed, no parametric behaviour', behaviours: [], pools, candidates };
  },
};

function csv(header: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [`# ${header}`, '# generated by scenarios/generate.ts; edit the generator, not this file', columns.join(',')];
  for (const row of rows) {
    lines.push(
      columns
        .map((c) => {
          const v = row[c];
          if (v === undefined || v === '') return '';
          return typeof v === 'number' && (c === 'start' || c === 'deadline') ? formatTimestamp(v) : String(v);
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function write(name: string): void {
  const make = SCENARIOS[name];
  if (make === undefined) throw new Error(`no generator for scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const g = make();
  const dir = path.join(HERE, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'pools.csv'),
    csv(g.header, ['case_id', 'pool_size', 'num_vacancies', 'start', 'deadline', 'behaviour'], g.pools as unknown as Record<string, unknown>[]),
  );
  if (g.behaviours.length > 0) {
    writeFileSync(
      path.join(dir, 'behaviours.csv'),
      csv(
        g.header,
        ['behaviour', 'segment', 'weight', 'p_accept', 'p_reject', 'p_offer_accept', 'delay_dist', 'delay_a', 'delay_b'],
        g.behaviours as unknown as Record<string, unknown>[],
      ),
    );
  }
  if (g.candidates !== undefined) {
    writeFileSync(
      path.join(dir, 'candidates.csv'),
      csv(g.header, ['case_id', 'position', 'outcome', 'offer', 'delay_minutes'], g.candidates as unknown as Record<string, unknown>[]),
    );
  }
  process.stderr.write(`wrote scenarios/${name}/\n`);
}

const requested = process.argv.slice(2);
for (const name of requested.length > 0 ? requested : Object.keys(SCENARIOS)) write(name);
