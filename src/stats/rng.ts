import seedrandom from 'seedrandom';

/** A uniform [0, 1) generator. Everything random in pacebench draws from one of these. */
export type Random = () => number;

/**
 * One generator per random stream, each seeded from the run's seed and the stream's
 * identity, so that a stream's numbers never depend on which other streams exist.
 * Alea (from seedrandom) rather than the default ARC4: several times faster both to draw
 * and to seed, and the simulator seeds a stream per (replicate, case) and per engine
 * (docs/performance.md, "Random streams").
 */
export function stream(...identity: readonly (string | number)[]): Random {
  const prng = seedrandom.alea(identity.join('\u001f'));
  return () => prng();
}

/** The stream of latent candidate behaviour for one (replicate, case). */
export function latentStream(seed: number, replicate: number, caseId: string): Random {
  return stream('latent', seed, replicate, caseId);
}

/** An engine's own stream for one (replicate, case): independent of every other engine. */
export function engineStream(seed: number, replicate: number, caseId: string, engine: string): Random {
  return stream('engine', seed, replicate, caseId, engine);
}
