// The store without persistence: for tests, and for embedding Skiff where nothing must outlive the
// process. Same semantics as the persistent store (they pass one shared case suite).
import { builtinNamespace } from './object-meta.js';
import { ResourceStore, type ResourceStoreOptions } from './resource-store.js';

export type MemoryStoreOptions = Omit<ResourceStoreOptions, 'backend' | 'initial' | 'resourceVersion'>;

/** A fresh store holding only the `default` and `istio-system` namespaces. */
export function createMemoryStore(options: MemoryStoreOptions = {}): ResourceStore {
  const now = (options.now ?? (() => new Date()))();
  const initial = ['default', 'istio-system'].map((name, i) => builtinNamespace(name, i + 1, now));
  return new ResourceStore({ ...options, initial, resourceVersion: initial.length });
}
