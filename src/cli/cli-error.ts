// A failure the user caused or can fix: printed as-is to stderr, never with a stack trace.

export class CliError extends Error {
  /** `text` is the full line(s) printed, e.g. `error: the server doesn't have a resource type "foo"`. */
  constructor(readonly text: string, readonly exitCode = 1) {
    super(text);
    this.name = 'CliError';
  }
}

/** The kubectl-style `error: …` line. */
export function cliError(message: string): CliError {
  return new CliError(`error: ${message}`);
}
