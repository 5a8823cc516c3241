import { CommanderError } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ZodError } from 'zod';
import { RegistryError } from '../registry';
import { InputError } from '../validation/input-error';
import { describeIssues, formatIssues } from '../validation/issues';
import { CliError, EXIT, type ExitCode } from './exit-codes';

/** Registry codes that mean "what you gave me is wrong" rather than "it failed". */
const REGISTRY_USAGE = new Set(['INVALID_INPUT', 'INVALID_SEMVER', 'CHECKSUM_MISMATCH']);

/** Secrets never reach the terminal: passwords in URLs and the values of secret settings are masked. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** The message and exit code for any error a command can throw; a stack only with --debug. */
export function renderError(err: unknown, debug: boolean): { message: string; exitCode: ExitCode } {
  let message: string;
  let exitCode: ExitCode = EXIT.FAILURE;
  if (err instanceof CliError) {
    message = err.message;
    exitCode = err.exitCode;
  } else if (err instanceof InputError) {
    message = err.message;
    exitCode = EXIT.USAGE;
  } else if (err instanceof ZodError) {
    message = `invalid input: ${formatIssues(describeIssues(err))}`;
    exitCode = EXIT.USAGE;
  } else if (err instanceof RegistryError) {
    message = err.message;
    exitCode = REGISTRY_USAGE.has(err.code) ? EXIT.USAGE : EXIT.FAILURE;
  } else if (err instanceof WorkflowNotFoundError) {
    message = `no pipeline ${err.workflowId ?? ''}: ${err.message}`;
  } else if (err instanceof CommanderError) {
    message = err.message;
    exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (err instanceof Error) {
    message = `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  } else {
    message = String(err);
  }
  const secrets = [process.env.AUDIT_HMAC_KEY, process.env.GATEWAY_ADMIN_TOKEN, process.env.TEMPORAL_API_KEY];
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  return { message: redact(`${message}${stack}`, secrets), exitCode };
}
