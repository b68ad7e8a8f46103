/**
 * An error caused by what the user gave us (a bad file, a bad option), as opposed to a bug.
 * The CLI's one top-level catch prints `message` without a stack trace and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
