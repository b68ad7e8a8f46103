import { readCsv, type CsvRow } from './csv.ts';
import type { Problem } from './problems.ts';
import { RowReader } from './row-reader.ts';
import type { Behaviour, Case, DelayDistribution, Scenario, Segment, TraceCandidate, TraceOutcome } from './types.ts';

export interface ScenarioFile {
  /** The path shown in messages, e.g. `scenarios/cold_start/pools.csv`. */
  readonly path: string;
  readonly text: string;
}

export interface ScenarioFiles {
  readonly name: string;
  readonly source: string;
  readonly description: string;
  readonly pools: ScenarioFile;
  readonly behaviours: ScenarioFile | null;
  readonly candidates: ScenarioFile | null;
}

export type ScenarioCheck =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

const CASE_ID = /^[A-Za-z0-9_.-]+$/;
/**
 * The largest pool a case may have. Far beyond any real opening; past it, typed arrays
 * and loops over positions stop being safe to allocate. Memory for a run is checked
 * separately, before it starts (src/sim/memory.ts).
 */
export const MAX_POOL_SIZE = 100_000_000;
const DISTRIBUTIONS = ['weibull', 'lognormal', 'exponential', 'fixed'] as const;
const OUTCOMES: readonly TraceOutcome[] = ['accepted', 'rejected', 'no_response'];
/** Slack for probabilities written with finite decimals, e.g. 0.7 + 0.3. */
const EPSILON = 1e-9;

/**
 * Checks the text of a scenario's CSV files and builds the scenario, collecting every
 * problem (with file, line and column) instead of stopping at the first.
 */
export function validateScenario(files: ScenarioFiles): ScenarioCheck {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const behaviours = files.behaviours === null ? null : checkBehaviours(files.behaviours, problems);
  // Without a usable behaviours.csv every case naming a behaviour would fail on its own line:
  // one problem says it once.
  const behavioursUnusable = files.behaviours === null || behaviours === null || (behaviours.size === 0 && problems.some((p) => p.file === files.behaviours?.path));
  let unusableReported = false;
  const reportUnusable = (line: number): void => {
    if (unusableReported) return;
    unusableReported = true;
    if (files.behaviours === null) {
      const where = files.pools.path.replace(/pools\.csv$/, 'behaviours.csv');
      problems.push({ file: where, message: `is missing: the cases of ${files.pools.path} name behaviours (first on line ${line})` });
    }
  };
  const { pools, rejected } = checkPools(files.pools, problems);
  const traces = files.candidates === null ? new Map<string, TraceRows>() : checkCandidates(files.candidates, pools, problems);

  const cases: Case[] = [];
  const used = new Set<string>();
  // Rows with a bad case id are still checked for their behaviour, so every problem shows at once.
  for (const c of [...pools.values(), ...rejected].sort((a, b) => a.row.line - b.row.line)) {
    const reader = new RowReader(files.pools.path, c.row, problems);
    const trace = pools.get(c.id) === c ? traces.get(c.id) : undefined;
    if (trace !== undefined) {
      if (c.poolSize !== null && c.poolSize !== trace.candidates.length) {
        reader.fail('pool_size', `${c.poolSize} does not match the ${trace.candidates.length} rows of this case in ${files.candidates?.path}`);
      }
      if (c.behaviour !== '') {
        if (behaviours?.has(c.behaviour)) used.add(c.behaviour);
        else if (behavioursUnusable) reportUnusable(c.row.line);
        else reader.fail('behaviour', `"${c.behaviour}" is not defined in ${files.behaviours?.path}`);
      }
      if (c.fields !== null) {
        cases.push({ ...c.fields, poolSize: trace.candidates.length, behaviour: c.behaviour === '' ? null : c.behaviour, trace: trace.candidates });
      }
      continue;
    }
    if (c.behaviour === '') {
      reader.fail('behaviour', `is empty; a case without rows in candidates.csv needs a behaviour`);
    } else if (behaviours === null || behavioursUnusable) {
      reportUnusable(c.row.line);
    } else if (!behaviours.has(c.behaviour)) {
      reader.fail('behaviour', `"${c.behaviour}" is not defined in ${files.behaviours?.path}`);
    } else {
      used.add(c.behaviour);
    }
    if (c.poolSize === null && !c.poolSizeInvalid) reader.fail('pool_size', 'is empty, expected an integer >= 0');
    if (c.fields !== null) cases.push({ ...c.fields, poolSize: c.poolSize ?? 0, behaviour: c.behaviour, trace: null });
  }
  // Unused behaviours say nothing when the pools could not be read (no case was seen at all).
  const poolsUnreadable = problems.some((p) => p.file === files.pools.path && p.message.startsWith('not valid CSV'));
  if (behaviours !== null && files.behaviours !== null && !poolsUnreadable) {
    for (const [id, b] of behaviours) {
      if (!used.has(id)) {
        warnings.push({ file: files.behaviours.path, line: b.line, column: 'behaviour', message: `"${id}" is defined but no case uses it` });
      }
    }
  }
  if (pools.size === 0 && problems.length === 0) problems.push({ file: files.pools.path, message: 'has no cases' });

  if (problems.length > 0) return { ok: false, problems, warnings };
  const record: Record<string, Behaviour> = {};
  if (behaviours !== null) {
    for (const [id, b] of behaviours) record[id] = { id, segments: b.segments };
  }
  return {
    ok: true,
    warnings,
    scenario: { name: files.name, source: files.source, description: files.description, cases, behaviours: record },
  };
}

