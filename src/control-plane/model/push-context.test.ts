import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { configPath, configMeta } from './config-meta.js';
import { resolveGatewayName, resolveShortname, hostIntersection, mostSpecificHostMatch } from './host.js';
import { parseNodeId, ProxyIdError } from './proxy.js';
import { PushContext } from './push-context.js';

function res(kind: string, name: string, namespace: string, spec: unknown, extra: Partial<Resource['metadata']> = {}): Resource {
  const group = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'WorkloadEntry'].includes(kind) ? 'networking.istio.io/v1'
    : ['PeerAuthentication', 'AuthorizationPolicy'].includes(kind) ? 'security.istio.io/v1' : 'v1';
  return { apiVersion: group, kind, metadata: { name, namespace, ...extra }, spec };
}

describe('host names', () => {
  it('resolves short names in the rule namespace', () => {
    assert.equal(resolveShortname('reviews', 'default', 'cluster.local'), 'reviews.default.svc.cluster.local');
    assert.equal(resolveShortname('reviews.prod', 'default', 'cluster.local'), 'reviews.prod');
    assert.equal(resolveShortname('*', 'default', 'cluster.local'), '*');
    assert.equal(resolveShortname('10.0.0.1', 'default', 'cluster.local'), '10.0.0.1');
  });
  it('resolves gateway references to namespace/name', () => {
    assert.equal(resolveGatewayName('bookinfo-gateway', 'default'), 'default/bookinfo-gateway');
    assert.equal(resolveGatewayName('./gw', 'prod'), 'prod/gw');
    assert.equal(resolveGatewayName('istio-system/gw', 'prod'), 'istio-system/gw');
    assert.equal(resolveGatewayName('gw.istio-system.svc.cluster.local', 'prod'), 'istio-system/gw');
    assert.equal(resolveGatewayName('mesh', 'prod'), 'mesh');
  });
  it('intersects gateway and VirtualService hosts at the narrower name', () => {
    assert.deepEqual(hostIntersection(['*.example.com'], ['a.example.com', 'b.other.com']), ['a.example.com']);
    assert.deepEqual(hostIntersection(['a.example.com'], ['*']), ['a.example.com']);
    assert.deepEqual(hostIntersection(['*'], ['*.example.com']), ['*.example.com']);
    assert.deepEqual(hostIntersection(['a.example.com'], ['b.example.com']), []);
  });
  it('picks the most specific host', () => {
    assert.equal(mostSpecificHostMatch('a.b.example.com', ['*', '*.example.com', '*.b.example.com']), '*.b.example.com');
    assert.equal(mostSpecificHostMatch('a.example.com', ['*.example.com', 'a.example.com']), 'a.example.com');
    assert.equal(mostSpecificHostMatch('a.example.org', ['*.example.com']), undefined);
  });
});

describe('proxy node ids', () => {
  it('parses sidecar~IP~POD.NS~DOMAIN', () => {
    assert.deepEqual(parseNodeId('sidecar~10.0.0.1~reviews-v1-abc.default~default.svc.cluster.local'),
      { type: 'sidecar', ip: '10.0.0.1', podName: 'reviews-v1-abc', namespace: 'default', dnsDomain: 'default.svc.cluster.local' });
  });
  for (const bad of ['sidecar~10.0.0.1', 'waypoint~1.1.1.1~a.b~c', 'router~~a.b~c', 'router~1.1.1.1~nodots~c']) {
    it(`rejects "${bad}" with a clear error`, () => {
      assert.throws(() => parseNodeId(bad), (e: unknown) => e instanceof ProxyIdError && e.message.startsWith(`invalid proxy node id "${bad}"`));
    });
  }
});

describe('config metadata path', () => {
  it('names the resource the way Istio does', () => {
    assert.equal(configPath(configMeta(res('VirtualService', 'reviews', 'default', {}))), '/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews');
    assert.equal(configPath(configMeta(res('DestinationRule', 'reviews', 'default', {}))), '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews');
  });
});

