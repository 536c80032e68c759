// The proxyless gRPC generator, checked against gRPC's own xDS client: every resource it emits is
// decoded and validated by @grpc/grpc-js-xds's resource types (what the client NACKs, fails here).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { register } from '@grpc/grpc-js-xds';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type.js';
import { ClusterResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type.js';
import type { XdsResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import type { Resource } from '../../config/resource.js';
import { encodeResource } from '../../xds/codec.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { PushContext } from '../model/push-context.js';
import type { Json } from './envoy-common.js';
import { expandShortName, splitHostPort } from './grpc-listeners.js';
import { PilotXdsGenerator, type PilotProxyState } from './xds-generator.js';

const HOST = 'reviews.default.svc.cluster.local';
const DEFAULT_CLUSTER = `outbound|9080||${HOST}`;

const service: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'grpc', port: 9080 }, { name: 'tcp-db', port: 5432 }] } };
const dr: Resource = {
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'default' },
  spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } }] },
};
const vs: Resource = {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' },
  spec: {
    hosts: ['reviews'],
    http: [
      { match: [{ queryParams: { debug: { exact: '1' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { match: [{ uri: { prefix: '/old.' } }], redirect: { uri: '/new' } },
      { match: [{ headers: { 'x-canary': { exact: 'yes' } }, withoutHeaders: { 'x-block': {} } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }], fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } } }, corsPolicy: { allowOrigins: [{ exact: 'https://a.example' }] } },
      { match: [{ uri: { regex: '/skiff\\..*/Ping' } }], rewrite: { uri: '/x' }, timeout: '2s', retries: { attempts: 3, retryOn: 'unavailable', perTryTimeout: '1s' }, route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 20 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 80 }] },
    ],
  },
};
const workloads = ['v1', 'v2'].map((v, i) => ({ name: `reviews-${v}`, namespace: 'default', address: '127.0.0.1', ports: [{ name: 'grpc', port: 9080, endpointPort: 40000 + i }], labels: { app: 'reviews', version: v }, healthy: true }));
const push = PushContext.build({ configs: [service, dr, vs], workloads });
const node = { nodeId: 'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc', NAMESPACE: 'default' } };
const generator = new PilotXdsGenerator();

function generate(state: PilotProxyState, typeUrl: string, names: string[] | '*') {
  return generator.generate({ state, typeUrl, resourceNames: names, push });
}

const VALIDATORS: Record<string, () => XdsResourceType> = {
  [TYPE_URL.LISTENER]: () => ListenerResourceType.get(),
  [TYPE_URL.ROUTE_CONFIGURATION]: () => RouteConfigurationResourceType.get(),
  [TYPE_URL.CLUSTER]: () => ClusterResourceType.get(),
  [TYPE_URL.CLUSTER_LOAD_ASSIGNMENT]: () => EndpointResourceType.get(),
};

/** Decodes a resource the way grpc-js-xds does on receipt; its error is what the client would NACK with. */
function grpcAccepts(typeUrl: string, resource: Json): void {
  const context = { server: {}, bootstrap: { certificateProviders: {} } } as never;
  const result = VALIDATORS[typeUrl]!().decode(context, { type_url: typeUrl, value: encodeResource(typeUrl, resource) });
  assert.equal(result.error, undefined, `${typeUrl}: ${result.error}`);
}

