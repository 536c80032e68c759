// One table of cases every writable ConfigStore passes (hono's shared router tests): the
// in-memory store and the persistent store run it from their own test files.
import assert from 'node:assert/strict';
import { describe, it, afterEach } from 'node:test';
import { fail, ok, type ConfigError, type Result } from '../../config/errors.js';
import type { Resource } from '../../config/resource.js';
import type { ConfigStore, WatchEvent } from './config-store.js';
import { kindOf } from './object-meta.js';
import type { ResourceStoreOptions } from './resource-store.js';
import { isStoreError, type StatusReason } from './store-error.js';

export interface StoreUnderTest {
  store: ConfigStore;
  cleanup(): Promise<void>;
}

export type StoreFactory = (options: Pick<ResourceStoreOptions, 'validate' | 'historyLimit' | 'log'>) => Promise<StoreUnderTest>;

/**
 * A stand-in for the schemas: these cases test the store's semantics, not each kind's body schema
 * (src/config tests those). It knows the kinds and requires names, and rejects a VirtualService
 * whose `spec.hosts` is not a list, so the Invalid path has a field to point at.
 */
export function caseValidator(obj: unknown): Result<Resource> {
  const r = obj as Resource;
  const errors: ConfigError[] = [];
  if (!kindOf(r)) errors.push({ path: 'kind', message: `unknown kind "${String(r.kind)}"` });
  if (typeof r.metadata?.name !== 'string' || r.metadata.name === '') errors.push({ path: 'metadata.name', message: 'name is required' });
  const hosts = (r.spec as { hosts?: unknown } | undefined)?.hosts;
  if (r.kind === 'VirtualService' && hosts !== undefined && !Array.isArray(hosts)) errors.push({ path: 'spec.hosts', message: 'expected an array of hosts' });
  return errors.length ? fail(errors) : ok(r);
}

export const VS = { group: 'networking.istio.io', kind: 'VirtualService' };
export const NS = { group: '', kind: 'Namespace' };
const CM = { group: '', kind: 'ConfigMap' };

export function virtualService(name: string, hosts: unknown = [name], extra: Partial<Resource> = {}): Resource {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec: { hosts }, ...extra };
}

