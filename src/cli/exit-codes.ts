/** Every exit code the CLI uses, in one place. */
export const EXIT = {
  /** The command did what was asked (for `watch`: the pipeline was promoted). */
  OK: 0,
  /** A failure: not found, refused, finished, broken audit chain, server error, a pipeline that did not promote. */
  FAILURE: 1,
  /** Bad usage or invalid input: unknown option, missing argument, a spec or value that does not validate. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI expects: printed as its message alone (no stack) and mapped to its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE);
export const failure = (message: string) => new CliError(message, EXIT.FAILURE);
