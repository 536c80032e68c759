// Store failures carry what a Kubernetes `Status` needs (reason, HTTP code, details), with the
// messages the Kubernetes API server writes, so the HTTP API and the CLI read like kubectl.
import type { ConfigError } from '../../config/errors.js';
import { kindInfo, type KindInfo } from '../../config/kinds.js';
import type { KindRef } from './config-store.js';

export type StatusReason =
  | 'BadRequest' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Expired' | 'Invalid'
  | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'InternalError' | 'ServiceUnavailable';

export interface StatusCause {
  field: string;
  message: string;
  reason?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The plural resource for NotFound/AlreadyExists/Conflict, the Kind for Invalid (as Kubernetes does). */
  kind?: string;
  causes?: StatusCause[];
}

const CODES: Record<StatusReason, number> = {
  BadRequest: 400, Forbidden: 403, NotFound: 404, MethodNotAllowed: 405, AlreadyExists: 409, Conflict: 409,
  Gone: 410, Expired: 410, UnsupportedMediaType: 415, RequestEntityTooLarge: 413, Invalid: 422,
  InternalError: 500, ServiceUnavailable: 503,
};

export class StoreError extends Error {
  readonly code: number;
  constructor(readonly reason: StatusReason, message: string, readonly details: StatusDetails = {}) {
    super(message);
    this.name = 'StoreError';
    this.code = CODES[reason];
  }
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

function info(kind: KindRef): KindInfo | undefined {
  return 'plural' in kind ? (kind as KindInfo) : kindInfo(kind.group, kind.kind);
}

/** `virtualservices.networking.istio.io`, or `namespaces` for the core group. */
export function qualifiedResource(kind: KindRef): string {
  const plural = info(kind)?.plural ?? kind.kind.toLowerCase();
  return kind.group ? `${plural}.${kind.group}` : plural;
}

/** `VirtualService.networking.istio.io`, or `Namespace` for the core group. */
export function qualifiedKind(kind: KindRef): string {
  return kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
}

function resourceDetails(kind: KindRef, name: string): StatusDetails {
  return { name, group: kind.group, kind: info(kind)?.plural ?? kind.kind.toLowerCase() };
}

export function notFound(kind: KindRef, name: string): StoreError {
  return new StoreError('NotFound', `${qualifiedResource(kind)} "${name}" not found`, resourceDetails(kind, name));
}

export function namespaceNotFound(namespace: string): StoreError {
  return notFound({ group: '', kind: 'Namespace' }, namespace);
}

export function alreadyExists(kind: KindRef, name: string): StoreError {
  return new StoreError('AlreadyExists', `${qualifiedResource(kind)} "${name}" already exists`, resourceDetails(kind, name));
}

export function conflict(kind: KindRef, name: string): StoreError {
  return new StoreError('Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    resourceDetails(kind, name));
}

/** kubectl's wording: `VirtualService.networking.istio.io "reviews" is invalid: spec.http[0].route: ...`. */
export function invalid(kind: KindRef, name: string, errors: readonly ConfigError[]): StoreError {
  const parts = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StoreError('Invalid', `${qualifiedKind(kind)} "${name}" is invalid: ${summary}`, {
    name, group: kind.group, kind: kind.kind,
    causes: errors.map((e) => ({ reason: 'FieldValueInvalid', field: e.path, message: e.message })),
  });
}

export function badRequest(message: string): StoreError {
  return new StoreError('BadRequest', message);
}
