// Identical config compiles to one shared object. A sidecar's routes repeat the same parts across
// every service (Istio gives each outbound route the same retry policy and a `prefix: /` match),
// so with 1,000 services most of them would otherwise be 1,000 equal objects.
//
// Keyed by the resource JSON the part was compiled from: compiling is a pure function of it.
// Values are held weakly, so a part no snapshot uses any more is collected and leaves the table;
// only error-free results are shared, so an invalid part is reported at each path it appears.

import type { ErrorSink } from './reader.js';

const live = new Map<string, WeakRef<object>>();
const collected = new FinalizationRegistry<string>((key) => {
  if (live.get(key)?.deref() === undefined) live.delete(key);
});

/** The compiled `raw` of this kind: a live equal one if there is one, else `compile()`'s. */
export function interned<T extends object>(kind: string, raw: unknown, sink: ErrorSink, compile: () => T | undefined): T | undefined {
  const key = `${kind}\u0000${JSON.stringify(raw)}`;
  const shared = live.get(key)?.deref();
  if (shared !== undefined) return shared as T;
  const before = sink.count;
  const value = compile();
  if (value !== undefined && sink.count === before) {
    live.set(key, new WeakRef(value));
    collected.register(value, key);
  }
  return value;
}

/**
 * `value`, or an equal live one of this kind. Only for plain data (primitives, and arrays and
 * objects of them): it is keyed by its own JSON, with undefined and non-finite numbers spelled out.
 */
export function sharedValue<T extends object>(kind: string, value: T): T {
  const key = `${kind}\u0001${JSON.stringify(value, dataKeyPart)}`;
  const shared = live.get(key)?.deref();
  if (shared !== undefined) return shared as T;
  live.set(key, new WeakRef(value));
  collected.register(value, key);
  return value;
}

function dataKeyPart(_key: string, v: unknown): unknown {
  if (v === undefined) return '\u0000undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return `\u0000${v}`;
  return v;
}

/**
 * Like `interned`, for large parts that are rarely equal to another one (a virtual host): they are
 * shared only among resources compiled in the same task, an xDS response or a static config, and
 * the table is dropped when the task ends, so no key (the part's whole JSON) stays resident.
 */
export function internedWhileCompiling<T extends object>(kind: string, raw: unknown, sink: ErrorSink, compile: () => T | undefined): T | undefined {
  const key = `${kind}\u0000${JSON.stringify(raw)}`;
  const shared = batch.get(key);
  if (shared !== undefined) return shared as T;
  const before = sink.count;
  const value = compile();
  if (value !== undefined && sink.count === before) {
    if (batch.size === 0) setImmediate(() => batch.clear());
    batch.set(key, value);
  }
  return value;
}

const batch = new Map<string, object>();

/** How many distinct parts are shared now (tests). */
export function internedCount(): number {
  return live.size;
}