describe('VirtualService index', () => {
  const gwVs = res('VirtualService', 'bookinfo', 'default', { hosts: ['*'], gateways: ['bookinfo-gateway'], http: [{ route: [{ destination: { host: 'productpage', port: { number: 9080 } } }] }] });
  const meshVs = res('VirtualService', 'reviews', 'default', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
  const privateVs = res('VirtualService', 'ratings', 'prod', { hosts: ['ratings'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
  const push = PushContext.build({ configs: [gwVs, meshVs, privateVs] });

  it('binds VirtualServices without gateways to the mesh, with hosts and destinations resolved', () => {
    const mesh = push.virtualServicesForGateway('default', 'mesh');
    assert.deepEqual(mesh.map((v) => v.meta.name), ['reviews']);
    assert.deepEqual(mesh[0]!.spec.hosts, ['reviews.default.svc.cluster.local']);
    assert.equal(mesh[0]!.spec.http![0]!.route![0]!.destination.host, 'reviews.default.svc.cluster.local');
  });
  it('resolves gateway short names in the VirtualService namespace', () => {
    assert.deepEqual(push.virtualServicesForGateway('istio-system', 'default/bookinfo-gateway').map((v) => v.meta.name), ['bookinfo']);
    assert.deepEqual(push.virtualServicesForGateway('istio-system', 'bookinfo-gateway'), []);
  });
  it('hides a VirtualService exported only to its own namespace', () => {
    assert.deepEqual(push.virtualServicesForGateway('prod', 'mesh').map((v) => v.meta.name), ['ratings', 'reviews']);
    assert.deepEqual(push.virtualServicesForGateway('default', 'mesh').map((v) => v.meta.name), ['reviews']);
  });
});

describe('delegate VirtualServices', () => {
  const root = res('VirtualService', 'root', 'default', { hosts: ['bookinfo.com'], gateways: ['gw'], http: [
    { match: [{ uri: { prefix: '/productpage' } }], delegate: { name: 'pp', namespace: 'pp' } },
    { match: [{ uri: { prefix: '/reviews' } }], delegate: { name: 'missing' } },
    { route: [{ destination: { host: 'fallback' } }] },
  ] });
  const delegate = res('VirtualService', 'pp', 'pp', { http: [
    { match: [{ uri: { prefix: '/productpage/v1' } }], route: [{ destination: { host: 'productpage-v1' } }] },
    { match: [{ uri: { prefix: '/other' } }], route: [{ destination: { host: 'other' } }] },
    { route: [{ destination: { host: 'productpage' } }] },
  ] });
  const push = PushContext.build({ configs: [root, delegate] });
  const [vs] = push.virtualServicesForGateway('default', 'default/gw');

  it('merges the delegate rules under the root match and drops conflicting ones', () => {
    const http = vs!.spec.http!;
    assert.deepEqual(http.map((r) => r.match?.map((m) => m.uri?.prefix) ?? null), [['/productpage/v1'], ['/productpage'], null]);
    assert.equal(http[0]!.route![0]!.destination.host, 'productpage-v1.pp.svc.cluster.local');
    assert.equal(http[1]!.route![0]!.destination.host, 'productpage.pp.svc.cluster.local');
    assert.equal(http[2]!.route![0]!.destination.host, 'fallback.default.svc.cluster.local');
  });
  it('reports a delegate that does not exist', () => {
    assert.deepEqual(push.problems.map((p) => p.message), ['delegate VirtualService default/missing not found']);
  });
  it('does not serve delegates on their own', () => {
    assert.equal(push.virtualServicesForGateway('pp', 'mesh').length, 0);
  });
});

describe('DestinationRule lookup', () => {
  const svc = res('Service', 'reviews', 'default', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] });
  const inService = res('DestinationRule', 'reviews', 'default', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, { creationTimestamp: '2024-01-01T00:00:00Z' });
  const second = res('DestinationRule', 'reviews-more', 'default', { host: 'reviews.default.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } }, subsets: [{ name: 'v1', labels: { version: 'x' } }, { name: 'v2', labels: { version: 'v2' } }] }, { creationTimestamp: '2024-01-02T00:00:00Z' });
  const clientLocal = res('DestinationRule', 'reviews-client', 'client', { host: 'reviews.default.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } });
  const wildcardRoot = res('DestinationRule', 'all', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
  const push = PushContext.build({ configs: [svc, inService, second, clientLocal, wildcardRoot] });
  const host = 'reviews.default.svc.cluster.local';

  it('merges rules for one host: subsets concatenated, first subset name wins, oldest top-level policy kept', () => {
    const dr = push.destinationRule({ namespace: 'default', labels: {} }, host, 'default')!;
    assert.deepEqual(dr.spec.subsets!.map((s) => `${s.name}=${s.labels!.version}`), ['v1=v1', 'v2=v2']);
    assert.equal(dr.spec.trafficPolicy!.loadBalancer!.simple, 'RANDOM');
    assert.equal(dr.meta.name, 'reviews');
  });
  it("prefers a rule in the proxy's own namespace", () => {
    assert.equal(push.destinationRule({ namespace: 'client', labels: {} }, host, 'default')!.meta.name, 'reviews-client');
  });
  it("falls back to the service's namespace, then the root namespace", () => {
    assert.equal(push.destinationRule({ namespace: 'other', labels: {} }, host, 'default')!.meta.name, 'reviews');
    assert.equal(push.destinationRule({ namespace: 'other', labels: {} }, 'ratings.default.svc.cluster.local', 'default')!.meta.name, 'all');
    assert.equal(push.destinationRule({ namespace: 'other', labels: {} }, 'example.com', undefined), undefined);
  });
});

describe('Gateway merging', () => {
  const gw = res('Gateway', 'bookinfo-gateway', 'default', { selector: { istio: 'ingressgateway' }, servers: [
    { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
    { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE', credentialName: 'cert' } },
  ] });
  const other = res('Gateway', 'other', 'prod', { selector: { istio: 'ingressgateway' }, servers: [
    { port: { number: 80, name: 'http2', protocol: 'HTTP' }, hosts: ['prod/*.prod.com'] },
    { port: { number: 80, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] },
    { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE' } },
  ] });
  const egress = res('Gateway', 'egress', 'default', { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
  const push = PushContext.build({ configs: [gw, other, egress] });
  const { merged, problems } = push.mergedGateway({ labels: { istio: 'ingressgateway' } });

  it('maps privileged ports as the gateway deployment does and names routes by listener port', () => {
    assert.deepEqual(merged.ports.map((p) => `${p.listenerPort}:${p.servers.length}`), ['8080:2', '8443:1']);
    assert.deepEqual([...merged.serversByRouteName.keys()], ['http.8080', 'https.443.https.bookinfo-gateway.default']);
  });
  it('only selects gateways whose selector matches the proxy', () => {
    assert.deepEqual(merged.gatewayNames, ['default/bookinfo-gateway', 'prod/other']);
  });
  it('reports servers that conflict', () => {
    assert.deepEqual(problems.map((p) => p.resource), ['Gateway prod/other server port 80', 'Gateway prod/other server port 443']);
    assert.match(problems[1]!.message, /duplicate TLS hosts on port 8443: bookinfo\.example\.com/);
  });
});

describe('PeerAuthentication', () => {
  const meshWide = res('PeerAuthentication', 'default', 'istio-system', { mtls: { mode: 'STRICT' } });
  const nsWide = res('PeerAuthentication', 'default', 'legacy', { mtls: { mode: 'DISABLE' } });
  const workload = res('PeerAuthentication', 'reviews', 'default', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { '9080': { mode: 'PERMISSIVE' } } });
  const push = PushContext.build({ configs: [meshWide, nsWide, workload] });
  it('applies mesh, namespace and workload levels in order, UNSET inheriting', () => {
    assert.equal(push.policies.mtlsMode('default', { app: 'ratings' }, 9080), 'STRICT');
    assert.equal(push.policies.mtlsMode('legacy', {}, 9080), 'DISABLE');
    assert.equal(push.policies.mtlsMode('default', { app: 'reviews' }, 9090), 'STRICT');
    assert.equal(push.policies.mtlsMode('default', { app: 'reviews' }, 9080), 'PERMISSIVE');
  });
  it('defaults to PERMISSIVE', () => {
    assert.equal(PushContext.build({ configs: [] }).policies.mtlsMode('default', {}, 80), 'PERMISSIVE');
  });
});
