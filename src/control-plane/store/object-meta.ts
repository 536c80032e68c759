// The metadata the store owns (uid, creationTimestamp, resourceVersion, generation) and the rules
// Kubernetes applies to it: when generation moves, when an update changes nothing, what a
// Namespace gets by default.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { groupKind, kindInfo, type KindInfo } from '../../config/kinds.js';
import { splitApiVersion, type ObjectMeta, type Resource } from '../../config/resource.js';
import { badRequest } from './store-error.js';

/** RFC 3339 with whole seconds, as Kubernetes writes creationTimestamp. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A private JSON copy of caller input: later changes by the caller cannot reach the store, and
 * whatever is stored can be written to disk and served as it is.
 */
export function jsonCopy(value: unknown, what = 'the object'): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw badRequest(`${what} is not representable as JSON: ${(e as Error).message}`);
  }
  if (text === undefined) throw badRequest(`${what} is not representable as JSON`);
  return JSON.parse(text);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The kind of a resource as written, or undefined when its apiVersion/kind are unknown. */
export function kindOf(obj: { apiVersion?: unknown; kind?: unknown }): KindInfo | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const { group, version } = splitApiVersion(obj.apiVersion);
  const info = kindInfo(group, obj.kind);
  return info && info.versions.includes(version) ? info : undefined;
}

/** Map key of a resource within its kind. Cluster-scoped resources have the empty namespace. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function kindKey(kind: { group: string; kind: string }): string {
  return groupKind(kind.group, kind.kind);
}

// Kinds with a `spec` move generation only when it changes; others (ConfigMap, Secret,
// ServiceAccount) on any change outside metadata and status.
function generationContent(obj: Resource): unknown {
  if ('spec' in obj) return obj.spec;
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export function generationChanged(before: Resource, after: Resource): boolean {
  if ('spec' in before || 'spec' in after) return !isDeepStrictEqual(before.spec, after.spec);
  return !isDeepStrictEqual(generationContent(before), generationContent(after));
}

/**
 * Whether an update changes nothing. The apiVersion is left out: every served version of a kind
 * is the same object, so re-applying it at another version is no change.
 */
export function sameContent(before: Resource, after: Resource): boolean {
  return isDeepStrictEqual({ ...before, apiVersion: '' }, { ...after, apiVersion: '' });
}

/** Kubernetes labels every Namespace with its own name and reports it Active. */
export function withNamespaceDefaults(obj: Resource): Resource {
  if (obj.kind !== 'Namespace' || splitApiVersion(obj.apiVersion).group !== '') return obj;
  const labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  const status = typeof obj.status === 'object' && obj.status !== null ? obj.status : { phase: 'Active' };
  return { ...obj, metadata: { ...obj.metadata, labels }, status };
}

/** A Namespace the store creates itself (`default`, `istio-system`). */
export function builtinNamespace(name: string, resourceVersion: number, now: Date): Resource {
  const metadata: ObjectMeta = {
    name, uid: randomUUID(), creationTimestamp: rfc3339(now),
    resourceVersion: String(resourceVersion), generation: 1,
  };
  return withNamespaceDefaults({ apiVersion: 'v1', kind: 'Namespace', metadata });
}
