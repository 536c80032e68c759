// Client-side apply as kubectl does it: the applied configuration is kept in the
// `kubectl.kubernetes.io/last-applied-configuration` annotation, and the next apply sends a merge
// patch computed three ways (last applied, desired, live): fields the file set are made to match,
// fields the file dropped since the last apply are removed, and fields others added (a label
// set with `skiff label`, status written by the runtime) are left alone.
import type { Resource } from '../config/resource.js';
import { sortKeys } from './printers/object-printer.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

// Set by the server; a file that carries them (say, saved from `get -o yaml`) must not send them back.
const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp'];

/** The object as the user means it: server-set metadata and status removed. */
export function declared(resource: Resource): Resource {
  const copy = structuredClone(resource);
  for (const f of SERVER_FIELDS) delete copy.metadata[f];
  delete copy.status;
  return copy;
}

/** `desired` carrying its own last-applied annotation, ready to create or to diff against live. */
export function withLastApplied(desired: Resource): Resource {
  const copy = declared(desired);
  const annotations = { ...(copy.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const recorded: Resource = { ...copy, metadata: { ...copy.metadata, annotations } };
  if (Object.keys(annotations).length === 0) delete recorded.metadata.annotations;
  copy.metadata.annotations = { ...annotations, [LAST_APPLIED]: `${JSON.stringify(sortKeys(recorded))}\n` };
  return copy;
}

export function lastAppliedOf(live: Resource): Obj | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined; // an annotation someone mangled: treat as never applied
  }
}

/**
 * The merge patch `skiff apply` sends for `desired` (already carrying its last-applied annotation)
 * against `live`; undefined when nothing would change. apiVersion and kind are the object's
 * address, not content: a file in v1alpha3 applies to the same object as one in v1.
 */
export function applyPatch(desired: Resource, live: Resource): Obj | undefined {
  const body = ({ apiVersion: _a, kind: _k, ...rest }: Obj) => rest;
  const last = lastAppliedOf(live);
  return threeWayPatch(last && body(last), body(desired), live);
}

/** The merge patch that takes `live` to `desired`; undefined when nothing would change. */
export function threeWayPatch(last: Obj | undefined, desired: Obj, live: Obj): Obj | undefined {
  const patch: Obj = {};
  for (const [key, d] of Object.entries(desired)) {
    const l = live[key];
    if (isObj(d) && isObj(l)) {
      const lastSub = last && isObj(last[key]) ? (last[key] as Obj) : undefined;
      const sub = threeWayPatch(lastSub, d, l);
      if (sub) patch[key] = sub;
    } else if (!deepEqual(d, l)) {
      patch[key] = d;
    }
  }
  for (const key of Object.keys(last ?? {})) {
    if (!(key in desired) && key in live) patch[key] = null;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
