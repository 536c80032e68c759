// How kubectl words the control plane's errors: `Error from server (NotFound): …`, and the
// `The VirtualService "x" is invalid: …` form for validation failures (422 Invalid).
import type { KindInfo } from '../config/kinds.js';
import { ApiError } from './client/api-errors.js';
import { CliError } from './cli-error.js';
import { resourceQualifier } from './resource-ref.js';

export type Operation = 'get' | 'create' | 'replace' | 'patch' | 'delete' | 'list';

const GERUND: Record<Operation, string> = {
  get: 'retrieving', create: 'creating', replace: 'replacing', patch: 'patching', delete: 'deleting', list: 'listing',
};

export interface ErrorSubject {
  info: KindInfo;
  name?: string;
  /** The -f file the object came from; kubectl names it in the message. */
  file?: string;
  op: Operation;
}

export function serverErrorText(err: ApiError, s: ErrorSubject): string {
  const { status } = err;
  if (status.code === 422 || status.reason === 'Invalid') return invalidText(err, s);
  const context = s.file !== undefined ? `error when ${GERUND[s.op]} "${s.file}": ` : '';
  let message = status.message;
  // On an object's own path a 404 means the object is missing; on create it means its namespace is.
  if (status.reason === 'NotFound' && s.name !== undefined && s.op !== 'create') message = `${resourceQualifier(s.info)} "${s.name}" not found`;
  else if (status.reason === 'AlreadyExists' && s.name !== undefined) message = `${resourceQualifier(s.info)} "${s.name}" already exists`;
  return `Error from server (${status.reason}): ${context}${message}`;
}

function invalidText(err: ApiError, s: ErrorSubject): string {
  const causes = (err.status.details?.causes ?? []).filter((c) => c.message);
  const head = `The ${s.info.kind} "${s.name ?? err.status.details?.name ?? ''}" is invalid: `;
  if (causes.length === 0) return head + err.status.message;
  const line = (c: { field?: string; message?: string }) => (c.field ? `${c.field}: ${c.message}` : String(c.message));
  if (causes.length === 1) return head + line(causes[0]!);
  return head + '\n' + causes.map((c) => `* ${line(c)}`).join('\n');
}

/**
 * Turns a server's refusal into the CliError the user sees. Anything else is rethrown: an
 * unreachable control plane ends the whole command, not just this object.
 */
export function toCliError(err: unknown, s: ErrorSubject): CliError {
  if (err instanceof ApiError) return new CliError(serverErrorText(err, s));
  throw err;
}

/** True for a 404 the caller may tolerate (--ignore-not-found, apply's create path). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}
