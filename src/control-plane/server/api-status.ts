// Kubernetes `Status` objects: the body of every error the API returns (and of a few successes),
// so kubectl-style clients read our failures as they read the Kubernetes API server's.
import { StoreError, isStoreError, type StatusDetails, type StatusReason } from '../store/store-error.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: StatusReason | '';
  code: number;
  details?: StatusDetails;
}

export function failureStatus(e: StoreError): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code };
  if (Object.keys(e.details).length > 0) status.details = e.details;
  return status;
}

/** Any thrown value as a Status: store errors keep their reason, anything else is an InternalError. */
export function statusOf(e: unknown): Status {
  if (isStoreError(e)) return failureStatus(e);
  return failureStatus(new StoreError('InternalError', `an error on the server ("${(e as Error)?.message ?? String(e)}") has prevented the request from succeeding`));
}

export function pathNotFound(): StoreError {
  return new StoreError('NotFound', 'the server could not find the requested resource');
}

export function methodNotAllowed(method: string, allowed: readonly string[]): StoreError {
  return new StoreError('MethodNotAllowed', `the server does not allow this method on the requested resource: ${method} (allowed: ${allowed.join(', ')})`);
}
