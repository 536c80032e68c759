// Sidecar behaviour beyond single routes: unknown destinations (ALLOW_ANY vs REGISTRY_ONLY),
// source-label rules, the explicit HTTP proxy the local runtime uses, the inbound side with mTLS
// modes, and TCP/TLS routing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateProxyConfig, simulate } from '../../src/control-plane/translate/simulate.js';
import type { Json } from '../../src/control-plane/translate/envoy-common.js';
import { nodeId } from '../../src/control-plane/model/proxy.js';
import { bookinfoPush, replica, sidecarOf } from './fixtures.js';
import { DESTINATION_RULE_ALL } from './bookinfo-networking.js';

describe('outbound traffic policy', () => {
  it('ALLOW_ANY sends unknown hosts and ports to PassthroughCluster', () => {
    const push = bookinfoPush('', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } });
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    const http = simulate(config, { port: 9080, authority: 'httpbin.org' });
    assert.equal(http.virtualHost, 'allow_any');
    assert.deepEqual(http.clusters.map((c) => c.name), ['PassthroughCluster']);
    const tcp = simulate(config, { port: 5432, address: '203.0.113.5', protocol: 'tcp' });
    assert.equal(tcp.listener, 'virtualOutbound');
    assert.deepEqual(tcp.clusters.map((c) => c.name), ['PassthroughCluster']);
  });
  it('REGISTRY_ONLY answers unknown HTTP hosts with 502 and drops unknown TCP', () => {
    const push = bookinfoPush('', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    const http = simulate(config, { port: 9080, authority: 'httpbin.org' });
    assert.equal(http.virtualHost, 'block_all');
    assert.equal(http.outcome, 'direct_response');
    assert.equal(http.status, 502);
    const tcp = simulate(config, { port: 5432, address: '203.0.113.5', protocol: 'tcp' });
    assert.deepEqual(tcp.clusters.map((c) => c.name), ['BlackHoleCluster']);
    // Registered services are still reachable.
    assert.deepEqual(simulate(config, { port: 9080, authority: 'reviews' }).clusters.map((c) => c.name), ['outbound|9080||reviews.default.svc.cluster.local']);
  });
});

describe('sourceLabels', () => {
  const networking = DESTINATION_RULE_ALL + `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match:
    - sourceLabels: {app: reviews, version: v2}
    route:
    - destination: {host: ratings, subset: v2}
  - route:
    - destination: {host: ratings, subset: v1}
`;
  const push = bookinfoPush(networking);
  it('applies a rule only on proxies whose workload labels match', () => {
    const fromV2 = simulate(generateProxyConfig(sidecarOf(push, 'reviews-v2'), push), { port: 9080, authority: 'ratings' });
    assert.deepEqual(fromV2.clusters.map((c) => c.name), ['outbound|9080|v2|ratings.default.svc.cluster.local']);
    const fromV3 = simulate(generateProxyConfig(sidecarOf(push, 'reviews-v3'), push), { port: 9080, authority: 'ratings' });
    assert.deepEqual(fromV3.clusters.map((c) => c.name), ['outbound|9080|v1|ratings.default.svc.cluster.local']);
    assert.equal(fromV3.origin!.httpRule, 1);
  });
});

describe('explicit HTTP proxy (local runtime)', () => {
  const push = bookinfoPush(DESTINATION_RULE_ALL, { proxyHttpPort: 15080 });
  const proxy = sidecarOf(push, 'productpage');
  const config = generateProxyConfig(proxy, push);
  it('listens on loopback and routes by RDS http_proxy', () => {
    const l = config.listeners.find((x) => x.name === '127.0.0.1_15080')!;
    const hcm = (((l.filter_chains as Json[])[0]!.filters as Json[])[0]!.typed_config as Json);
    assert.equal((hcm.rds as Json).route_config_name, 'http_proxy');
    assert.deepEqual(hcm.http_protocol_options, { allow_absolute_url: true });
  });
  it('routes host:port requests of every service port', () => {
    const r = simulate(config, { viaHttpProxy: true, port: 15080, authority: 'reviews:9080', path: '/reviews/1' });
    assert.equal(r.routeConfig, 'http_proxy');
    assert.deepEqual(r.clusters.map((c) => c.name), ['outbound|9080||reviews.default.svc.cluster.local']);
    const gw = simulate(config, { viaHttpProxy: true, port: 15080, authority: 'istio-ingressgateway.istio-system' });
    assert.deepEqual(gw.clusters.map((c) => c.name), ['outbound|80||istio-ingressgateway.istio-system.svc.cluster.local']);
  });
  it('sends unknown hosts through PassthroughCluster', () => {
    assert.deepEqual(simulate(config, { viaHttpProxy: true, port: 15080, authority: 'example.com:8000' }).clusters.map((c) => c.name), ['PassthroughCluster']);
  });
});