describe('proxyless gRPC generator', () => {
  before(() => register());

  it('is chosen by node metadata GENERATOR: grpc, as Istio chooses grpcgen', () => {
    assert.equal(generator.proxyState(node, push).proxylessGrpc, true);
    assert.equal(generator.proxyState({ ...node, metadata: {} }, push).proxylessGrpc, false);
  });

  it('answers listener names as the client asked them, short or fully qualified, for HTTP-family ports only', () => {
    const state = generator.proxyState(node, push);
    const asked = [`${HOST}:9080`, 'reviews:9080', 'reviews.default:9080', 'reviews:5432', 'ratings:9080'];
    const listeners = generate(state, TYPE_URL.LISTENER, asked);
    assert.deepEqual(listeners.map((l) => l.name).sort(), ['reviews.default.svc.cluster.local:9080', 'reviews.default:9080', 'reviews:9080']);
    for (const l of listeners) {
      const hcm = ((l.resource.api_listener as Json).api_listener as Json);
      assert.equal((hcm.rds as Json).route_config_name, DEFAULT_CLUSTER);
      grpcAccepts(TYPE_URL.LISTENER, l.resource);
    }
    assert.deepEqual(generate(state, TYPE_URL.LISTENER, '*').map((l) => l.name), [`${HOST}:9080`]);
  });

  it('expands short names only within the client\'s own namespace, as Istio\'s tryFindFQDN', () => {
    const proxy = { namespace: 'default', dnsDomain: 'default.svc.cluster.local' };
    assert.equal(expandShortName('reviews', proxy), HOST);
    assert.equal(expandShortName('reviews.default.svc', proxy), HOST);
    assert.equal(expandShortName('reviews.other', proxy), undefined);
    assert.deepEqual(splitHostPort('[::1]:9080'), { host: '::1', port: 9080 });
    assert.equal(splitHostPort('reviews'), undefined);
  });

  it('builds the route configuration gRPC accepts, leaving out and reporting what gRPC cannot follow', () => {
    const state = generator.proxyState(node, push);
    const [rc] = generate(state, TYPE_URL.ROUTE_CONFIGURATION, [DEFAULT_CLUSTER]);
    grpcAccepts(TYPE_URL.ROUTE_CONFIGURATION, rc!.resource);
    const vhost = (rc!.resource.virtual_hosts as Json[]).find((v) => (v.domains as string[]).includes(`${HOST}:9080`))!;
    const routes = vhost.routes as Json[];
    // the query-parameter rule and the redirect are gone; header match, regex and weighted split remain
    assert.equal(routes.length, 3);
    const [canary, ping, split] = routes as [Json, Json, Json];
    assert.deepEqual((canary.match as Json).headers, [
      { name: 'x-block', present_match: true, invert_match: true },
      { name: 'x-canary', string_match: { exact: 'yes' } },
    ]);
    assert.deepEqual(Object.keys(canary.typed_per_filter_config as Json), ['envoy.filters.http.fault']);
    assert.deepEqual((ping.route as Json).max_stream_duration, { max_stream_duration: '2s' });
    assert.deepEqual((ping.route as Json).retry_policy, { retry_on: 'unavailable', num_retries: 3 });
    assert.deepEqual(((split.route as Json).weighted_clusters as Json).clusters, [
      { name: `outbound|9080|v1|${HOST}`, weight: 20 }, { name: `outbound|9080|v2|${HOST}`, weight: 80 },
    ]);
    const messages = state.problems.map((p) => `${p.resource}: ${p.message}`).join('\n');
    assert.match(messages, /http\[0\]: query parameter matches never match a gRPC request/);
    assert.match(messages, /http\[1\]: redirects cannot be followed by gRPC/);
    assert.match(messages, /http\[2\]: not applied by proxyless gRPC clients: corsPolicy/);
    assert.match(messages, /http\[3\]: not applied by proxyless gRPC clients: retries.perTryTimeout, rewrite.uri/);
  });

  it('answers clusters by name with the load balancers gRPC has, and no cluster for an undefined subset', () => {
    const state = generator.proxyState(node, push);
    const names = [DEFAULT_CLUSTER, `outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`, `outbound|9080|v9|${HOST}`];
    const clusters = generate(state, TYPE_URL.CLUSTER, names);
    assert.deepEqual(clusters.map((c) => [c.name, c.resource.lb_policy]), [
      [DEFAULT_CLUSTER, 'ROUND_ROBIN'], [`outbound|9080|v1|${HOST}`, 'ROUND_ROBIN'], [`outbound|9080|v2|${HOST}`, 'RING_HASH'],
    ]);
    for (const c of clusters) grpcAccepts(TYPE_URL.CLUSTER, c.resource);
    assert.ok(state.problems.some((p) => /LEAST_REQUEST is not available in gRPC clients/.test(p.message)));
  });

  it('sends the subset endpoints gRPC accepts', () => {
    const state = generator.proxyState(node, push);
    const [v1, v2] = generate(state, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, [`outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`]);
    for (const e of [v1!, v2!]) grpcAccepts(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, e.resource);
    const ports = (e: Json) => (e.endpoints as Json[]).flatMap((l) => (l.lb_endpoints as Json[]).map((x) => (((x.endpoint as Json).address as Json).socket_address as Json).port_value));
    assert.deepEqual([ports(v1!.resource), ports(v2!.resource)], [[40000], [40001]]);
  });

  it('refuses types it does not serve with a clear error', () => {
    const state = generator.proxyState(node, push);
    assert.throws(() => generate(state, TYPE_URL.SECRET, '*'), /does not generate .*Secret for proxyless gRPC clients/);
  });
});
