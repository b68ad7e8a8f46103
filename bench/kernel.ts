/**
 * The parallel-ceiling probe's worker: plays the first 25 cases of large_pools against every
 * registered engine, after a warm-up, and reports the milliseconds. Run alone and then as
 * two threads at once, it shows how much a second thread can add on this machine to this
 * kind of code, whatever pacebench's own scheduling does.
 */
import { parentPort } from 'node:worker_threads';
import { resolveEngines } from '../src/engines/load.ts';
import { ENGINE_NAMES } from '../src/engines/registry.ts';
import { parseEngineList } from '../src/engines/spec.ts';
import { readScenario } from '../src/scenario/read.ts';
import { DEFAULT_MONEY } from '../src/scenario/money.ts';
import { planUnits, runUnit } from '../src/sim/run.ts';

const { scenario } = readScenario('large_pools');
const engines = await resolveEngines(parseEngineList(ENGINE_NAMES));
const config = { seed: 1, replicates: 1, carryState: false, maxCalls: 100_000, money: DEFAULT_MONEY };
const units = planUnits(scenario, config).slice(0, 25);
for (const u of units.slice(0, 5)) runUnit(scenario, engines, config, u);
const started = performance.now();
for (const u of units) runUnit(scenario, engines, config, u);
parentPort?.postMessage(performance.now() - started);
