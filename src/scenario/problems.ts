/** One thing wrong with user data, located as precisely as it can be. */
export interface Problem {
  readonly file: string;
  /** 1-based line in the file; absent for a problem of the whole file. */
  readonly line?: number;
  readonly column?: string;
  readonly message: string;
}

/** `file:line: column X: message`, the form editors and CI annotations understand. */
export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const column = p.column === undefined ? '' : ` column ${p.column}:`;
  return `${where}:${column} ${p.message}`;
}

/** Problems in file order, then line order, so the list reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0);
  });
}
