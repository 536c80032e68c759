import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import type { KindRef, WatchListener } from '../store/config-store.js';
import { MemoryWorkloadSource, type WorkloadInstance } from '../registry/workload.js';
import { PushContextBuilder, type PushRequest } from './push-builder.js';
import type { PushContext } from './push-context.js';

/** The part of a ConfigStore the builder uses, backed by a map. */
class FakeStore {
  private readonly objects = new Map<string, Resource>();
  private readonly listeners = new Set<WatchListener>();
  list(kind: KindRef): Resource[] {
    return [...this.objects.values()].filter((r) => r.kind === kind.kind && (r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : '') === kind.group);
  }
  watch(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  apply(r: Resource): void {
    const key = `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`;
    const previous = this.objects.get(key);
    this.objects.set(key, r);
    // As the real store: MODIFIED carries the object before the change.
    for (const l of this.listeners) l(previous ? { type: 'MODIFIED', object: r, previous } : { type: 'ADDED', object: r });
  }
}

const service: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] } };
const vs = (name: string): Resource => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } });
const pod = (healthy: boolean, labels: Record<string, string> = { app: 'reviews' }): WorkloadInstance => ({ name: 'reviews-1', namespace: 'default', address: '10.0.0.1', ports: [{ port: 9080 }], labels, healthy });

function nextPush(builder: PushContextBuilder): Promise<{ push: PushContext; request: PushRequest }> {
  return new Promise((resolve) => {
    const stop = builder.subscribe((push, request) => { stop(); resolve({ push, request }); });
  });
}

describe('PushContextBuilder', () => {
  it('merges a burst of config changes into one full push with the new config', async () => {
    const store = new FakeStore();
    store.apply(service);
    const builder = new PushContextBuilder({ store, debounceMs: 5 });
    const first = builder.start();
    assert.equal(first.registry.services.length, 1);
    let pushes = 0;
    builder.subscribe(() => { pushes += 1; });
    const next = nextPush(builder);
    store.apply(vs('a'));
    store.apply(vs('b'));
    const { push, request } = await next;
    assert.equal(request.full, true);
    assert.deepEqual([...request.configsUpdated], ['VirtualService default/a', 'VirtualService default/b']);
    assert.deepEqual(push.virtualServicesForGateway('default', 'mesh').map((v) => v.meta.name), ['a', 'b']);
    assert.equal(pushes, 1);
    assert.notEqual(push.version, first.version);
    builder.stop();
  });

  it('asks only for EDS when a known workload changes health, and for a full push when it is new or relabelled', async () => {
    const store = new FakeStore();
    store.apply(service);
    const workloads = new MemoryWorkloadSource();
    workloads.upsert(pod(true));
    const builder = new PushContextBuilder({ store, workloads, debounceMs: 1 });
    const first = builder.start();
    const svc = first.registry.services[0]!;
    assert.equal(first.registry.endpoints(svc, 9080)[0]!.workload.healthy, true);

    let next = nextPush(builder);
    workloads.upsert(pod(false));
    let { push, request } = await next;
    assert.equal(request.full, false);
    assert.deepEqual([...request.reasons], ['endpoint']);
    assert.deepEqual([...request.edsServices ?? []], ['reviews.default.svc.cluster.local']);
    assert.equal(push.registry.endpoints(push.registry.services[0]!, 9080)[0]!.workload.healthy, false);

    next = nextPush(builder);
    workloads.upsert(pod(true, { app: 'reviews', version: 'v2' }));
    ({ request } = await next);
    assert.equal(request.full, true);

    next = nextPush(builder);
    workloads.remove('default', 'reviews-1');
    ({ push, request } = await next);
    assert.equal(request.full, false);
    assert.equal(push.registry.endpoints(push.registry.services[0]!, 9080).length, 0);
    builder.stop();
  });

  it('asks only for EDS when a STATIC ServiceEntry moves its endpoints, and for a full push for any other change', async () => {
    const store = new FakeStore();
    const entry = (spec: Record<string, unknown>): Resource => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'db', namespace: 'default' },
      spec: { hosts: ['db.example.internal'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'STATIC', endpoints: [{ address: '10.1.0.1' }], ...spec },
    });
    store.apply(entry({}));
    const builder = new PushContextBuilder({ store, debounceMs: 1 });
    builder.start();

    let next = nextPush(builder);
    store.apply(entry({ endpoints: [{ address: '10.1.0.2' }] }));
    const { push, request } = await next;
    assert.equal(request.full, false);
    assert.deepEqual([...request.reasons], ['endpoint']);
    assert.deepEqual([...request.configsUpdated], ['ServiceEntry default/db']);
    assert.deepEqual([...request.edsServices ?? []], ['db.example.internal']);
    assert.equal(push.registry.endpoints(push.registry.services[0]!, 5432)[0]!.address, '10.1.0.2');

    next = nextPush(builder);
    store.apply(entry({ endpoints: [{ address: '10.1.0.2' }], ports: [{ number: 5433, name: 'tcp', protocol: 'TCP' }] }));
    const portChange = (await next).request;
    assert.equal(portChange.full, true);
    assert.equal(portChange.edsServices, undefined);

    // A new endpoint, a changed resolution: full pushes too.
    for (const spec of [{ endpoints: [{ address: '10.1.0.2' }, { address: '10.1.0.3' }] }, { resolution: 'DNS', endpoints: [{ address: '10.1.0.4' }] }]) {
      next = nextPush(builder);
      store.apply(entry({ ports: [{ number: 5433, name: 'tcp', protocol: 'TCP' }], ...spec }));
      assert.equal((await next).request.full, true, JSON.stringify(spec));
    }
    builder.stop();
  });

  it('ignores kinds the push does not read (the runtime writes Pod status all the time)', async () => {
    const store = new FakeStore();
    const builder = new PushContextBuilder({ store, debounceMs: 5 });
    builder.start();
    let pushes = 0;
    builder.subscribe(() => { pushes += 1; });
    store.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-1', namespace: 'default' }, spec: {} });
    store.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews', namespace: 'default' }, spec: {} });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(pushes, 0);
    const next = nextPush(builder);
    store.apply(service);
    assert.equal((await next).request.full, true);
    builder.stop();
  });

  it('flush() pushes pending changes at once', () => {
    const store = new FakeStore();
    const builder = new PushContextBuilder({ store, debounceMs: 60_000 });
    builder.start();
    let seen: PushRequest | undefined;
    builder.subscribe((_p, r) => { seen = r; });
    store.apply(service);
    builder.flush();
    assert.equal(seen?.full, true);
    assert.equal(builder.current().registry.services.length, 1);
    builder.stop();
  });
});
