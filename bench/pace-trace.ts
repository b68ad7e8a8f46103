/**
 * Plays one case of a scenario against pace and prints every call: what the list held, the
 * delay model and rates pace fitted, and its decision. For seeing why pace did what it did.
 *
 *   npx tsx bench/pace-trace.ts SCENARIO CASE_INDEX [pace:key=value…] [--seed n]
 */
import type { Decision, Request } from '../src/contract/types.ts';
import { fitModel } from '../src/engines/pace/fit.ts';
import { coldTwoScales } from '../src/engines/pace/two-scales.ts';
import { pace } from '../src/engines/pace/index.ts';
import { paceParams, priorOf } from '../src/engines/pace/params.ts';
import { ListSummary } from '../src/engines/pace/summary.ts';
import { parseEngineSpec, resolveParams } from '../src/engines/spec.ts';
import type { Case } from '../src/scenario/types.ts';
import { readScenario } from '../src/scenario/read.ts';
import { drawLatentPool } from '../src/world/latent.ts';
import { playCase, windowMinutes } from '../src/sim/play.ts';
import { UserError } from '../src/errors.ts';

function main(): void {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
  const [scenarioName, index = '0', spec = 'pace'] = seedAt < 0 ? args : args.filter((_, i) => i !== seedAt && i !== seedAt + 1);
  if (scenarioName === undefined) throw new UserError('usage: npx tsx bench/pace-trace.ts SCENARIO CASE_INDEX [pace:key=value…] [--seed n]');
  const { scenario } = readScenario(scenarioName);
  const found = scenario.cases[Number(index)];
  if (found === undefined) throw new UserError(`${scenarioName} has cases 0 to ${scenario.cases.length - 1}; no case ${index}`);
  const c: Case = found;
  const pool = drawLatentPool(scenario, c, seed, 1);
  const params = resolveParams(pace, parseEngineSpec(spec));
  const settings = paceParams(params);
  const prior = priorOf(settings);
  const inner = pace.create({ random: () => 0.5, params });
  // The engine's two-scale EM goes on from call to call; the trace's own fits follow the same calls.
  const twoScales = settings.twoScales === 1 ? coldTwoScales() : false;
  let potential = 0;
  for (let i = 0; i < pool.size; i++) potential += pool.offerAccepted[i] as number;
  console.log(`case ${c.id}: pool ${c.poolSize}, ${c.numVacancies} vacancies, window ${windowMinutes(c).toFixed(0)} min, ${potential} would accept an offer`);
  const engine = {
    decide(r: Request): Decision {
      const d = inner.decide(r);
      const s = new ListSummary().read(r.impacted_candidates_data);
      const f = fitModel(s, prior, { censoring: settings.censoring === 1 }, [new Float64Array(s.groups + 1), new Float64Array(s.groups + 1)], undefined, undefined, twoScales);
      const model = f.j === -2 ? `two log-normals: ${((f.mix as number) * 100).toFixed(0)} % median ${Math.exp(f.mu as number).toFixed(0)} σ ${(f.sigma as number).toFixed(2)}, median ${Math.exp(f.mu2 as number).toFixed(0)} σ ${(f.sigma2 as number).toFixed(2)}` : f.j < 0 ? `log-normal median ${Math.exp(f.mu as number).toFixed(0)} σ ${(f.sigma as number).toFixed(2)}` : `Weibull k ${f.k} median ${Math.pow(Math.LN2 / f.theta, 1 / f.k).toFixed(0)}`;
      const decision = d.finished ? 'finished' : `invite ${d.num_candidates_needed}, call back in ${d.callback_time_minutes} min`;
      console.log(
        `${r.reference_date_time}  invited ${r.impacted_candidates_data.length}: ${s.hires} hires, ${s.nonHires} other answers, ${s.pending} pending | ${model}, P(answer) ${f.answerRate.toFixed(3)}, P(hire) ${f.hireRate.toFixed(4)} | ${decision}`,
      );
      return d;
    },
  };
  const play = playCase(c, pool, engine, { maxCalls: 100_000 });
  let hires = 0;
  for (let i = 0; i < play.invited; i++) if (pool.offerAccepted[i] === 1 && (play.invitedAt[i] as number) + (pool.delay[i] as number) <= windowMinutes(c)) hires++;
  console.log(`invited ${play.invited}, ${hires} offer acceptances by the deadline, ${play.calls} calls`);
}

try {
  main();
} catch (error: unknown) {
  if (!(error instanceof UserError)) throw error;
  process.stderr.write(`pace-trace: ${error.message}\n`);
  process.exitCode = 2;
}
