/**
 * The micro-benchmarks: each engine's decision, the hot loops inside engines, and the
 * harness's own cost per engine call. Every task is built from the same code the
 * backtest runs; nothing is re-implemented for the benchmark.
 */
import { Bench } from 'tinybench';
import { FINISHED, type Decision, type Request } from '../src/contract/types.ts';
import { countList } from '../src/engines/common.ts';
import { caseTruth } from '../src/engines/informed/truth.ts';
import { ENGINES, ENGINE_NAMES, REFERENCE_ENGINES, REFERENCE_NAMES } from '../src/engines/registry.ts';
import { resolveParams, parseEngineSpec } from '../src/engines/spec.ts';
import { CallbackMemory, InvitationProgramme } from '../src/engines/stoch-constraint.ts';
import type { Engine, SyncEngine } from '../src/engines/types.ts';
import type { Case } from '../src/scenario/types.ts';
import { DEFAULT_MONEY } from '../src/scenario/money.ts';
import { drawLatentPool } from '../src/world/latent.ts';
import { playCase } from '../src/sim/play.ts';
import { stream } from '../src/stats/rng.ts';
import { betaFromMoments, fitLogNormal, logNormalQuantile, sampleBeta } from '../src/stats/distributions.ts';
import { benchRequest, benchScenario } from './fixtures.ts';

export const DECIDE_SIZES = [10, 100, 1000, 10_000] as const;
/** `informed` at the sizes issue 19 names. */
export const REFERENCE_DECIDE_SIZES = [10, 100, 1000] as const;
export const NOOP_SIZES = [100, 10_000] as const;

export interface SuiteOptions {
  /** Milliseconds of sampling per task. */
  readonly time: number;
  readonly warmupTime: number;
}

function bench(name: string, o: SuiteOptions): Bench {
  return new Bench({ name, time: o.time, warmupTime: o.warmupTime, iterations: 20, retainSamples: false });
}

/** Keeps results alive so the optimiser cannot drop the work. */
let sink = 0;
export function blackhole(): number {
  return sink;
}

/** One decision of a fresh instance per round, on the same request: `decide/NAME/n=N`. */
function addDecide(b: Bench, name: string, n: number, create: () => SyncEngine): void {
  const request = benchRequest(n);
  let engine = create();
  b.add(
    `decide/${name}/n=${n}`,
    () => {
      const d: Decision = engine.decide(request);
      sink += d.num_candidates_needed;
    },
    {
      async: false,
      beforeAll: () => {
        engine = create();
      },
    },
  );
}

export function decideSuite(o: SuiteOptions): Bench {
  const b = bench('decide', o);
  for (const name of ENGINE_NAMES) {
    const definition = ENGINES[name];
    const params = resolveParams(definition, parseEngineSpec(name));
    for (const n of DECIDE_SIZES) addDecide(b, name, n, () => definition.create({ random: stream('bench', name, n), params }));
  }
  // Reference engines, told the fixture's true behaviour as a backtest tells them a case's.
  for (const name of REFERENCE_NAMES) {
    const definition = REFERENCE_ENGINES[name];
    const params = resolveParams(definition, parseEngineSpec(name));
    for (const n of REFERENCE_DECIDE_SIZES) {
      const scenario = benchScenario(1, 1, 1);
      const truth = caseTruth(scenario, scenario.cases[0] as Case, DEFAULT_MONEY);
      addDecide(b, name, n, () => definition.create({ random: stream('bench', name, n), params, truth: () => truth }));
    }
  }
  return b;
}

export function hotLoopSuite(o: SuiteOptions): Bench {
  const b = bench('hot loops', o);
  const programme = new InvitationProgramme();
  const random = stream('bench-hot');
  const prior = betaFromMoments(0.2, 0.001);
  let k = 0;
  b.add(
    'hot/lp-solve',
    () => {
      // A spread of hire rates, as posterior draws give.
      k = (k + 1) % 64;
      sink += programme.solveWithLp(0.12 + k * 0.0025, 400, 9);
    },
    { async: false },
  );
  // The machine's own tail, for reading the p99 of the decisions: arithmetic that allocates
  // nothing and takes about as long as pace's decision (~15 µs). On this project's 2-core VM
  // the thread stalls for ~35 µs two or three times per millisecond of wall time, so any task
  // longer than a few µs has its p99 at about its median plus 35 µs, whatever its code does.
  let fixed = 0;
  b.add(
    'hot/fixed-work/15us',
    () => {
      for (let i = 0; i < 1400; i++) fixed += Math.sqrt(i + fixed * 1e-12);
      sink += fixed > 0 ? 1 : 0;
    },
    { async: false },
  );
  b.add(
    'hot/programme-closed-form',
    () => {
      // The same programmes as stoch-constraint solves them: in closed form, the solver for near-ties.
      k = (k + 1) % 64;
      sink += programme.solve(0.12 + k * 0.0025, 400, 9);
    },
    { async: false },
  );
  b.add(
    'hot/posterior-draws/15',
    () => {
      for (let i = 0; i < 15; i++) sink += sampleBeta(prior.alpha + 3, prior.beta + 40, random);
    },
    { async: false },
  );
  const times = Array.from({ length: 30 }, (_, i) => 4 + ((i * 7) % 23));
  b.add(
    'hot/lognormal-fit/n=30',
    () => {
      sink += logNormalQuantile(0.7, fitLogNormal(times));
    },
    { async: false },
  );
  const memory = new CallbackMemory(Array.from({ length: 200 }, (_, i) => 5 + (i % 31)));
  const caseTimes = times.slice(0, 12);
  b.add(
    'hot/callback-memory/n=212',
    () => {
      sink += memory.callback(caseTimes);
    },
    { async: false },
  );
  for (const n of [1000, 10_000]) {
    const list = benchRequest(n).impacted_candidates_data;
    b.add(
      `hot/list-scan/n=${n}`,
      () => {
        sink += countList(list).hires;
      },
      { async: false },
    );
  }
  return b;
}

/** Engine calls measured inside one case; the first call (which invites) is left out. */
const NOOP_CALLS = 200;

/**
 * The harness's own cost per engine call: a no-op engine invites `n` candidates at its
 * first call, then asks for nobody every minute. The time between its second and last
 * call, divided by the calls in between, is the loop's cost per call with `n` candidates
 * already invited: building the request, the list, the clock, the checks.
 */
export function harnessSuite(o: SuiteOptions): Bench {
  const b = bench('harness', o);
  for (const n of NOOP_SIZES) {
    const scenario = benchScenario(n + 1, 1, 1_000_000);
    const c = scenario.cases[0] as Case;
    const pool = drawLatentPool(scenario, c, 1, 1);
    b.add(
      `sim/noop/n=${n}`,
      () => {
        const began = performance.now();
        let call = 0;
        let first = 0;
        let last = 0;
        const engine: Engine = {
          decide(request: Request): Decision {
            call++;
            if (call === 2) first = performance.now();
            if (call === NOOP_CALLS + 1) {
              last = performance.now();
              return FINISHED;
            }
            sink += request.num_remaining_in_pool;
            return { finished: false, num_candidates_needed: call === 1 ? n : 0, callback_time_minutes: 1 };
          },
        };
        playCase(c, pool, engine, { maxCalls: 1_000_000 });
        // The sample is the cost per call; the time budget is charged the whole case.
        return { overriddenDuration: (last - first) / (NOOP_CALLS - 1), overriddenIterationCost: performance.now() - began };
      },
      { async: false },
    );
  }
  return b;
}
