import { UserError } from '../errors.ts';
import { ORACLE, type CaseRow } from '../score/rows.ts';
import type { RunRecord } from './run.ts';
import { counted } from '../words.ts';

export interface ShardInput {
  /** Where it was read from, for messages. */
  readonly dir: string;
  readonly run: RunRecord;
  readonly rows: readonly CaseRow[];
}

function sameRun(a: RunRecord, b: RunRecord): string | null {
  if (a.scenario !== b.scenario) return `scenario ${b.scenario}, not ${a.scenario}`;
  if (a.seed !== b.seed) return `seed ${b.seed}, not ${a.seed}`;
  if (a.replicates !== b.replicates) return `${counted(b.replicates, 'replicate')}, not ${a.replicates}`;
  if (a.cases !== b.cases || a.units !== b.units) return `${counted(b.cases, 'case')}, not ${a.cases} (the scenario changed between shards)`;
  if (a.engines.join(',') !== b.engines.join(',')) return `engines ${b.engines.join(',')}, not ${a.engines.join(',')}`;
  if (a.baseline !== b.baseline) return `baseline ${String(b.baseline)}, not ${String(a.baseline)}`;
  const pa = JSON.stringify(a.params);
  const pb = JSON.stringify(b.params);
  if (pa !== pb) return `parameters ${pb}, not ${pa}`;
  if (a.description !== b.description) return 'another scenario description (the scenario changed between shards)';
  if (a.shard?.count !== b.shard?.count) {
    const split = (r: RunRecord): string => (r.shard === null ? 'a whole run, not a shard' : `split into ${counted(r.shard.count, 'shard')}`);
    return `${split(b)}, not ${a.shard === null ? 'a whole run' : `split into ${a.shard.count}`}`;
  }
  return null;
}

/**
 * Rows of one unit of work in the order a shard wrote them: one case, or with carried
 * state one replicate.
 */
function groups(rows: readonly CaseRow[], carryState: boolean): CaseRow[][] {
  const out: CaseRow[][] = [];
  let current: CaseRow[] = [];
  let currentKey = '';
  for (const r of rows) {
    const k = carryState ? String(r.replicate) : `${r.replicate}\u001f${r.case_id}`;
    if (current.length > 0 && k !== currentKey) {
      out.push(current);
      current = [];
    }
    currentKey = k;
    current.push(r);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Combines the shards of a run (`backtest --shard i/n`) into the rows and record of the
 * whole run, in the order an unsharded run writes them, so that the merged summary.json and
 * cases.csv are byte-identical to one made in a single run. Refuses shards of different runs,
 * and reports missing and duplicated shards, all problems at once.
 */
export function mergeShards(shards: readonly ShardInput[]): { run: RunRecord; rows: CaseRow[] } {
  const first = shards[0];
  if (first === undefined) throw new UserError('merge needs at least one shard folder');
  const problems: string[] = [];
  for (const s of shards) {
    if (s.run.shard === null) problems.push(`${s.dir}: a whole run, not a shard (it has summary.json already)`);
  }
  for (const s of shards.slice(1)) {
    const why = sameRun(first.run, s.run);
    if (why !== null) problems.push(`${s.dir}: not a shard of the same run as ${first.dir}: ${why}`);
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));

  const count = first.run.shard?.count ?? 1;
  const byIndex = new Map<number, ShardInput>();
  for (const s of shards) {
    const i = s.run.shard?.index ?? 0;
    const seen = byIndex.get(i);
    if (seen !== undefined) problems.push(`shard ${i}/${count} is given twice: ${seen.dir} and ${s.dir}`);
    else byIndex.set(i, s);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) problems.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  if (problems.length > 0) throw new UserError(problems.join('\n'));

  const carry = first.run.params.carry_state;
  const perUnit = (first.run.engines.length + 1) * (carry ? first.run.cases : 1);
  const expectedOrder = [...first.run.engines, ORACLE];
  const queues = new Map<number, CaseRow[][]>();
  for (const [i, s] of byIndex) {
    const g = groups(s.rows, carry);
    const expected = Math.floor((first.run.units - i) / count) + 1;
    const units = i <= first.run.units ? expected : 0;
    if (g.length !== units) problems.push(`${s.dir}: ${g.length} units of work, shard ${i}/${count} of this run has ${units}`);
    for (const group of g) {
      const engines = group.slice(0, expectedOrder.length).map((r) => r.engine);
      if (group.length !== perUnit || engines.join(',') !== expectedOrder.join(',')) {
        problems.push(`${s.dir}: case ${group[0]?.case_id} of replicate ${group[0]?.replicate} does not have one row per engine`);
        break;
      }
    }
    queues.set(i, g);
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));

  // Shard i holds units i−1, i−1+n, …: deal them back round-robin.
  const rows: CaseRow[] = [];
  const next = new Map<number, number>();
  for (let k = 0; k < first.run.units; k++) {
    const i = (k % count) + 1;
    const at = next.get(i) ?? 0;
    next.set(i, at + 1);
    rows.push(...((queues.get(i) ?? [])[at] ?? []));
  }
  return { run: { ...first.run, shard: null }, rows };
}
