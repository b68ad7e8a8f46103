import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listScenarioNames } from '../src/scenario/read.ts';

const ROOT = path.join(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = parse(read('.github/workflows/backtest.yml')) as Workflow;
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const ciRun = read('.ci/run');

/** The npm script a `run:` line calls (`test` for npm test), with `${{ … }}` left as is. */
function scriptOf(run: string): string {
  const m = /^npm (?:run (\S+)|(test|ci))\b/.exec(run.trim());
  if (m === null) throw new Error(`"${run}" is not an npm command`);
  return m[1] ?? m[2] ?? '';
}

describe('.github/workflows/backtest.yml', () => {
  it('is a workflow that runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toContain('pull_request');
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job['runs-on'], name).toBe('ubuntu-latest');
      expect(job.steps.length, name).toBeGreaterThan(0);
      for (const step of job.steps) expect(step.uses !== undefined || step.run !== undefined, name).toBe(true);
      for (const need of [job.needs ?? []].flat()) expect(Object.keys(workflow.jobs)).toContain(need);
    }
  });

  it('runs only npm scripts that exist, each also run by .ci/run', () => {
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])));
    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) {
      const script = scriptOf(run);
      if (script === 'ci') continue;
      expect(Object.keys(scripts), run).toContain(script);
      const invoked = script === 'test' ? /^npm test$/m : new RegExp(`^\\s*npm run ${script}\\b`, 'm');
      expect(ciRun, `.ci/run does not run ${script}`).toMatch(invoked);
    }
  });

  it('backtests every shipped scenario: the large one as shards merged in a follow-up job', () => {
    const matrix = workflow.jobs.scenarios?.strategy?.matrix.scenario as string[];
    const shards = workflow.jobs['large-pools-shards']?.strategy?.matrix.shard as number[];
    expect([...matrix, 'large_pools'].sort()).toEqual(listScenarioNames());
    const merge = workflow.jobs['large-pools']?.steps.find((s) => s.run?.startsWith('npm run ci:merge'));
    expect(merge?.run).toBe(`npm run ci:merge -- large_pools ${shards.length}`);
    expect(workflow.jobs['large-pools']?.needs).toBe('large-pools-shards');
    // .ci/run covers the same scenarios and shard count.
    for (const s of matrix) expect(ciRun).toContain(s);
    expect(ciRun).toContain(`npm run ci:merge -- large_pools ${shards.length}`);
  });

  it('sends reports to the job summary and keeps them as artifacts', () => {
    expect(read('.ci/backtest.sh')).toContain('GITHUB_STEP_SUMMARY');
    expect(read('.ci/merge.sh')).toContain('GITHUB_STEP_SUMMARY');
    const uploads = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact')));
    expect(uploads.length).toBe(3);
  });

  it('has a committed baseline for every shipped scenario', () => {
    for (const name of listScenarioNames()) {
      const summary = JSON.parse(read(`reports/baseline/${name}/summary.json`)) as { scenario: string; seed: number };
      expect(summary.scenario).toBe(name);
      expect(read(`reports/baseline/${name}/cases.csv`).length).toBeGreaterThan(0);
    }
  });
});