interface PoolRow {
  readonly id: string;
  readonly row: CsvRow;
  readonly poolSize: number | null;
  readonly poolSizeInvalid: boolean;
  readonly behaviour: string;
  /** `null` when a field failed its check: the row is still checked for the rest. */
  readonly fields: { id: string; numVacancies: number; start: number; deadline: number } | null;
}

function checkPools(file: ScenarioFile, problems: Problem[]): { pools: Map<string, PoolRow>; rejected: PoolRow[] } {
  const { table, problems: csvProblems } = readCsv(file.path, file.text, {
    required: ['case_id', 'num_vacancies', 'start', 'deadline'],
    optional: ['pool_size', 'behaviour'],
  });
  problems.push(...csvProblems);
  const pools = new Map<string, PoolRow>();
  const rejected: PoolRow[] = [];
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const r = new RowReader(file.path, row, problems, table.missing);
    const id = r.text('case_id');
    let idOk = true;
    if (id === '') {
      r.fail('case_id', 'is empty');
      idOk = false;
    } else if (!CASE_ID.test(id)) {
      r.fail('case_id', `"${id}" may contain only letters, digits, "_", "." and "-"`);
      idOk = false;
    } else if (firstLine.has(id)) {
      r.fail('case_id', `"${id}" is already used on line ${firstLine.get(id)}`);
      idOk = false;
    }
    const rawPool = r.text('pool_size');
    const poolSize = rawPool === '' ? null : r.integer('pool_size', 0, MAX_POOL_SIZE);
    const numVacancies = r.integer('num_vacancies', 1, MAX_POOL_SIZE);
    const start = r.timestamp('start');
    const deadline = r.timestamp('deadline');
    if (start !== null && deadline !== null && deadline <= start) {
      r.fail('deadline', `"${r.text('deadline')}" is not after start "${r.text('start')}"`);
    }
    const entry: PoolRow = {
      id,
      row,
      poolSize,
      poolSizeInvalid: rawPool !== '' && poolSize === null,
      behaviour: r.text('behaviour'),
      fields: numVacancies === null || start === null || deadline === null ? null : { id, numVacancies, start, deadline },
    };
    if (idOk) {
      firstLine.set(id, row.line);
      pools.set(id, entry);
    } else {
      rejected.push(entry);
    }
  }
  return { pools, rejected };
}

interface BehaviourRows {
  readonly line: number;
  readonly segments: Segment[];
}

function checkBehaviours(file: ScenarioFile, problems: Problem[]): Map<string, BehaviourRows> {
  const { table, problems: csvProblems } = readCsv(file.path, file.text, {
    required: ['behaviour', 'segment', 'weight', 'p_accept', 'p_reject', 'p_offer_accept', 'delay_dist', 'delay_a'],
    optional: ['delay_b'],
  });
  problems.push(...csvProblems);
  const raw = new Map<string, { line: number; segments: Segment[]; lines: Map<string, number> }>();
  for (const row of table.rows) {
    const r = new RowReader(file.path, row, problems, table.missing);
    const id = r.text('behaviour');
    const segment = r.text('segment');
    if (id === '') r.fail('behaviour', 'is empty');
    if (segment === '') r.fail('segment', 'is empty');
    const weight = r.number('weight', (x) => x > 0, 'a weight > 0');
    const pAccept = r.probability('p_accept');
    const pReject = r.probability('p_reject');
    const pOfferAccept = r.probability('p_offer_accept');
    if (pAccept !== null && pReject !== null && pAccept + pReject > 1 + EPSILON) {
      r.fail('p_reject', `p_accept + p_reject = ${Number((pAccept + pReject).toPrecision(12))}, which is more than 1`);
    }
    const delay = checkDelay(r);
    if (id === '' || segment === '') continue;
    let profile = raw.get(id);
    if (profile === undefined) {
      profile = { line: row.line, segments: [], lines: new Map() };
      raw.set(id, profile);
    }
    const previous = profile.lines.get(segment);
    if (previous !== undefined) {
      r.fail('segment', `"${segment}" is already a segment of "${id}" on line ${previous}`);
      continue;
    }
    profile.lines.set(segment, row.line);
    if (weight === null || pAccept === null || pReject === null || pOfferAccept === null || delay === null) continue;
    profile.segments.push({ id: segment, weight, pAccept, pReject, pOfferAccept, delay });
  }
  const out = new Map<string, BehaviourRows>();
  for (const [id, profile] of raw) {
    const total = profile.segments.reduce((sum, s) => sum + s.weight, 0);
    out.set(id, {
      line: profile.line,
      segments: profile.segments.map((s) => ({ ...s, weight: s.weight / total })),
    });
  }
  return out;
}

