// DestinationRule traffic policies as the clusters carry them: subsets overriding top-level
// blocks, port-level settings replacing them, and each policy field in Envoy's terms.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildClusters } from '../../src/control-plane/translate/cluster-builder.js';
import { buildEndpoints } from '../../src/control-plane/translate/endpoints.js';
import { generateProxyConfig, simulate } from '../../src/control-plane/translate/simulate.js';
import type { Json } from '../../src/control-plane/translate/envoy-common.js';
import { bookinfoPush, replica, sidecarOf } from './fixtures.js';

const REVIEWS = 'reviews.default.svc.cluster.local';

function clustersFor(networking: string, extra = {}): Map<string, Json> {
  const push = bookinfoPush(networking, {}, extra);
  return new Map(buildClusters(sidecarOf(push, 'productpage'), push).map((c) => [c.name as string, c]));
}

const POLICY_DR = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: RANDOM}
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 30ms}
      http: {http1MaxPendingRequests: 1, http2MaxRequests: 10, maxRequestsPerConnection: 1, maxRetries: 3, idleTimeout: 5m}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: ROUND_ROBIN}
  - name: v3
    labels: {version: v3}
    trafficPolicy:
      portLevelSettings:
      - port: {number: 9080}
        loadBalancer: {simple: LEAST_REQUEST}
