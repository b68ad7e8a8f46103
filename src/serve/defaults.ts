/** Defaults of `pacebench serve`, apart from the app so that the CLI loads no server to parse options. */
export const DEFAULT_BODY_LIMIT = 16 * 2 ** 20;
export const DEFAULT_MAX_CASES = 10_000;
/** Longer than any callback an engine asks for in a real opening, so a live case is not forgotten. */
export const DEFAULT_CASE_TTL_MS = 24 * 3600 * 1000;
/**
 * Calls `serve` makes to itself before opening its port (src/serve/warm-up.ts): none unless
 * asked, so that the port opens as soon as the engines are loaded.
 */
export const DEFAULT_WARM_UP_CALLS = 0;
/**
 * The replicate whose engine streams the service reproduces: a served engine seeded like a
 * backtest's replicate 1 draws the same numbers for the same calls.
 */
export const SERVED_REPLICATE = 1;
