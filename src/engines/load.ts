import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.ts';
import { ENGINES, ENGINE_NAMES, REFERENCE_ENGINES, REFERENCE_NAMES, isEngineName, isReferenceName, ORACLE } from './registry.ts';
import type { RemoteOptions } from './remote.ts';
import { engineLabel, isModulePath, isRemoteSpec, resolveParams, type EngineSpec } from './spec.ts';
import type { Engine, EngineContext, EngineDefinition } from './types.ts';

/** An engine ready to run: its definition, its parameters with defaults, and its report name. */
export interface ResolvedEngine {
  readonly label: string;
  /** The spec with any module path made absolute, so a worker thread can resolve it again. */
  readonly spec: EngineSpec;
  readonly definition: EngineDefinition;
  readonly params: Readonly<Record<string, number>>;
}

const LABEL = /^[A-Za-z0-9_.=:+/-]+$/;

function isDefinition(value: unknown): value is EngineDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { create?: unknown }).create === 'function'
  );
}

function shownValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an object with no methods' : `an object with ${keys.slice(0, 5).join(', ')} but no decide`;
  }
  return `a ${typeof value}`;
}

/**
 * A user's engine module: its default export (or an export named `engine`) is either an
 * `EngineDefinition` or a factory `(context) => Engine`.
 */
export async function importEngineModule(file: string): Promise<EngineDefinition> {
  if (!existsSync(file)) throw new UserError(`engine module ${file} does not exist`);
  // Bundled as the helper threads run it: TypeScript or JavaScript, ES module or CommonJS,
  // inside this project or anywhere, and a syntax error named with its line.
  const { bundleEngineModule } = await import('./module-bundle.ts');
  const bundled = await bundleEngineModule(file);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`engine module ${file} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const exported = mod.default ?? mod.engine;
  const fallbackName = path.basename(file).replace(/\.(m|c)?(t|j)s$/, '');
  if (isDefinition(exported)) {
    const name = typeof exported.name === 'string' && exported.name !== '' ? exported.name : fallbackName;
    return {
      name,
      description: typeof exported.description === 'string' ? exported.description : `loaded from ${file}`,
      ...(exported.params === undefined ? {} : { params: exported.params }),
      create: (context: EngineContext): Engine => exported.create(context),
    };
  }
  if (typeof exported === 'function') {
    const factory = exported as (context: EngineContext) => Engine;
    return { name: fallbackName, description: `loaded from ${file}`, create: (context) => factory(context) };
  }
  throw new UserError(
    `engine module ${file} must export default an engine definition { name, create(context) } or a factory (context) => engine`,
  );
}

export async function resolveEngine(spec: EngineSpec, cwd: string = process.cwd(), remote: RemoteOptions = {}): Promise<ResolvedEngine> {
  let definition: EngineDefinition;
  let ref = spec.ref;
  if (isRemoteSpec(spec.ref)) {
    // Imported when needed: the HTTP client is no cost to runs without a remote engine. A label
    // may be a registered engine's name (`exp=http://…/optim-exp/`): a served engine then gives
    // the very report of the in-process one; running both under one name is refused below.
    const { remoteEngine } = await import('./remote.ts');
    definition = remoteEngine(spec.ref, spec.label, remote);
    if (!LABEL.test(definition.name)) throw new UserError(`engine name "${definition.name}" may contain only letters, digits and _ . = : + - /`);
    return { label: definition.name, spec, definition, params: {} };
  }
  if (isModulePath(spec.ref)) {
    ref = path.resolve(cwd, spec.ref);
    definition = await importEngineModule(ref);
    if (isEngineName(definition.name) || isReferenceName(definition.name)) {
      throw new UserError(`engine module ${spec.ref} calls itself "${definition.name}", the name of a registered engine; rename it`);
    }
  } else if (isEngineName(spec.ref)) {
    definition = ENGINES[spec.ref];
  } else if (isReferenceName(spec.ref)) {
    definition = REFERENCE_ENGINES[spec.ref];
  } else {
    throw new UserError(
      `unknown engine "${spec.ref}" (registered: ${ENGINE_NAMES.join(', ')}; the reference ${REFERENCE_NAMES.join(', ')}; a module path must contain "/", like ./my-engine.ts)`,
    );
  }
  const params = resolveParams(definition, spec);
  // Parameters that pass one by one can still clash (a Beta variance too large for its mean):
  // creating an instance once says so now, instead of as a fault on every case.
  let instance: unknown;
  try {
    instance = definition.create({ random: () => 0.5, params });
  } catch (error) {
    throw new UserError(`engine "${spec.text}" cannot be created: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Else every case would be a fault of the same kind.
  if (typeof (instance as { decide?: unknown } | null)?.decide !== 'function') {
    const what = isModulePath(spec.ref) ? `engine module ${spec.ref}` : `engine "${spec.text}"`;
    throw new UserError(`${what}: create() returned ${shownValue(instance)}, not an engine; expected an object with a decide(request) method`);
  }
  const label = engineLabel(definition, spec);
  if (!LABEL.test(label)) throw new UserError(`engine name "${label}" may contain only letters, digits and _ . = : + - /`);
  return { label, spec: { ...spec, ref }, definition, params };
}

/** Resolves every engine of a run and refuses duplicate report names. */
export async function resolveEngines(specs: readonly EngineSpec[], cwd?: string, remote?: RemoteOptions): Promise<ResolvedEngine[]> {
  const out: ResolvedEngine[] = [];
  for (const spec of specs) out.push(await resolveEngine(spec, cwd, remote));
  const seen = new Set<string>();
  // The same engine with the same parameters under two names (`exp` and `exp:spread=18`,
  // 18 being the default) would be run, and reported, twice.
  const configs = new Map<string, string>();
  for (const e of out) {
    if (e.label === ORACLE) throw new UserError('"oracle" is the hindsight row of every report, not an engine to run');
    if (seen.has(e.label)) throw new UserError(`engine "${e.label}" is listed twice`);
    seen.add(e.label);
    const config = `${e.spec.ref}\u001f${JSON.stringify(Object.entries(e.params).sort(([a], [b]) => a.localeCompare(b)))}`;
    const twin = configs.get(config);
    if (twin !== undefined) {
      throw new UserError(`engines "${twin}" and "${e.label}" are the same engine with the same parameters (defaults applied); list it once`);
    }
    configs.set(config, e.label);
  }
  if (out.length === 0) throw new UserError('no engines to run');
  return out;
}
