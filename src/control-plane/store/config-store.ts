// The config store's contract: Kubernetes-style CRUD and watch over Istio and Kubernetes resources.
// Every source of config (the local store, a YAML directory, a Kubernetes cluster) offers this
// interface, so the push context never knows where a resource came from.
import type { Resource } from '../../config/resource.js';

/** Identifies a kind the way the registry in `config/kinds.ts` does; a `KindInfo` is one. */
export interface KindRef {
  group: string;
  kind: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * A change to one resource. `object` is the resource after the change; for DELETED, its last state
 * with the resourceVersion of the deletion (as the Kubernetes API server reports it).
 */
export interface WatchEvent {
  type: WatchEventType;
  object: Resource;
  /** For MODIFIED: the object before the change (a filtered watch needs it to see objects leave). */
  previous?: Resource;
}

export type WatchListener = (event: WatchEvent) => void;

export interface ConfigStore {
  /**
   * Resources of a kind, sorted by namespace then name; all namespaces when `namespace` is omitted.
   * Returned objects are frozen: copy before changing them.
   */
  list(kind: KindRef, namespace?: string): Resource[];
  /** One resource, or undefined. Pass no namespace for cluster-scoped kinds. */
  get(kind: KindRef, namespace: string | undefined, name: string): Resource | undefined;
  /** Creates a resource. Fails with AlreadyExists, Invalid, or NotFound when its namespace is missing. */
  create(obj: Resource): Promise<Resource>;
  /**
   * Replaces a resource. A `metadata.resourceVersion` in `obj` is a precondition (Conflict when
   * stale). Returns the stored object unchanged, same resourceVersion, when nothing changed.
   */
  update(obj: Resource): Promise<Resource>;
  /** Applies a JSON merge patch (RFC 7386) to the stored resource, then behaves as `update`. */
  patch(kind: KindRef, namespace: string | undefined, name: string, patch: unknown): Promise<Resource>;
  /** Deletes a resource and returns its last state. Deleting a Namespace deletes what is in it. */
  delete(kind: KindRef, namespace: string | undefined, name: string): Promise<Resource>;
  /**
   * Calls `listener` for every change from now on, or for every change after `fromResourceVersion`
   * (replayed synchronously before this returns). Fails with Expired (410) when that version is
   * older than the retained history. Returns the unsubscribe function.
   */
  watch(listener: WatchListener, fromResourceVersion?: string): () => void;
  /** The resourceVersion of the latest change (what a list is consistent with). */
  resourceVersion(): string;
  /** Waits for pending writes and releases files; the store refuses writes afterwards. */
  close(): Promise<void>;
}
