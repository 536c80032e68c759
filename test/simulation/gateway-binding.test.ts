// Gateway host binding: a VirtualService bound to a Gateway only exposes the hosts the Gateway's
// server admits (wildcards narrowing to the more specific name, `ns/host` admitting only that
// namespace), and the `mesh` gateway keeps sidecar routing separate from gateway routing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateProxyConfig, simulate } from '../../src/control-plane/translate/simulate.js';
import type { Json } from '../../src/control-plane/translate/envoy-common.js';
import { buildRoutes } from '../../src/control-plane/translate/routes.js';
import { bookinfoPush, ingressGateway, sidecarOf } from './fixtures.js';
import { proxyMetadata } from '../../src/control-plane/translate/xds-generator.js';
import { nodeId } from '../../src/control-plane/model/proxy.js';

const GATEWAY = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*.example.com", "default/reviews.internal.com"]
`;

function vs(name: string, namespace: string, hosts: string[], gateways: string[], destination: string): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: ${JSON.stringify(hosts)}
  gateways: ${JSON.stringify(gateways)}
  http:
  - route:
    - destination: {host: ${destination}, port: {number: 9080}}
`;
}

describe('Gateway host binding', () => {
  const push = bookinfoPush([
    GATEWAY,
    vs('shop', 'default', ['shop.example.com'], ['istio-system/public'], 'productpage'),
    vs('everything', 'default', ['*'], ['istio-system/public'], 'details'),
    vs('other-domain', 'default', ['other.org'], ['istio-system/public'], 'ratings'),
    vs('internal-default', 'default', ['reviews.internal.com'], ['istio-system/public'], 'reviews'),
    vs('internal-prod', 'prod', ['reviews.internal.com'], ['istio-system/public'], 'reviews.default.svc.cluster.local'),
    vs('wrong-gateway', 'default', ['api.example.com'], ['public'], 'ratings'),
    vs('both', 'default', ['ratings', 'ratings.example.com'], ['mesh', 'istio-system/public'], 'ratings'),
  ].join('---'));
  const gw = ingressGateway(push);
  const config = generateProxyConfig(gw, push);
  const [routes] = buildRoutes(gw, push, ['http.8080']) as [Json];
  const vhosts = (routes.virtual_hosts as Json[]).map((v) => `${v.name} ${JSON.stringify(v.domains)}`);

  it('serves port 80 servers on listener 8080, as the gateway deployment maps it', () => {
    assert.deepEqual(config.listeners.map((l) => l.name), ['0.0.0.0_8080']);
  });
  it('creates a virtual host per host the server and a VirtualService both admit', () => {
    assert.deepEqual(vhosts, [
      '*.example.com:80 ["*.example.com"]',
      'ratings.example.com:80 ["ratings.example.com"]',
      'reviews.internal.com:80 ["reviews.internal.com"]',
      'shop.example.com:80 ["shop.example.com"]',
    ]);
  });
  it('narrows a `*` VirtualService host to the server wildcard', () => {
    const r = simulate(config, { port: 8080, authority: 'anything.example.com' });
    assert.deepEqual(r.clusters.map((c) => c.name), ['outbound|9080||details.default.svc.cluster.local']);
  });
  it('prefers the exact host over the wildcard virtual host', () => {
    const r = simulate(config, { port: 8080, authority: 'shop.example.com:8080' });
    assert.deepEqual(r.clusters.map((c) => c.name), ['outbound|9080||productpage.default.svc.cluster.local']);
  });
  it('does not expose hosts outside the server hosts', () => {
    const r = simulate(config, { port: 8080, authority: 'other.org' });
    assert.equal(r.outcome, 'no_virtual_host');
    assert.equal(r.status, 404);
  });
  it('admits a `ns/host` server host only to VirtualServices of that namespace', () => {
    const vhost = (config.routes[0]!.virtual_hosts as Json[]).find((v) => v.name === 'reviews.internal.com:80')!;
    const origins = (vhost.routes as Json[]).map((r) => ((r.metadata as Json).filter_metadata as Json).istio as Json).map((i) => String(i.config).split('/').pop());
    // Both default-namespace VirtualServices that cover the host contribute, in order; prod's does not.
    assert.deepEqual(origins, ['everything', 'internal-default']);
    const r = simulate(config, { port: 8080, authority: 'reviews.internal.com' });
    assert.deepEqual(r.clusters.map((c) => c.name), ['outbound|9080||details.default.svc.cluster.local']);
  });
  it('resolves a short gateway name in the VirtualService namespace, not the gateway one', () => {
    const r = simulate(config, { port: 8080, authority: 'api.example.com' });
    assert.notEqual(r.origin?.config, '/apis/networking.istio.io/v1/namespaces/default/virtual-service/wrong-gateway');
  });
  it('applies a VirtualService bound to both `mesh` and a gateway in both places', () => {
    const viaGateway = simulate(config, { port: 8080, authority: 'ratings.example.com' });
    assert.deepEqual(viaGateway.clusters.map((c) => c.name), ['outbound|9080||ratings.default.svc.cluster.local']);
    const sidecar = simulate(generateProxyConfig(sidecarOf(push, 'reviews-v1'), push), { port: 9080, authority: 'ratings:9080' });
    assert.equal(sidecar.origin!.config, '/apis/networking.istio.io/v1/namespaces/default/virtual-service/both');
  });
  it('keeps gateway-only VirtualServices away from sidecars', () => {
    const sidecar = simulate(generateProxyConfig(sidecarOf(push, 'reviews-v1'), push), { port: 9080, authority: 'productpage:9080' });
    assert.equal(sidecar.routeName, 'default');
  });
  it('answers 404 from an empty virtual host when nothing is bound', () => {
    const empty = bookinfoPush(GATEWAY);
    const r = simulate(generateProxyConfig(ingressGateway(empty), empty), { port: 8080, authority: 'shop.example.com' });
    assert.equal(r.virtualHost, 'blackhole:80');
    assert.equal(r.outcome, 'no_route');
  });
});