export function namespace(name: string, labels?: Record<string, string>): Resource {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

async function rejectsWith(p: Promise<unknown>, reason: StatusReason, code: number, message?: RegExp | string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStoreError(e), `expected a StoreError, got ${String(e)}`);
    assert.equal(e.reason, reason);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

export function runConfigStoreCases(label: string, factory: StoreFactory): void {
  describe(`${label}: ConfigStore cases`, () => {
    let current: StoreUnderTest | undefined;
    let logs: string[] = [];
    const open = async (opts: Parameters<StoreFactory>[0] = {}): Promise<ConfigStore> => {
      logs = [];
      current = await factory({ validate: caseValidator, log: (m) => logs.push(m), ...opts });
      return current.store;
    };
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    it('starts with the default and istio-system namespaces', async () => {
      const store = await open();
      assert.deepEqual(store.list(NS).map((n) => n.metadata.name), ['default', 'istio-system']);
      assert.equal(store.get(NS, undefined, 'default')?.metadata.labels?.['kubernetes.io/metadata.name'], 'default');
    });

    it('create sets uid, creationTimestamp, resourceVersion and generation', async () => {
      const store = await open();
      const before = Number(store.resourceVersion());
      const created = await store.create(virtualService('reviews'));
      assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
      assert.match(created.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(created.metadata.resourceVersion, String(before + 1));
      assert.equal(created.metadata.generation, 1);
      assert.equal(store.resourceVersion(), String(before + 1));
      assert.deepEqual(store.get(VS, 'default', 'reviews'), created);
    });

    it('create ignores server-owned metadata sent by the client', async () => {
      const store = await open();
      const vs = virtualService('reviews');
      vs.metadata = { ...vs.metadata, uid: 'mine', resourceVersion: '999', generation: 7 };
      const created = await store.create(vs);
      assert.notEqual(created.metadata.uid, 'mine');
      assert.equal(created.metadata.generation, 1);
      assert.notEqual(created.metadata.resourceVersion, '999');
    });

    it('a second create of the same name is AlreadyExists', async () => {
      const store = await open();
      await store.create(virtualService('reviews'));
      await rejectsWith(store.create(virtualService('reviews')), 'AlreadyExists', 409, 'virtualservices.networking.istio.io "reviews" already exists');
    });

    it('all versions of a kind are one object, served with the apiVersion it was written with', async () => {
      const store = await open();
      await store.create({ ...virtualService('reviews'), apiVersion: 'networking.istio.io/v1beta1' });
      await rejectsWith(store.create(virtualService('reviews')), 'AlreadyExists', 409);
      const got = store.get(VS, 'default', 'reviews')!;
      assert.equal(got.apiVersion, 'networking.istio.io/v1beta1');
      const again = await store.update(virtualService('reviews'));
      assert.equal(again.metadata.resourceVersion, got.metadata.resourceVersion, 'the same content at another version is no change');
    });

    it('namespaced kinds need an existing namespace, and default to "default"', async () => {
      const store = await open();
      const vs = virtualService('reviews');
      vs.metadata = { name: 'reviews', namespace: 'bookinfo' };
      await rejectsWith(store.create(vs), 'NotFound', 404, 'namespaces "bookinfo" not found');
      await store.create(namespace('bookinfo'));
      assert.equal((await store.create(vs)).metadata.namespace, 'bookinfo');
      const noNamespace = virtualService('ratings');
      delete noNamespace.metadata.namespace;
      assert.equal((await store.create(noNamespace)).metadata.namespace, 'default');
    });

    it('an invalid resource is Invalid (422) with one cause per error', async () => {
      const store = await open();
      const err = await store.create(virtualService('reviews', 'reviews')).catch((e: unknown) => e);
      assert.ok(isStoreError(err));
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.code, 422);
      assert.equal(err.message, 'VirtualService.networking.istio.io "reviews" is invalid: spec.hosts: expected an array of hosts');
      assert.deepEqual(err.details, {
        name: 'reviews', group: 'networking.istio.io', kind: 'VirtualService',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.hosts', message: 'expected an array of hosts' }],
      });
      await rejectsWith(store.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), 'Invalid', 422, /Widget "w" is invalid: kind: unknown kind/);
      assert.equal(store.get(VS, 'default', 'reviews'), undefined);
    });

    it('an update that changes nothing keeps resourceVersion and generation and emits nothing', async () => {
      const store = await open();
      const created = await store.create(virtualService('reviews'));
      const events: WatchEvent[] = [];
      const stop = store.watch((e) => events.push(e));
      const same = await store.update(virtualService('reviews'));
      stop();
      assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.equal(same.metadata.generation, 1);
      assert.equal(events.length, 0);
    });

    it('generation moves with the spec; resourceVersion with any change', async () => {
      const store = await open();
      const created = await store.create(virtualService('reviews'));
      const relabelled = await store.update(virtualService('reviews', ['reviews'], { metadata: { name: 'reviews', namespace: 'default', labels: { app: 'reviews' } } }));
      assert.ok(Number(relabelled.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
      assert.equal(relabelled.metadata.generation, 1);
      assert.equal(relabelled.metadata.uid, created.metadata.uid);
      assert.equal(relabelled.metadata.creationTimestamp, created.metadata.creationTimestamp);
      const respecced = await store.update(virtualService('reviews', ['reviews', 'reviews.default.svc.cluster.local']));
      assert.equal(respecced.metadata.generation, 2);
      assert.equal(respecced.metadata.labels, undefined, 'update replaces the whole object');
    });

    it('kinds without spec move generation on any change outside metadata', async () => {
      const store = await open();
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1' } };
      await store.create(cm);
      assert.equal((await store.update({ ...cm, data: { a: '2' } })).metadata.generation, 2);
      assert.equal(store.get(CM, 'default', 'c')!.data && (store.get(CM, 'default', 'c')!.data as Record<string, string>).a, '2');
    });

    it('an update with a stale resourceVersion is a Conflict; of a missing object NotFound', async () => {
      const store = await open();
      const created = await store.create(virtualService('reviews'));
      await store.update(virtualService('reviews', ['a']));
      const stale = virtualService('reviews', ['b']);
      stale.metadata.resourceVersion = created.metadata.resourceVersion;
      await rejectsWith(store.update(stale), 'Conflict', 409,
        'Operation cannot be fulfilled on virtualservices.networking.istio.io "reviews": the object has been modified; please apply your changes to the latest version and try again');
      const fresh = virtualService('reviews', ['c']);
      fresh.metadata.resourceVersion = store.get(VS, 'default', 'reviews')!.metadata.resourceVersion;
      assert.deepEqual((await store.update(fresh)).spec, { hosts: ['c'] });
      await rejectsWith(store.update(virtualService('ratings')), 'NotFound', 404, 'virtualservices.networking.istio.io "ratings" not found');
    });

    it('patch applies a JSON merge patch and follows the update rules', async () => {
      const store = await open();
      await store.create(virtualService('reviews', ['reviews'], { metadata: { name: 'reviews', namespace: 'default', labels: { app: 'reviews', v: '1' } } }));
      const patched = await store.patch(VS, 'default', 'reviews', { metadata: { labels: { v: null, team: 'books' } } });
      assert.deepEqual(patched.metadata.labels, { app: 'reviews', team: 'books' });
      assert.equal(patched.metadata.generation, 1);
      const respecced = await store.patch(VS, 'default', 'reviews', { spec: { hosts: ['reviews', 'x'] } });
      assert.equal(respecced.metadata.generation, 2);
      const unchanged = await store.patch(VS, 'default', 'reviews', { spec: { hosts: ['reviews', 'x'] } });
      assert.equal(unchanged.metadata.resourceVersion, respecced.metadata.resourceVersion);
      await rejectsWith(store.patch(VS, 'default', 'reviews', { metadata: { resourceVersion: '1' } }), 'Conflict', 409);
      await rejectsWith(store.patch(VS, 'default', 'reviews', { metadata: { name: 'other' } }), 'BadRequest', 400, /cannot change metadata.name/);
      await rejectsWith(store.patch(VS, 'default', 'reviews', { kind: 'DestinationRule' }), 'BadRequest', 400);
      await rejectsWith(store.patch(VS, 'default', 'reviews', ['not', 'an', 'object']), 'BadRequest', 400);
      await rejectsWith(store.patch(VS, 'default', 'reviews', { spec: { hosts: 'x' } }), 'Invalid', 422);
      await rejectsWith(store.patch(VS, 'default', 'ratings', { spec: {} }), 'NotFound', 404);
    });

    it('delete returns the last state with a new resourceVersion', async () => {
      const store = await open();
      const created = await store.create(virtualService('reviews'));
      const deleted = await store.delete(VS, 'default', 'reviews');
      assert.equal(deleted.metadata.uid, created.metadata.uid);
      assert.equal(deleted.metadata.resourceVersion, String(Number(created.metadata.resourceVersion) + 1));
      assert.equal(store.resourceVersion(), deleted.metadata.resourceVersion);
      assert.equal(store.get(VS, 'default', 'reviews'), undefined);
      await rejectsWith(store.delete(VS, 'default', 'reviews'), 'NotFound', 404);
      const recreated = await store.create(virtualService('reviews'));
      assert.notEqual(recreated.metadata.uid, created.metadata.uid);
    });

    it('deleting a namespace deletes what is in it; default may not be deleted', async () => {
      const store = await open();
      await store.create(namespace('bookinfo', { 'istio-injection': 'enabled' }));
      const vs = virtualService('reviews');
      vs.metadata.namespace = 'bookinfo';
      await store.create(vs);
      await store.create(virtualService('kept'));
      const events: WatchEvent[] = [];
      store.watch((e) => events.push(e));
      const deleted = await store.delete(NS, undefined, 'bookinfo');
      assert.equal(deleted.metadata.name, 'bookinfo');
      assert.deepEqual(events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.name}`), ['DELETED VirtualService reviews', 'DELETED Namespace bookinfo']);
      assert.deepEqual(store.list(VS).map((v) => v.metadata.name), ['kept']);
      await rejectsWith(store.delete(NS, undefined, 'default'), 'Forbidden', 403, 'namespaces "default" is forbidden: this namespace may not be deleted');
    });

    it('list filters by namespace and sorts; returned objects are frozen copies of the input', async () => {
      const store = await open();
      await store.create(namespace('bookinfo'));
      const input = virtualService('b');
      await store.create(input);
      input.metadata.name = 'changed-after-create';
      await store.create({ ...virtualService('a'), metadata: { name: 'a', namespace: 'bookinfo' } });
      await store.create(virtualService('a'));
      assert.deepEqual(store.list(VS).map((v) => `${v.metadata.namespace}/${v.metadata.name}`), ['bookinfo/a', 'default/a', 'default/b']);
      assert.deepEqual(store.list(VS, 'default').map((v) => v.metadata.name), ['a', 'b']);
      assert.deepEqual(store.list(VS, 'nowhere'), []);
      const got = store.get(VS, 'default', 'a')!;
      assert.throws(() => { (got.metadata as { name: string }).name = 'x'; }, TypeError);
    });

    it('concurrent writes are serialized, each with its own resourceVersion', async () => {
      const store = await open();
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(virtualService(`vs-${i}`))));
      const versions = created.map((c) => Number(c.metadata.resourceVersion));
      assert.equal(new Set(versions).size, 20);
      assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions follow the order of the calls');
      assert.equal(store.list(VS).length, 20);
    });

    it('watch reports ADDED, MODIFIED, DELETED in order until unsubscribed', async () => {
      const store = await open();
      const events: string[] = [];
      const previous: (Resource | undefined)[] = [];
      const stop = store.watch((e) => {
        events.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`);
        previous.push(e.previous);
      });
      const a = await store.create(virtualService('reviews'));
      const b = await store.update(virtualService('reviews', ['x']));
      const c = await store.delete(VS, 'default', 'reviews');
      stop();
      await store.create(virtualService('after'));
      assert.deepEqual(events, [
        `ADDED reviews ${a.metadata.resourceVersion}`, `MODIFIED reviews ${b.metadata.resourceVersion}`, `DELETED reviews ${c.metadata.resourceVersion}`,
      ]);
      assert.deepEqual(previous, [undefined, a, undefined], 'MODIFIED carries the object before the change');
    });

    it('watch resumes from a resourceVersion, and an expired one is Expired (410)', async () => {
      const store = await open({ historyLimit: 3 });
      const start = store.resourceVersion();
      const a = await store.create(virtualService('a'));
      await store.create(virtualService('b'));
      const resumed: string[] = [];
      const stop = store.watch((e) => resumed.push(e.object.metadata.name), a.metadata.resourceVersion);
      await store.create(virtualService('c'));
      stop();
      assert.deepEqual(resumed, ['b', 'c']);
      await store.create(virtualService('d'));
      assert.throws(() => store.watch(() => undefined, start), (e: unknown) => isStoreError(e) && e.reason === 'Expired' && e.code === 410);
      assert.throws(() => store.watch(() => undefined, 'abc'), (e: unknown) => isStoreError(e) && e.reason === 'BadRequest');
      const now: string[] = [];
      store.watch((e) => now.push(e.object.metadata.name), store.resourceVersion())();
      assert.deepEqual(now, []);
    });

    it('a failing watcher does not fail the write or starve other watchers', async () => {
      const store = await open();
      const seen: string[] = [];
      store.watch(() => { throw new Error('boom'); });
      store.watch((e) => seen.push(e.object.metadata.name));
      await store.create(virtualService('reviews'));
      assert.deepEqual(seen, ['reviews']);
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, /watch listener failed on ADDED VirtualService reviews: Error: boom/);
    });

    it('Namespaces get the kubernetes.io/metadata.name label and are Active', async () => {
      const store = await open();
      const ns = await store.create(namespace('bookinfo', { 'istio-injection': 'enabled' }));
      assert.deepEqual(ns.metadata.labels, { 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': 'bookinfo' });
      assert.deepEqual(ns.status, { phase: 'Active' });
      const again = await store.update(namespace('bookinfo', { 'istio-injection': 'enabled' }));
      assert.equal(again.metadata.resourceVersion, ns.metadata.resourceVersion, 're-applying the same namespace is no change');
    });
  });
}
