import { UserError } from '../errors.ts';
import type { EngineDefinition } from './types.ts';

/**
 * An engine as named on the command line: a registered name or a module path, then
 * optional parameters, `nbinomial:mean=0.05:variance=0.0002`. `:` keeps parameters apart
 * from the `,` that separates engines in `--engines a,b`.
 */
export interface EngineSpec {
  /** The text as the user wrote it. */
  readonly text: string;
  /** Registered name, module path, or URL of a remote engine. */
  readonly ref: string;
  readonly params: readonly (readonly [string, string])[];
  /** A remote engine's report name, from `label=http://…`. */
  readonly label?: string | undefined;
}

const REMOTE = /^(?:([^=/:]+)=)?(https?:\/\/\S+)$/i;

/** `http://…`, `https://…`, or `label=http…`: an engine behind HTTP (remote.ts), not a name or module path. */
export function isRemoteSpec(text: string): boolean {
  return REMOTE.test(text.trim());
}

/** The label and URL of a remote engine spec, or `null` when `text` is not one. */
export function parseRemoteSpec(text: string): { label: string | undefined; url: string } | null {
  const m = REMOTE.exec(text.trim());
  if (m === null) return null;
  return { label: m[1]?.trim() || undefined, url: m[2] as string };
}

/**
 * A service on this machine: its host is a loopback name or address (`localhost`, `127.x.x.x`,
 * `[::1]`, `0.0.0.0`). Read from the URL alone; a machine's other names are not looked up.
 */
export function isServedHere(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]' || host === '0.0.0.0';
}

/** A module of the user's on disk: a path that is not a service URL. Such engines run in watched threads. */
export function isUserModule(ref: string): boolean {
  return isModulePath(ref) && !isRemoteSpec(ref);
}

/** A path, not a name: it has a slash or a script extension. */
export function isModulePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(m|c)?(t|j)s$/.test(ref);
}

export function parseEngineSpec(text: string): EngineSpec {
  const trimmed = text.trim();
  // A URL's `:` is not a parameter separator; a remote engine takes no parameters.
  const remote = parseRemoteSpec(trimmed);
  const looksRemote = /^(?:[^=/:]+=)?https?:\/\//i.exec(trimmed);
  if (looksRemote !== null) {
    const url = trimmed.slice(trimmed.search(/https?:\/\//i));
    if (remote === null || !URL.canParse(remote.url)) {
      const why = /\s/.test(url) ? 'it contains a space' : 'it cannot be parsed';
      throw new UserError(`engine "${text}": ${JSON.stringify(url)} is a malformed URL (${why}); expected http://host[:port]/path, or label=http://…`);
    }
  }
  if (remote !== null) return { text: trimmed, ref: remote.url, params: [], label: remote.label };
  const [ref = '', ...rest] = trimmed.split(':');
  if (ref === '') throw new UserError(`engine "${text}": the name is empty`);
  const params = rest.map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UserError(`engine "${text}": parameter "${part}" is not key=value`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as const;
  });
  return { text: trimmed, ref, params };
}

/** Splits `--engines a,b:x=1,c` (and repeated flags) into engine specs. */
export function parseEngineList(values: readonly string[]): EngineSpec[] {
  return splitEngineList(values).map(parseEngineSpec);
}

/** The engines of `--engines` values as written, one text each (`a,b` `c` → `a`, `b`, `c`), not yet checked. */
export function splitEngineList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Applies defaults and checks every given parameter against the definition. */
export function resolveParams(definition: EngineDefinition, spec: EngineSpec): Record<string, number> {
  const declared = definition.params ?? {};
  const out: Record<string, number> = {};
  for (const [key, p] of Object.entries(declared)) out[key] = p.default;
  const problems: string[] = [];
  const seen = new Set<string>();
  const texts = definition.textParams ?? {};
  const given = new Set(spec.params.map(([key]) => key));
  for (const [key, raw] of spec.params) {
    const t = texts[key];
    if (t !== undefined) {
      if (seen.has(key)) problems.push(`parameter "${key}" is given twice`);
      seen.add(key);
      for (const [k, v] of Object.entries(t.expand(raw))) if (!given.has(k)) out[k] = v;
      continue;
    }
    const p = declared[key];
    if (p === undefined) {
      const known = [...Object.keys(declared), ...Object.keys(texts)];
      problems.push(`unknown parameter "${key}" (${known.length === 0 ? 'it takes none' : `it takes ${known.join(', ')}`})`);
      continue;
    }
    if (seen.has(key)) problems.push(`parameter "${key}" is given twice`);
    seen.add(key);
    const x = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(x)) problems.push(`${key}="${raw}" is not a number`);
    else if (p.integer === true && !Number.isInteger(x)) problems.push(`${key}=${raw} is not an integer`);
    else if (p.min !== undefined && x < p.min) problems.push(`${key}=${raw} is below ${p.min}`);
    else if (p.max !== undefined && x > p.max) problems.push(`${key}=${raw} is above ${p.max}`);
    else out[key] = x;
  }
  if (problems.length > 0) throw new UserError(`engine "${spec.text}": ${problems.join('; ')}`);
  return out;
}

/** The name reports use: the engine's name and the parameters the user set, in declaration order. */
export function engineLabel(definition: EngineDefinition, spec: EngineSpec): string {
  const given = new Map(spec.params);
  const parts = Object.keys(definition.params ?? {})
    .filter((key) => given.has(key))
    .map((key) => `${key}=${Number(given.get(key))}`);
  for (const key of Object.keys(definition.textParams ?? {})) if (given.has(key)) parts.push(`${key}=${given.get(key) as string}`);
  return [definition.name, ...parts].join(':');
}