describe('inbound', () => {
  it('accepts Istio mTLS and plaintext on a PERMISSIVE port and hands both to inbound|9080||', () => {
    const push = bookinfoPush('');
    const config = generateProxyConfig(sidecarOf(push, 'reviews-v1'), push);
    const mtls = simulate(config, { direction: 'inbound', port: 9080, tls: true, alpn: ['istio-http/1.1'], authority: 'reviews:9080' });
    assert.equal(mtls.listener, 'virtualInbound');
    assert.deepEqual(mtls.clusters.map((c) => c.name), ['inbound|9080||']);
    assert.equal(mtls.routeConfig, 'inbound|9080||');
    const plain = simulate(config, { direction: 'inbound', port: 9080, authority: 'reviews:9080' });
    assert.deepEqual(plain.clusters.map((c) => c.name), ['inbound|9080||']);
    const inbound = config.clusters.find((c) => c.name === 'inbound|9080||')!;
    assert.equal(inbound.type, 'STATIC');
  });
  it('refuses plaintext on a STRICT port', () => {
    const push = bookinfoPush(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
`);
    const config = generateProxyConfig(sidecarOf(push, 'reviews-v1'), push);
    const plain = simulate(config, { direction: 'inbound', port: 9080, authority: 'reviews:9080' });
    // Envoy does not fall back past a destination port that has chains: the connection is refused.
    assert.equal(plain.outcome, 'no_filter_chain');
    const chains = (config.listeners.find((l) => l.name === 'virtualInbound')!.filter_chains as Json[]).filter((c) => c.name === '0.0.0.0_9080');
    assert.deepEqual(chains.map((c) => (c.filter_chain_match as Json).transport_protocol), ['tls']);
  });
  it('without capture, binds one inbound listener per port where the runtime put the workload', () => {
    const app = replica('web-1', { app: 'web' }, { address: '127.0.0.1', ports: [{ name: 'http', port: 8000, endpointPort: 41000, appPort: 41001 }] });
    const push = bookinfoPush(`
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8000}]
`, {}, { workloads: [app] });
    const proxy = push.proxyFor(nodeId('sidecar', '127.0.0.1', 'web-1', 'default'), { metadata: { interceptionMode: 'NONE' } });
    const config = generateProxyConfig(proxy, push);
    assert.equal(config.listeners.some((l) => l.name === 'virtualInbound' || l.name === 'virtualOutbound'), false);
    const inbound = config.listeners.find((l) => l.name === '127.0.0.1_41000')!;
    assert.deepEqual(inbound.address, { socket_address: { address: '127.0.0.1', port_value: 41000 } });
    const r = simulate(config, { direction: 'inbound', port: 41000, authority: 'web' });
    assert.deepEqual(r.clusters.map((c) => [c.name, c.endpoints]), [['inbound|8000||', ['127.0.0.1:41001']]]);
    // Clients reach the replica where the runtime put its sidecar.
    const client = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    assert.deepEqual(simulate(client, { port: 80, authority: 'web' }).clusters[0]!.endpoints, ['127.0.0.1:41000']);
  });
});

describe('TCP and TLS routes', () => {
  const networking = `
apiVersion: v1
kind: Service
metadata: {name: mysql}
spec:
  clusterIP: 10.96.0.20
  selector: {app: mysql}
  ports: [{name: tcp, port: 3306}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: mysql}
spec:
  host: mysql
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: mysql}
spec:
  hosts: [mysql]
  tcp:
  - match: [{port: 3306}]
    route:
    - destination: {host: mysql, subset: v1}
      weight: 90
    - destination: {host: mysql, subset: v2}
      weight: 10
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external-https}
spec:
  hosts: [api.example.com, www.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: www}
spec:
  hosts: [www.example.com]
  tls:
  - match: [{port: 443, sniHosts: [www.example.com]}]
    route:
    - destination: {host: api.example.com, port: {number: 443}}
`;
  const push = bookinfoPush(networking);
  const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
  it('binds TCP services on their VIP and splits by weight', () => {
    const r = simulate(config, { port: 3306, address: '10.96.0.20', protocol: 'tcp' });
    assert.equal(r.listener, '10.96.0.20_3306');
    assert.deepEqual(r.clusters.map((c) => [c.name, c.weight]), [['outbound|3306|v1|mysql.default.svc.cluster.local', 90], ['outbound|3306|v2|mysql.default.svc.cluster.local', 10]]);
  });
  it('routes TLS by SNI', () => {
    const api = simulate(config, { port: 443, sni: 'api.example.com', protocol: 'tcp' });
    assert.equal(api.listener, '0.0.0.0_443');
    assert.deepEqual(api.clusters.map((c) => c.name), ['outbound|443||api.example.com']);
    const www = simulate(config, { port: 443, sni: 'www.example.com', protocol: 'tcp' });
    assert.deepEqual(www.clusters.map((c) => c.name), ['outbound|443||api.example.com']);
    const other = simulate(config, { port: 443, sni: 'other.example.com', protocol: 'tcp' });
    assert.equal(other.outcome, 'no_filter_chain');
  });
});

describe('endpoints', () => {
  it('leaves unready replicas out and marks sidecar endpoints for Istio mTLS', () => {
    const push = bookinfoPush(DESTINATION_RULE_ALL, {}, { workloads: [replica('reviews-v1-unready', { app: 'reviews', version: 'v1' }, { healthy: false })] });
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    const cla = config.endpoints.find((e) => e.cluster_name === 'outbound|9080|v1|reviews.default.svc.cluster.local')!;
    const eps = (cla.endpoints as Json[]).flatMap((g) => g.lb_endpoints as Json[]);
    assert.equal(eps.length, 1);
    assert.equal(eps[0]!.health_status, 'HEALTHY');
    assert.deepEqual(((eps[0]!.metadata as Json).filter_metadata as Json)['envoy.transport_socket_match'], { tlsMode: 'istio' });
    assert.match(String((((eps[0]!.metadata as Json).filter_metadata as Json).istio as Json).workload), /^reviews-v1-[^;]+;default;reviews;v1;Kubernetes$/);
  });
  it('answers a subset that no DestinationRule defines with no endpoints', () => {
    const push = bookinfoPush('');
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    assert.equal(config.endpoints.some((e) => String(e.cluster_name).includes('|v1|')), false);
  });
});

describe('mTLS follows what the sidecars declare', () => {
  const plain = [replica('legacy-1', { app: 'legacy' }, { tlsMode: undefined })];
  const push = bookinfoPush(`
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  selector: {app: legacy}
  ports: [{name: http, port: 9080}]
`, {}, { workloads: plain });
  it('leaves auto mTLS off towards a service none of whose endpoints has a sidecar', () => {
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    const legacy = config.clusters.find((c) => c.name === 'outbound|9080||legacy.default.svc.cluster.local')!;
    assert.equal(legacy.transport_socket_matches, undefined);
    const reviews = config.clusters.find((c) => c.name === 'outbound|9080||reviews.default.svc.cluster.local')!;
    assert.equal((reviews.transport_socket_matches as Json[]).length, 2);
  });
  it('accepts plaintext only on a workload that does not declare Istio mTLS', () => {
    const config = generateProxyConfig(sidecarOf(push, 'legacy'), push);
    const chains = (config.listeners.find((l) => l.name === 'virtualInbound')!.filter_chains as Json[]).filter((c) => c.name === '0.0.0.0_9080');
    assert.deepEqual(chains.map((c) => (c.filter_chain_match as Json).transport_protocol), ['raw_buffer']);
  });
});
