// @peculiar/x509 uses tsyringe, which needs the Reflect metadata API (normally the
// reflect-metadata package, not a dependency here). This is the part tsyringe calls, backed by a
// WeakMap, installed only when absent. Loaded by the test certificate helper only.

type Key = unknown;
const store = new WeakMap<object, Map<Key, unknown>>();

function table(target: object, create: boolean): Map<Key, unknown> | undefined {
  let t = store.get(target);
  if (!t && create) store.set(target, (t = new Map()));
  return t;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  const getOwn = (key: Key, target: object) => table(target, false)?.get(key);
  R.defineMetadata = (key: Key, value: unknown, target: object) => void table(target, true)!.set(key, value);
  R.getOwnMetadata = getOwn;
  R.getMetadata = (key: Key, target: object): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const v = getOwn(key, t);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  R.metadata = (key: Key, value: unknown) => (target: object) => void table(target, true)!.set(key, value);
}

export {};