`;

describe('DestinationRule traffic policy', () => {
  const clusters = clustersFor(POLICY_DR);
  const base = clusters.get(`outbound|9080||${REVIEWS}`)!;
  const v1 = clusters.get(`outbound|9080|v1|${REVIEWS}`)!;
  const v2 = clusters.get(`outbound|9080|v2|${REVIEWS}`)!;
  const v3 = clusters.get(`outbound|9080|v3|${REVIEWS}`)!;

  it('makes one EDS cluster per port and per subset', () => {
    assert.deepEqual([base, v1, v2, v3].map((c) => [c.type, (c.eds_cluster_config as Json).service_name]), [
      ['EDS', `outbound|9080||${REVIEWS}`], ['EDS', `outbound|9080|v1|${REVIEWS}`], ['EDS', `outbound|9080|v2|${REVIEWS}`], ['EDS', `outbound|9080|v3|${REVIEWS}`],
    ]);
  });
  it('turns the connection pool into circuit breaker thresholds and connection options', () => {
    assert.deepEqual(base.circuit_breakers, { thresholds: [{ max_connections: 100, max_pending_requests: 1, max_requests: 10, max_retries: 3, track_remaining: true }] });
    assert.equal(base.connect_timeout, '0.030s');
    const options = (base.typed_extension_protocol_options as Json)['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] as Json;
    assert.deepEqual(options.common_http_protocol_options, { idle_timeout: '300s', max_requests_per_connection: 1 });
  });
  it('turns outlier detection into Envoy outlier detection with the panic threshold off', () => {
    assert.deepEqual(base.outlier_detection, { enforcing_success_rate: 0, consecutive_5xx: 1, enforcing_consecutive_5xx: 100, interval: '1s', base_ejection_time: '180s', max_ejection_percent: 100 });
    assert.deepEqual(base.common_lb_config, { healthy_panic_threshold: { value: 0 } });
  });
  it('inherits the top-level policy in subsets that set none', () => {
    assert.equal(base.lb_policy, 'RANDOM');
    assert.equal(v1.lb_policy, 'RANDOM');
    assert.deepEqual(v1.circuit_breakers, base.circuit_breakers);
  });
  it("lets a subset's block override only that block", () => {
    assert.equal(v2.lb_policy, 'ROUND_ROBIN');
    assert.deepEqual(v2.circuit_breakers, base.circuit_breakers);
    assert.deepEqual(v2.outlier_detection, base.outlier_detection);
  });
  it('lets port-level settings replace every block, unset ones reverting to defaults', () => {
    assert.equal(v3.lb_policy, 'LEAST_REQUEST');
    assert.equal(v3.outlier_detection, undefined);
    assert.equal(((v3.circuit_breakers as Json).thresholds as Json[])[0]!.max_connections, 4294967295);
    assert.equal(v3.connect_timeout, '10s');
  });
  it('records the DestinationRule and subset in cluster metadata', () => {
    assert.deepEqual((v2.metadata as Json).filter_metadata, { istio: {
      services: [{ host: REVIEWS, name: 'reviews', namespace: 'default' }], default_original_port: 9080,
      config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews', subset: 'v2',
    } });
  });
  it('gives each subset only its own endpoints', () => {
    const push = bookinfoPush(POLICY_DR);
    const eps = new Map(buildEndpoints(sidecarOf(push, 'productpage'), push).map((e) => [e.cluster_name as string, e]));
    const count = (name: string) => (((eps.get(name)!.endpoints as Json[])[0]!.lb_endpoints) as Json[]).length;
    assert.equal(count(`outbound|9080||${REVIEWS}`), 3);
    assert.equal(count(`outbound|9080|v2|${REVIEWS}`), 1);
  });
});

describe('load balancer and TLS settings', () => {
  it('uses LEAST_REQUEST by default and RING_HASH with a route hash policy for consistent hashing', () => {
    const dr = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash: {httpHeaderName: x-user}
`;
    const push = bookinfoPush(dr);
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    assert.equal(config.clusters.find((c) => c.name === 'outbound|9080||details.default.svc.cluster.local')!.lb_policy, 'LEAST_REQUEST');
    const reviews = config.clusters.find((c) => c.name === `outbound|9080||${REVIEWS}`)!;
    assert.equal(reviews.lb_policy, 'RING_HASH');
    assert.deepEqual(reviews.ring_hash_lb_config, { minimum_ring_size: '1024' });
    const r = simulate(config, { port: 9080, authority: 'reviews' });
    assert.deepEqual((r.route!.route as Json).hash_policy, [{ header: { header_name: 'x-user' } }]);
  });
  it('keeps VirtualService retries on the hashed host', () => {
    const push = bookinfoPush(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      loadBalancer:
        consistentHash:
          httpCookie: {name: user, ttl: 10s}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
`);
    const r = simulate(generateProxyConfig(sidecarOf(push, 'productpage'), push), { port: 9080, authority: 'reviews' });
    const action = r.route!.route as Json;
    assert.deepEqual(action.hash_policy, [{ cookie: { name: 'user', ttl: '10s' } }]);
    assert.equal((action.retry_policy as Json).retry_host_predicate, undefined);
  });
  it('uses MAGLEV when asked', () => {
    const clusters = clustersFor(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}
`);
    const c = clusters.get(`outbound|9080||${REVIEWS}`)!;
    assert.equal(c.lb_policy, 'MAGLEV');
    assert.deepEqual(c.maglev_lb_config, { table_size: '65537' });
  });
  it('uses auto mTLS towards sidecars by default, with the service accounts as SANs', () => {
    const c = clustersFor('').get(`outbound|9080||${REVIEWS}`)!;
    const matches = c.transport_socket_matches as Json[];
    assert.deepEqual(matches.map((m) => [m.name, m.match]), [['tlsMode-istio', { tlsMode: 'istio' }], ['tlsMode-disabled', {}]]);
    const ctx = ((matches[0]!.transport_socket as Json).typed_config as Json);
    assert.equal(ctx.sni, `outbound_.9080_._.${REVIEWS}`);
    const common = ctx.common_tls_context as Json;
    assert.deepEqual((common.tls_certificate_sds_secret_configs as Json[]).map((s) => s.name), ['default']);
    assert.equal(((common.combined_validation_context as Json).validation_context_sds_secret_config as Json).name, 'ROOTCA');
    assert.deepEqual(((common.combined_validation_context as Json).default_validation_context as Json).match_subject_alt_names, [{ exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' }]);
  });
  it('uses the explicit transport socket for ISTIO_MUTUAL and none for DISABLE', () => {
    const clusters = clustersFor(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {tls: {mode: DISABLE}}
`);
    const base = clusters.get(`outbound|9080||${REVIEWS}`)!;
    assert.equal(base.transport_socket_matches, undefined);
    assert.equal(((base.transport_socket as Json).typed_config as Json)['@type'], 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
    const v1 = clusters.get(`outbound|9080|v1|${REVIEWS}`)!;
    assert.equal(v1.transport_socket, undefined);
    assert.equal(v1.transport_socket_matches, undefined);
  });
  it('originates SIMPLE TLS to an external service with the SNI and system roots', () => {
    const clusters = clustersFor(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 443}]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, sni: api.example.com}
`);
    const c = clusters.get('outbound|80||api.example.com')!;
    assert.equal(c.type, 'STRICT_DNS');
    assert.deepEqual(((c.load_assignment as Json).endpoints as Json[]).flatMap((g) => (g.lb_endpoints as Json[]).map((e) => (((e.endpoint as Json).address as Json).socket_address))), [{ address: 'api.example.com', port_value: 443 }]);
    const ctx = (c.transport_socket as Json).typed_config as Json;
    assert.equal(ctx.sni, 'api.example.com');
    assert.equal((((ctx.common_tls_context as Json).combined_validation_context as Json).validation_context_sds_secret_config as Json).name, 'file-root:system');
  });
});

describe('locality load balancing', () => {
  const zoned = [
    replica('reviews-v1-zone-a', { app: 'reviews', version: 'v1' }, { locality: 'us-east/a/1' }),
    replica('reviews-v1-zone-b', { app: 'reviews', version: 'v1' }, { locality: 'us-east/b/1' }),
    replica('reviews-v1-west', { app: 'reviews', version: 'v1' }, { locality: 'us-west/c/1' }),
    replica('client-east-a', { app: 'client' }, { locality: 'us-east/a/1' }),
  ];
  it('puts nearer localities in lower priorities when outlier detection is on', () => {
    const push = bookinfoPush(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 5}
`, {}, { workloads: zoned });
    const client = push.proxyFor('sidecar~10.9.9.9~client-east-a.default~default.svc.cluster.local');
    const [cla] = buildEndpoints(client, push, [`outbound|9080||${REVIEWS}`]);
    const byLocality = (cla!.endpoints as Json[]).map((g) => [JSON.stringify(g.locality), g.priority ?? 0]);
    assert.deepEqual(byLocality.filter(([l]) => String(l).includes('us-')), [
      ['{"region":"us-east","zone":"a","sub_zone":"1"}', 0],
      ['{"region":"us-east","zone":"b","sub_zone":"1"}', 1],
      ['{"region":"us-west","zone":"c","sub_zone":"1"}', 2],
    ]);
  });
});
