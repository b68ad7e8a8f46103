import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FILES } from '../../src/report/folder.ts';
import { checkReportFolder, reportFolderProblem, writeFilesAtomically } from '../../src/report/write.ts';

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'pacebench-write-'));
const RUN = '{"schema_version":1}';
const RUN_OLD = '{"schema_version":1,"old":true}';

describe('report folders', () => {
  it('are replaced whole: no file of the earlier report is left beside the new one', () => {
    const root = temp();
    const dir = path.join(root, 'out');
    writeFilesAtomically(dir, { 'run.json': RUN, 'summary.md': 'old', 'charts/value.svg': '<svg/>' }, REPORT_FILES);
    writeFilesAtomically(dir, { 'run.json': RUN, 'cases.csv': 'x' }, REPORT_FILES);
    expect(readdirSync(dir).sort()).toEqual(['cases.csv', 'run.json']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('or not at all: a failed write leaves the earlier report as it was and nothing beside it', () => {
    const root = temp();
    const dir = path.join(root, 'out');
    writeFilesAtomically(dir, { 'run.json': RUN_OLD, 'summary.md': 'old' }, REPORT_FILES);
    // A NUL in a name fails the write of the second file, after the first was written.
    expect(() => writeFilesAtomically(dir, { 'run.json': RUN, 'summary\0.md': 'new' }, REPORT_FILES)).toThrow();
    expect(readFileSync(path.join(dir, 'run.json'), 'utf8')).toBe(RUN_OLD);
    expect(readdirSync(dir).sort()).toEqual(['run.json', 'summary.md']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('never delete or overwrite a file pacebench did not write', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'summary.md'), 'my own notes');
    expect(reportFolderProblem(dir, REPORT_FILES)).toMatch(/is not empty and holds no earlier pacebench report \(no run.json\)/);
    expect(() => writeFilesAtomically(dir, { 'run.json': RUN }, REPORT_FILES)).toThrow(/no run.json/);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toBe('my own notes');
    writeFileSync(path.join(dir, 'run.json'), RUN);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect(reportFolderProblem(dir, REPORT_FILES)).toMatch(/holds files pacebench did not write \(notes.txt\)/);
  });

  it('refuse "", the root, a file, and a path under a file before any work', () => {
    const dir = temp();
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => checkReportFolder('', process.cwd(), REPORT_FILES)).toThrow('--out "" names no folder');
    expect(() => checkReportFolder('/', '/', REPORT_FILES)).toThrow('--out /: is the root of the file system');
    expect(() => checkReportFolder(file, file, REPORT_FILES)).toThrow(/is a file, not a folder/);
    expect(() => checkReportFolder(`${file}/out`, path.join(file, 'out'), REPORT_FILES)).toThrow(/cannot be created: .*a-file is a file, not a folder/);
    mkdirSync(path.join(dir, 'empty'));
    expect(reportFolderProblem(path.join(dir, 'empty'), REPORT_FILES)).toBeNull();
    expect(reportFolderProblem(path.join(dir, 'new', 'deeper'), REPORT_FILES)).toBeNull();
  });
});

describe('the mark of a report folder', () => {
  it('is a run.json pacebench wrote, not any file of that name', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'run.json'), '{}');
    writeFileSync(path.join(dir, 'cases.csv'), 'my own data');
    expect(reportFolderProblem(dir, REPORT_FILES)).toMatch(/holds no earlier pacebench report/);
  });
});
