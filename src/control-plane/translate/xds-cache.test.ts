import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import type { WorkloadInstance } from '../registry/workload.js';
import { PushContext } from '../model/push-context.js';
import { makeProxy } from '../model/proxy.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { buildClusters } from './cluster-builder.js';
import { buildEndpoints } from './endpoints.js';
import { buildListeners } from './listeners.js';
import { buildRoutes } from './routes.js';
import { PilotXdsGenerator, type NodeInfo } from './xds-generator.js';
import { XdsCache, proxyViewKey } from './xds-cache.js';
import type { TranslationProblem } from './route-policies.js';

const ALL_TYPES = [TYPE_URL.CLUSTER, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, TYPE_URL.LISTENER, TYPE_URL.ROUTE_CONFIGURATION];

function res(kind: string, name: string, namespace: string, spec: unknown): Resource {
  const apiVersion = kind === 'Service' ? 'v1' : 'networking.istio.io/v1';
  return { apiVersion, kind, metadata: { name, namespace }, spec };
}

const reviews = res('Service', 'reviews', 'default', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] });
// Visible only in its own namespace: proxies in `default` and `other` see different meshes.
const ratings = res('Service', 'ratings', 'other', { selector: { app: 'ratings' }, ports: [{ name: 'http', port: 9080 }] });
const ratingsPrivate = { ...ratings, metadata: { ...ratings.metadata, annotations: { 'networking.istio.io/exportTo': '.' } } };
const reviewsDr = res('DestinationRule', 'reviews', 'default', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
const vsWithTimeout = (timeout: string) => res('VirtualService', 'reviews', 'default', {
  hosts: ['reviews'],
  http: [
    { match: [{ sourceLabels: { app: 'tester' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
    { timeout, route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
  ],
});

function workload(name: string, address: string, labels: Record<string, string>, extra: Partial<WorkloadInstance> = {}): WorkloadInstance {
  return { name, namespace: labels.app === 'ratings' ? 'other' : 'default', address, ports: [{ port: 9080 }], labels, healthy: true, ...extra };
}
const reviewsV1 = workload('reviews-v1-a', '10.0.0.1', { app: 'reviews', version: 'v1' });
const reviewsV2 = workload('reviews-v2-a', '10.0.0.2', { app: 'reviews', version: 'v2' });
const ratingsPod = workload('ratings-a', '10.0.1.1', { app: 'ratings' });

function pushOf(configs: Resource[], workloads: WorkloadInstance[] = [reviewsV1, reviewsV2, ratingsPod], version = 'v1'): PushContext {
  return PushContext.build({ configs, workloads, version });
}

const sidecar = (pod: string, ip: string, namespace = 'default', labels: Record<string, string> = { app: 'client' }): NodeInfo => ({
  nodeId: `sidecar~${ip}~${pod}.${namespace}~${namespace}.svc.cluster.local`,
  metadata: { LABELS: labels },
});

/** What the generator sends a proxy, and what the translators build for it without any cache. */
function generated(generator: PilotXdsGenerator, node: NodeInfo, push: PushContext, typeUrl: string, names: readonly string[] | '*' = '*') {
  const state = generator.proxyState(node, push);
  return { state, resources: generator.generate({ state, typeUrl, resourceNames: names, push }) };
}

function uncached(node: NodeInfo, push: PushContext, typeUrl: string, names?: readonly string[]): unknown[] {
  const proxy = new PilotXdsGenerator().proxyState(node, push).proxy;
  switch (typeUrl) {
    case TYPE_URL.CLUSTER: return buildClusters(proxy, push);
    case TYPE_URL.LISTENER: return buildListeners(proxy, push);
    case TYPE_URL.ROUTE_CONFIGURATION: return buildRoutes(proxy, push, names);
    default: return buildEndpoints(proxy, push, names);
  }
}

describe('XdsCache in the PilotXdsGenerator', () => {
  const configs = [reviews, ratingsPrivate, reviewsDr, vsWithTimeout('5s')];

  it('hands proxies of one namespace and labels the same resources, equal to what each would get alone', () => {
    const generator = new PilotXdsGenerator();
    const push = pushOf(configs);
    const a = sidecar('client-1', '10.1.0.1');
    const b = sidecar('client-2', '10.1.0.2');
    for (const typeUrl of ALL_TYPES) {
      const first = generated(generator, a, push, typeUrl).resources;
      const second = generated(generator, b, push, typeUrl).resources;
      assert.equal(second, first, `${typeUrl}: one shared list`);
      assert.deepEqual(second.map((r) => r.resource), uncached(b, push, typeUrl), typeUrl);
    }
    assert.equal(generator.cache.stats.misses, ALL_TYPES.length);
    assert.equal(generator.cache.stats.hits, ALL_TYPES.length);
  });

  it('keys by namespace: a proxy elsewhere sees its own services', () => {
    const generator = new PilotXdsGenerator();
    const push = pushOf(configs);
    const inDefault = sidecar('client-1', '10.1.0.1', 'default');
    const inOther = sidecar('client-1', '10.1.0.3', 'other');
    const names = (node: NodeInfo) => generated(generator, node, push, TYPE_URL.CLUSTER).resources.map((r) => r.name);
    assert.ok(!names(inDefault).includes('outbound|9080||ratings.other.svc.cluster.local'));
    assert.ok(names(inOther).includes('outbound|9080||ratings.other.svc.cluster.local'));
    for (const typeUrl of ALL_TYPES) {
      assert.deepEqual(generated(generator, inOther, push, typeUrl).resources.map((r) => r.resource), uncached(inOther, push, typeUrl), typeUrl);
    }
  });

  it('keys by labels: sourceLabels routes reach only the proxies they match', () => {
    const generator = new PilotXdsGenerator();
    const push = pushOf(configs);
    const tester = sidecar('tester-1', '10.1.0.4', 'default', { app: 'tester' });
    const client = sidecar('client-1', '10.1.0.1', 'default', { app: 'client' });
    const route = (node: NodeInfo) => JSON.stringify(generated(generator, node, push, TYPE_URL.ROUTE_CONFIGURATION, ['9080']).resources[0]!.resource);
    assert.match(route(tester), /outbound\|9080\|v2\|reviews/);
    assert.doesNotMatch(route(client), /outbound\|9080\|v2\|reviews/);
  });

  it('serves a config change from a new push, never from the previous one', () => {
    const generator = new PilotXdsGenerator();
    const node = sidecar('client-1', '10.1.0.1');
    const before = pushOf(configs, undefined, 'v1');
    const after = pushOf([reviews, ratingsPrivate, reviewsDr, vsWithTimeout('7s')], undefined, 'v2');
    const timeout = (push: PushContext) => JSON.stringify(generated(generator, node, push, TYPE_URL.ROUTE_CONFIGURATION, ['9080']).resources);
    assert.match(timeout(before), /"timeout":"5s"/);
    assert.match(timeout(after), /"timeout":"7s"/);
    assert.doesNotMatch(timeout(after), /"timeout":"5s"/);
  });

  it('serves an endpoint change from a new push', () => {
    const generator = new PilotXdsGenerator();
    const node = sidecar('client-1', '10.1.0.1');
    const name = 'outbound|9080|v1|reviews.default.svc.cluster.local';
    const address = (push: PushContext) => JSON.stringify(generated(generator, node, push, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, [name]).resources);
    assert.match(address(pushOf(configs)), /10\.0\.0\.1/);
    const moved = pushOf(configs, [{ ...reviewsV1, address: '10.0.0.9' }, reviewsV2, ratingsPod], 'v2');
    const after = address(moved);
    assert.match(after, /10\.0\.0\.9/);
    assert.doesNotMatch(after, /10\.0\.0\.1"/);
  });

  it('keys by the subscribed names', () => {
    const generator = new PilotXdsGenerator();
    const push = pushOf(configs);
    const node = sidecar('client-1', '10.1.0.1');
    const v1 = generated(generator, node, push, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, ['outbound|9080|v1|reviews.default.svc.cluster.local']).resources;
    const v2 = generated(generator, node, push, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, ['outbound|9080|v2|reviews.default.svc.cluster.local']).resources;
    assert.deepEqual(v1.map((r) => r.name), ['outbound|9080|v1|reviews.default.svc.cluster.local']);
    assert.deepEqual(v2.map((r) => r.name), ['outbound|9080|v2|reviews.default.svc.cluster.local']);
  });

  it('keeps a proxy\'s own workload in its CDS and LDS, and shares EDS and RDS across workloads', () => {
    const generator = new PilotXdsGenerator();
    const push = pushOf(configs);
    // Both pods are reviews replicas with their own inbound listeners and clusters.
    const v1 = { nodeId: 'sidecar~10.0.0.1~reviews-v1-a.default~default.svc.cluster.local', metadata: {} };
    const v1b = { nodeId: 'sidecar~10.0.0.3~reviews-v1-b.default~default.svc.cluster.local', metadata: {} };
    const withB = pushOf(configs, [reviewsV1, { ...reviewsV1, name: 'reviews-v1-b', address: '10.0.0.3', ports: [{ port: 9080, appPort: 19080 }] }, reviewsV2, ratingsPod]);
    for (const typeUrl of [TYPE_URL.CLUSTER, TYPE_URL.LISTENER]) {
      const a = generated(generator, v1, withB, typeUrl).resources;
      const b = generated(generator, v1b, withB, typeUrl).resources;
      assert.notEqual(a, b, typeUrl);
      assert.deepEqual(b.map((r) => r.resource), uncached(v1b, withB, typeUrl), typeUrl);
    }
    assert.match(JSON.stringify(generated(generator, v1b, withB, TYPE_URL.CLUSTER).resources), /19080/);
    for (const typeUrl of [TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, TYPE_URL.ROUTE_CONFIGURATION]) {
      const a = generated(generator, v1, withB, typeUrl).resources;
      const b = generated(generator, v1b, withB, typeUrl).resources;
      assert.equal(a, b, typeUrl);
      assert.deepEqual(b.map((r) => r.resource), uncached(v1b, withB, typeUrl), typeUrl);
    }
    assert.ok(push);
  });

  it('keys EDS by the proxy\'s locality', () => {
    const base = makeProxy('sidecar~10.0.0.1~a.default~default.svc.cluster.local', { workload: { ...reviewsV1, locality: 'us-east/zone1' } });
    const elsewhere = makeProxy('sidecar~10.0.0.2~b.default~default.svc.cluster.local', { workload: { ...reviewsV1, name: 'b', locality: 'eu-west/zone1' } });
    const sameZone = makeProxy('sidecar~10.0.0.3~c.default~default.svc.cluster.local', { workload: { ...reviewsV1, name: 'c', locality: 'us-east/zone1' } });
    const eds = TYPE_URL.CLUSTER_LOAD_ASSIGNMENT;
    assert.notEqual(proxyViewKey(base, eds), proxyViewKey(elsewhere, eds));
    assert.equal(proxyViewKey(base, eds), proxyViewKey(sameZone, eds));
    assert.notEqual(proxyViewKey(base, TYPE_URL.CLUSTER), proxyViewKey(sameZone, TYPE_URL.CLUSTER));
  });

  it('keys by node metadata, whatever order its fields came in', () => {
    const a = makeProxy('sidecar~10.0.0.1~a.default~default.svc.cluster.local', { labels: { x: '1', y: '2' }, metadata: { httpProxyPort: 15080, interceptionMode: 'NONE' } });
    const b = makeProxy('sidecar~10.0.0.2~b.default~default.svc.cluster.local', { labels: { y: '2', x: '1' }, metadata: { interceptionMode: 'NONE', httpProxyPort: 15080 } });
    const c = makeProxy('sidecar~10.0.0.3~c.default~default.svc.cluster.local', { labels: { x: '1', y: '2' }, metadata: { httpProxyPort: 15081, interceptionMode: 'NONE' } });
    assert.equal(proxyViewKey(a, TYPE_URL.LISTENER), proxyViewKey(b, TYPE_URL.LISTENER));
    assert.notEqual(proxyViewKey(a, TYPE_URL.LISTENER), proxyViewKey(c, TYPE_URL.LISTENER));
  });

  it('keeps every view field in the key when proxies share their label and option objects', () => {
    const labels = { app: 'client' };
    const metadata = { httpProxyPort: 15080 };
    const a = makeProxy('sidecar~10.0.0.1~a.default~default.svc.cluster.local', { labels, metadata });
    const b = makeProxy('sidecar~10.0.0.2~b.other~other.svc.cluster.local', { labels, metadata });
    const c = makeProxy('router~10.0.0.3~c.default~default.svc.cluster.local', { labels, metadata });
    const d = makeProxy('sidecar~10.0.0.4~d.default~default.svc.cluster.local', { labels, metadata });
    const keys = [a, b, c].map((p) => proxyViewKey(p, TYPE_URL.LISTENER));
    assert.equal(new Set(keys).size, 3);
    assert.equal(proxyViewKey(d, TYPE_URL.LISTENER), keys[0]);
  });

  it('freezes shared resources so a mutation fails instead of changing another proxy\'s config', () => {
    const generator = new PilotXdsGenerator();
    const [cluster] = generated(generator, sidecar('client-1', '10.1.0.1'), pushOf(configs), TYPE_URL.CLUSTER).resources;
    assert.throws(() => { (cluster!.resource as Record<string, unknown>).name = 'changed'; }, TypeError);
  });
});

describe('XdsCache problems', () => {
  const push = pushOf([reviews]);
  const proxyA = makeProxy('sidecar~10.0.0.1~a.default~default.svc.cluster.local');
  const proxyB = makeProxy('sidecar~10.0.0.2~b.default~default.svc.cluster.local');

  it('reports config problems to every proxy served from the entry', () => {
    const cache = new XdsCache<string>();
    let calls = 0;
    const generate = (problems: TranslationProblem[]) => {
      calls += 1;
      problems.push({ resource: 'VirtualService default/x', message: 'unsupported field' });
      return ['r'];
    };
    const a: TranslationProblem[] = [];
    const b: TranslationProblem[] = [];
    cache.resources(proxyA, push, TYPE_URL.LISTENER, undefined, a, generate);
    cache.resources(proxyB, push, TYPE_URL.LISTENER, undefined, b, generate);
    assert.equal(calls, 1);
    assert.deepEqual(b, a);
    assert.equal(b.length, 1);
  });

  it('does not share a generation whose problems name the proxy', () => {
    const cache = new XdsCache<string>();
    let calls = 0;
    const generateFor = (id: string) => (problems: TranslationProblem[]) => {
      calls += 1;
      problems.push({ resource: `proxy ${id}`, message: 'duplicate virtual host' });
      return ['r'];
    };
    const b: TranslationProblem[] = [];
    cache.resources(proxyA, push, TYPE_URL.ROUTE_CONFIGURATION, ['80'], [], generateFor(proxyA.id));
    cache.resources(proxyB, push, TYPE_URL.ROUTE_CONFIGURATION, ['80'], b, generateFor(proxyB.id));
    assert.equal(calls, 2);
    assert.deepEqual(b, [{ resource: `proxy ${proxyB.id}`, message: 'duplicate virtual host' }]);
    assert.equal(cache.stats.uncacheable, 2);
  });

  it('does not keep a generation that failed', () => {
    const cache = new XdsCache<string>();
    assert.throws(() => cache.resources(proxyA, push, TYPE_URL.CLUSTER, undefined, [], () => { throw new Error('boom'); }), /boom/);
    assert.deepEqual(cache.resources(proxyA, push, TYPE_URL.CLUSTER, undefined, [], () => ['ok']), ['ok']);
  });
});