function checkDelay(r: RowReader): DelayDistribution | null {
  const kind = r.text('delay_dist');
  switch (kind) {
    case 'weibull': {
      const shape = r.number('delay_a', (x) => x > 0, 'a Weibull shape > 0');
      const scale = r.number('delay_b', (x) => x > 0, 'a Weibull scale > 0');
      return shape === null || scale === null ? null : { kind, shape, scale };
    }
    case 'lognormal': {
      const mu = r.number('delay_a', () => true, 'the mean of ln(minutes)');
      const sigma = r.number('delay_b', (x) => x > 0, 'a log-normal sigma > 0');
      return mu === null || sigma === null ? null : { kind, mu, sigma };
    }
    case 'exponential': {
      const mean = r.number('delay_a', (x) => x > 0, 'a mean > 0 minutes');
      r.empty('delay_b', 'for an exponential delay');
      return mean === null ? null : { kind, mean };
    }
    case 'fixed': {
      const minutes = r.number('delay_a', (x) => x >= 0, 'a number of minutes >= 0');
      r.empty('delay_b', 'for a fixed delay');
      return minutes === null ? null : { kind, minutes };
    }
    default:
      return r.fail('delay_dist', `"${kind}" is not one of ${DISTRIBUTIONS.join(', ')}`);
  }
}

interface TraceRows {
  readonly candidates: TraceCandidate[];
}

function checkCandidates(file: ScenarioFile, pools: Map<string, PoolRow>, problems: Problem[]): Map<string, TraceRows> {
  const { table, problems: csvProblems } = readCsv(file.path, file.text, {
    required: ['case_id', 'position', 'outcome', 'offer', 'delay_minutes'],
  });
  problems.push(...csvProblems);
  const byCase = new Map<string, Map<number, { candidate: TraceCandidate | null; line: number }>>();
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const r = new RowReader(file.path, row, problems, table.missing);
    const caseId = r.text('case_id');
    let caseOk = true;
    if (caseId === '') {
      r.fail('case_id', 'is empty');
      caseOk = false;
    } else if (!pools.has(caseId)) {
      r.fail('case_id', `"${caseId}" is not a case of pools.csv`);
      caseOk = false;
    }
    const position = r.integer('position', 0, MAX_POOL_SIZE - 1);
    const outcomeText = r.text('outcome');
    const outcome = (OUTCOMES as readonly string[]).includes(outcomeText) ? (outcomeText as TraceOutcome) : null;
    if (outcome === null) r.fail('outcome', `"${outcomeText}" is not one of ${OUTCOMES.join(', ')}`);
    const offer = r.text('offer');
    let offerAccepted = false;
    let candidateOk = outcome !== null;
    if (outcome === 'accepted') {
      if (offer === 'offer_accepted') offerAccepted = true;
      else if (offer !== 'cancelled') {
        r.fail('offer', offer === '' ? 'is empty, an accepted candidate needs offer_accepted or cancelled' : `"${offer}" is not offer_accepted or cancelled`);
        candidateOk = false;
      }
    } else if (outcome !== null && offer !== '') {
      r.fail('offer', `"${offer}" must be empty for outcome ${outcome}`);
      candidateOk = false;
    }
    let delayMinutes = Number.POSITIVE_INFINITY;
    if (outcome === 'no_response') {
      r.empty('delay_minutes', 'for outcome no_response');
    } else if (outcome !== null) {
      const d = r.number('delay_minutes', (x) => x >= 0, 'a number of minutes >= 0');
      if (d === null) candidateOk = false;
      else delayMinutes = d;
    }
    if (!caseOk || position === null) continue;
    let positions = byCase.get(caseId);
    if (positions === undefined) {
      positions = new Map();
      byCase.set(caseId, positions);
      firstLine.set(caseId, row.line);
    }
    const previous = positions.get(position);
    if (previous !== undefined) {
      r.fail('position', `${position} is already used for case "${caseId}" on line ${previous.line}`);
      continue;
    }
    positions.set(position, {
      candidate: candidateOk && outcome !== null ? { outcome, offerAccepted, delayMinutes } : null,
      line: row.line,
    });
  }
  const out = new Map<string, TraceRows>();
  for (const [caseId, positions] of byCase) {
    const candidates: TraceCandidate[] = [];
    const missing: number[] = [];
    let last = -1;
    for (const p of positions.keys()) if (p > last) last = p;
    for (let p = 0; p <= last; p++) {
      const entry = positions.get(p);
      if (entry === undefined) missing.push(p);
      else if (entry.candidate !== null) candidates.push(entry.candidate);
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
      problems.push({
        file: file.path,
        line: firstLine.get(caseId) ?? 0,
        column: 'position',
        message: `case "${caseId}" has gaps in its positions: ${shown} missing (positions run 0 to n-1)`,
      });
    }
    out.set(caseId, { candidates });
  }
  return out;
}
