/** A scenario as the simulator uses it, after every check has passed (spec/scenarios.md). */

export type DelayDistribution =
  | { readonly kind: 'weibull'; readonly shape: number; readonly scale: number }
  | { readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number }
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'fixed'; readonly minutes: number };

export interface Segment {
  readonly id: string;
  /** Normalised so that the weights of a behaviour sum to 1. */
  readonly weight: number;
  readonly pAccept: number;
  readonly pReject: number;
  readonly pOfferAccept: number;
  readonly delay: DelayDistribution;
}

export interface Behaviour {
  readonly id: string;
  readonly segments: readonly Segment[];
}

export type TraceOutcome = 'accepted' | 'rejected' | 'no_response';

/** One recorded candidate of `candidates.csv`. */
export interface TraceCandidate {
  readonly outcome: TraceOutcome;
  /** Only meaningful for `accepted`. */
  readonly offerAccepted: boolean;
  /** Minutes; `Infinity` for `no_response`. */
  readonly delayMinutes: number;
}

/** A job opening: one row of `pools.csv`. */
export interface Case {
  readonly id: string;
  readonly poolSize: number;
  readonly numVacancies: number;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly deadline: number;
  /** Behaviour id, or `null` for a trace-replay case. */
  readonly behaviour: string | null;
  /** The recorded pool in position order, or `null` when drawn from the behaviour. */
  readonly trace: readonly TraceCandidate[] | null;
}

export interface Scenario {
  readonly name: string;
  /** The folder it was read from, as the user named it; used in messages only. */
  readonly source: string;
  /** One line: what real situation the scenario models (from its README). */
  readonly description: string;
  readonly cases: readonly Case[];
  readonly behaviours: Readonly<Record<string, Behaviour>>;
}