describe('Gateway match conditions', () => {
  const push = bookinfoPush(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: split}
spec:
  hosts: [reviews]
  gateways: [mesh, gw]
  http:
  - match:
    - gateways: [gw]
      uri: {prefix: /reviews}
    route:
    - destination: {host: reviews, subset: v3}
  - match:
    - gateways: [mesh]
    route:
    - destination: {host: reviews, subset: v2}
`);
  it('applies rules whose match names the gateway only at that gateway', () => {
    // At the gateway the host is the VirtualService's resolved FQDN; short names only exist in-mesh.
    const gwConfig = generateProxyConfig(ingressGateway(push), push);
    assert.equal(simulate(gwConfig, { port: 8080, authority: 'reviews', path: '/reviews/1' }).outcome, 'no_virtual_host');
    const gw = simulate(gwConfig, { port: 8080, authority: 'reviews.default.svc.cluster.local', path: '/reviews/1' });
    assert.deepEqual(gw.clusters.map((c) => c.name), ['outbound|9080|v3|reviews.default.svc.cluster.local']);
    const sidecar = simulate(generateProxyConfig(sidecarOf(push, 'productpage'), push), { port: 9080, authority: 'reviews', path: '/reviews/1' });
    assert.deepEqual(sidecar.clusters.map((c) => c.name), ['outbound|9080|v2|reviews.default.svc.cluster.local']);
  });
});

describe('delegate VirtualServices at a gateway', () => {
  const push = bookinfoPush(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["bookinfo.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root}
spec:
  hosts: ["bookinfo.example.com"]
  gateways: [gw]
  http:
  - match:
    - uri: {prefix: /reviews}
    delegate: {name: reviews-delegate}
  - route:
    - destination: {host: productpage, port: {number: 9080}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-delegate}
spec:
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, port: {number: 9080}, subset: v2}
  - route:
    - destination: {host: reviews, port: {number: 9080}, subset: v1}
`);
  const config = generateProxyConfig(ingressGateway(push), push);
  it("narrows the delegate's rules with the root's match", () => {
    const jason = simulate(config, { port: 8080, authority: 'bookinfo.example.com', path: '/reviews/0', headers: { 'end-user': 'jason' } });
    assert.deepEqual(jason.clusters.map((c) => c.name), ['outbound|9080|v2|reviews.default.svc.cluster.local']);
    const other = simulate(config, { port: 8080, authority: 'bookinfo.example.com', path: '/reviews/0' });
    assert.deepEqual(other.clusters.map((c) => c.name), ['outbound|9080|v1|reviews.default.svc.cluster.local']);
    const outside = simulate(config, { port: 8080, authority: 'bookinfo.example.com', path: '/productpage', headers: { 'end-user': 'jason' } });
    assert.deepEqual(outside.clusters.map((c) => c.name), ['outbound|9080||productpage.default.svc.cluster.local']);
  });
});

describe('Gateway listeners on the local runtime', () => {
  const push = bookinfoPush([GATEWAY, vs('shop', 'default', ['shop.example.com'], ['istio-system/public'], 'productpage')].join('---'));
  const w = push.registry.workloads.find((x) => x.labels.istio === 'ingressgateway')!;
  const local = (portMap?: Record<string, string>) => {
    const { labels, metadata } = proxyMetadata({ SKIFF_BIND_ADDRESS: '127.0.0.1', ...(portMap ? { SKIFF_PORT_MAP: portMap } : {}) });
    return push.proxyFor(nodeId('router', w.address, w.name, w.namespace), { labels, metadata });
  };

  it('bind loopback, at the listener port when no map is given', () => {
    const listeners = generateProxyConfig(local(), push).listeners;
    assert.deepEqual(listeners.map((l) => [l.name, (l.address as Json).socket_address]), [['127.0.0.1_8080', { address: '127.0.0.1', port_value: 8080 }]]);
  });
  it('serve a mapped port, keeping the route configuration named for the gateway port', () => {
    const config = generateProxyConfig(local({ '8080': '41234' }), push);
    assert.deepEqual(config.listeners.map((l) => l.name), ['127.0.0.1_41234']);
    assert.deepEqual(config.routes.map((r) => r.name), ['http.8080']);
  });
  it('ignore map entries that are not ports', () => {
    assert.deepEqual(generateProxyConfig(local({ '8080': 'lots' }), push).listeners.map((l) => l.name), ['127.0.0.1_8080']);
  });
});
