// The store's semantics, shared by the in-memory and the persistent store: Kubernetes metadata
// rules, optimistic concurrency, namespaces, validation, watch. Writes run one at a time; each is
// made durable by the backend (when there is one) before it is applied in memory, acknowledged and
// announced, so nothing a caller or watcher has seen can be lost by a crash.
import { randomUUID } from 'node:crypto';
import type { Result } from '../../config/errors.js';
import { KINDS, type KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { validateResource } from '../../config/validate.js';
import type { ConfigStore, KindRef, WatchEvent, WatchListener } from './config-store.js';
import { applyMergePatch } from './merge-patch.js';
import {
  builtinNamespace, deepFreeze, generationChanged, jsonCopy, kindKey, kindOf, objectKey, rfc3339, sameContent, withNamespaceDefaults,
} from './object-meta.js';
import {
  StoreError, alreadyExists, badRequest, conflict, invalid, namespaceNotFound, notFound,
} from './store-error.js';
import { WatchHub } from './watch-hub.js';

/** Where writes go to become durable. The in-memory store has none. */
export interface StoreBackend {
  write(obj: Resource): Promise<void>;
  /** Removes the objects; `resourceVersion` is the version of the last removal, to be remembered. */
  remove(objs: readonly Resource[], resourceVersion: number): Promise<void>;
  close(): Promise<void>;
}

export interface ResourceStoreOptions {
  /** Defaults to the config package's `validateResource`. */
  validate?: (obj: unknown) => Result<Resource>;
  backend?: StoreBackend;
  /** Objects already stored (loaded from disk, or built-in namespaces), with their metadata set. */
  initial?: readonly Resource[];
  /** The resourceVersion counter to continue from; at least the highest among `initial`. */
  resourceVersion?: number;
  /** How many recent events a watch can resume from. */
  historyLimit?: number;
  log?: (message: string) => void;
  now?: () => Date;
}

const NAMESPACE: KindRef = { group: '', kind: 'Namespace' };
const NAMESPACED_KINDS = KINDS.filter((k) => k.namespaced);

export class ResourceStore implements ConfigStore {
  /** kindKey → objectKey → frozen resource. */
  private readonly objects = new Map<string, Map<string, Resource>>();
  private rv: number;
  private readonly hub: WatchHub;
  private readonly validate: (obj: unknown) => Result<Resource>;
  private readonly now: () => Date;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ResourceStoreOptions = {}) {
    this.validate = options.validate ?? ((obj) => validateResource(obj));
    this.now = options.now ?? (() => new Date());
    let max = options.resourceVersion ?? 0;
    for (const obj of options.initial ?? []) {
      const info = kindOf(obj);
      if (!info) throw new Error(`initial object ${obj.kind} ${obj.metadata.name} has an unknown apiVersion/kind`);
      this.put(info, deepFreeze(jsonCopy(obj) as Resource));
      max = Math.max(max, Number(obj.metadata.resourceVersion ?? 0));
    }
    this.rv = max;
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    this.hub = new WatchHub(max, options.historyLimit ?? 1000, log);
  }

  // ---- reads: synchronous, from memory ----

  list(kind: KindRef, namespace?: string): Resource[] {
    const byKey = this.objects.get(kindKey(kind));
    if (!byKey) return [];
    const out = [...byKey.values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    return out.sort((a, b) => compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name, b.metadata.name));
  }

  get(kind: KindRef, namespace: string | undefined, name: string): Resource | undefined {
    return this.objects.get(kindKey(kind))?.get(objectKey(namespace, name));
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  watch(listener: WatchListener, fromResourceVersion?: string): () => void {
    return this.hub.subscribe(listener, this.rv, fromResourceVersion);
  }

  // ---- writes: serialized ----

  create(obj: Resource): Promise<Resource> {
    return this.serialize(async () => {
      const input = this.prepare(obj);
      const info = this.resolveKind(input);
      const { namespace, name } = input.metadata;
      input.metadata = { ...input.metadata, uid: randomUUID(), creationTimestamp: rfc3339(this.now()), generation: 1 };
      delete input.metadata.resourceVersion;
      this.check(info, input);
      if (info.namespaced && !this.get(NAMESPACE, undefined, namespace!)) throw namespaceNotFound(namespace!);
      if (this.get(info, namespace, name)) throw alreadyExists(info, name);
      const stored = this.finish(withNamespaceDefaults(input), this.rv + 1);
      await this.persist(stored);
      return this.commit(info, 'ADDED', stored);
    });
  }

  update(obj: Resource): Promise<Resource> {
    return this.serialize(async () => {
      const input = this.prepare(obj);
      const info = this.resolveKind(input);
      const existing = this.get(info, input.metadata.namespace, input.metadata.name);
      if (!existing) throw notFound(info, input.metadata.name);
      return this.replace(info, input, existing);
    });
  }

  patch(kind: KindRef, namespace: string | undefined, name: string, patch: unknown): Promise<Resource> {
    return this.serialize(async () => {
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('a merge patch must be a JSON object');
      const info = this.knownKind(kind);
      const existing = this.get(info, namespace, name);
      if (!existing) throw notFound(info, name);
      const merged = this.prepare(applyMergePatch(existing, jsonCopy(patch, 'the patch')) as Resource);
      const target = kindOf(merged);
      if (!target || target !== info) throw badRequest(`a patch cannot change apiVersion "${existing.apiVersion}" or kind "${existing.kind}" to another kind`);
      if (merged.metadata.name !== name) throw badRequest(`a patch cannot change metadata.name ("${name}")`);
      if (merged.metadata.namespace !== existing.metadata.namespace) throw badRequest(`a patch cannot change metadata.namespace ("${namespace}")`);
      return this.replace(info, merged, existing);
    });
  }

  delete(kind: KindRef, namespace: string | undefined, name: string): Promise<Resource> {
    return this.serialize(async () => {
      const info = this.knownKind(kind);
      const existing = this.get(info, namespace, name);
      if (!existing) throw notFound(info, name);
      const isNamespace = info.group === '' && info.kind === 'Namespace';
      if (isNamespace && name === 'default') {
        throw new StoreError('Forbidden', `namespaces "default" is forbidden: this namespace may not be deleted`, { name, group: '', kind: 'namespaces' });
      }
      // Deleting a Namespace deletes what is in it; each removal is its own event and version.
      const doomed: { info: KindInfo; obj: Resource }[] = [];
      if (isNamespace) {
        for (const k of NAMESPACED_KINDS) for (const obj of this.list(k, name)) doomed.push({ info: k, obj });
      }
      doomed.push({ info, obj: existing });
      let rv = this.rv;
      const removed = doomed.map(({ info: k, obj }) => ({ info: k, obj: this.finish(jsonCopy(obj) as Resource, ++rv) }));
      await this.persist(removed.map((r) => r.obj), rv);
      let last = existing;
      for (const r of removed) last = this.commit(r.info, 'DELETED', r.obj);
      return last;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.options.backend?.close();
  }

  /** Creates missing Namespaces without validation: for the store's own `default` and `istio-system`. */
  ensureNamespaces(names: readonly string[]): Promise<void> {
    return this.serialize(async () => {
      const info = this.knownKind(NAMESPACE);
      for (const name of names) {
        if (this.get(info, undefined, name)) continue;
        const stored = deepFreeze(builtinNamespace(name, this.rv + 1, this.now()));
        await this.persist(stored);
        this.commit(info, 'ADDED', stored);
      }
    });
  }

  // ---- internals ----

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('ServiceUnavailable', 'the config store is closed'));
    const result = this.tail.then(op);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Makes a write (one object) or a deletion (several) durable. On failure the change is not
   * applied, but its version is spent: the write may have reached the disk, and a version must
   * never name two different states.
   */
  private async persist(change: Resource | Resource[], deletedUpTo?: number): Promise<void> {
    const backend = this.options.backend;
    if (!backend) return;
    try {
      if (Array.isArray(change)) await backend.remove(change, deletedUpTo!);
      else await backend.write(change);
    } catch (e) {
      const last = Array.isArray(change) ? change[change.length - 1] : change;
      this.rv = Math.max(this.rv, Number(last?.metadata.resourceVersion ?? this.rv));
      throw new StoreError('InternalError', `the config store could not save the change to disk: ${(e as Error).message}`);
    }
  }

  /** The shared update path: preconditions, change detection, generation, validation. */
  private async replace(info: KindInfo, input: Resource, existing: Resource): Promise<Resource> {
    const meta = input.metadata;
    if (meta.resourceVersion !== undefined && String(meta.resourceVersion) !== existing.metadata.resourceVersion) {
      throw conflict(info, meta.name);
    }
    if (meta.uid !== undefined && meta.uid !== existing.metadata.uid) {
      throw new StoreError('Conflict', `Precondition failed: UID in precondition: ${String(meta.uid)}, UID in object meta: ${existing.metadata.uid}`, { name: meta.name, group: info.group, kind: info.plural });
    }
    input.metadata = {
      ...meta,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      resourceVersion: existing.metadata.resourceVersion,
      generation: existing.metadata.generation,
    };
    // A status the writer left out is kept: status belongs to whoever reports it, not to an apply.
    if (!('status' in input) && 'status' in existing) input.status = existing.status;
    this.check(info, input);
    const candidate = withNamespaceDefaults(input);
    if (sameContent(existing, candidate)) return existing;
    if (generationChanged(existing, candidate)) candidate.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    const stored = this.finish(candidate, this.rv + 1);
    await this.persist(stored);
    return this.commit(info, 'MODIFIED', stored, existing);
  }

  /** A private, well-shaped copy of caller input, its namespace defaulted for namespaced kinds. */
  private prepare(obj: unknown): Resource {
    const copy = jsonCopy(obj);
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) throw badRequest('expected a resource object');
    const r = copy as Resource;
    if (typeof r.metadata !== 'object' || r.metadata === null || Array.isArray(r.metadata)) return r;
    const info = kindOf(r);
    if (info?.namespaced && r.metadata.namespace === undefined) r.metadata.namespace = 'default';
    return r;
  }

  /** The kind of the input, or Invalid with the validator's explanation. */
  private resolveKind(input: Resource): KindInfo {
    const info = kindOf(input);
    const name = typeof input.metadata?.name === 'string' ? input.metadata.name : '';
    if (info && name) return info;
    const res = this.validate(input);
    const errors = res.ok ? [{ path: info ? 'metadata.name' : 'kind', message: info ? 'name is required' : `unknown apiVersion/kind ${String(input.apiVersion)}/${String(input.kind)}` }] : res.errors;
    throw invalid({ group: info?.group ?? '', kind: typeof input.kind === 'string' ? input.kind : 'Object' }, name, errors);
  }

  private knownKind(kind: KindRef): KindInfo {
    const info = KINDS.find((k) => k.group === kind.group && k.kind === kind.kind);
    if (!info) throw badRequest(`unknown kind ${kind.group ? `${kind.group}/` : ''}${kind.kind}`);
    return info;
  }

  private check(info: KindInfo, obj: Resource): void {
    const res = this.validate(obj);
    if (!res.ok) throw invalid(info, obj.metadata.name, res.errors);
  }

  private finish(obj: Resource, resourceVersion: number): Resource {
    obj.metadata = { ...obj.metadata, resourceVersion: String(resourceVersion) };
    return deepFreeze(obj);
  }

  private commit(info: KindInfo, type: WatchEvent['type'], obj: Resource, previous?: Resource): Resource {
    this.rv = Number(obj.metadata.resourceVersion);
    if (type === 'DELETED') this.objects.get(kindKey(info))?.delete(objectKey(obj.metadata.namespace, obj.metadata.name));
    else this.put(info, obj);
    this.hub.emit(Object.freeze(previous ? { type, object: obj, previous } : { type, object: obj }));
    return obj;
  }

  private put(info: KindInfo, obj: Resource): void {
    const key = kindKey(info);
    let byKey = this.objects.get(key);
    if (!byKey) this.objects.set(key, (byKey = new Map()));
    byKey.set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
