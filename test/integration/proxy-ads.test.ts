// The proxy's ADS client against a scripted ADS server: subscription order (CDS, LDS, then EDS and
// RDS for what they name), ACKs, a NACK that keeps the last good config serving, and reconnecting
// with the known versions while the proxy keeps serving traffic.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL } from '../../src/xds/type-urls.js';
import { startProxy, type RunningProxy } from '../../src/proxy/main.js';
import { FakeAdsServer } from '../../src/proxy/testing/fake-ads-server.js';
import { httpGet } from '../../src/proxy/testing/harness.js';
import { edsCluster, hcm, httpListener, loadAssignment, routeConfig, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const CLUSTER = 'outbound|9080||reviews.default.svc.cluster.local';
let ads: FakeAdsServer;
let upstream: TestUpstream;
let proxy: RunningProxy;

function route(version: string, extra: Record<string, unknown> = {}) {
  return routeConfig('8080', [virtualHost('reviews', ['*'], [{ name: `v${version}`, match: { prefix: '/' }, route: { cluster: CLUSTER }, ...extra }])]);
}

before(async () => {
  upstream = await startUpstream('reviews');
  ads = new FakeAdsServer();
  await ads.start();
  proxy = await startProxy({
    role: 'router',
    nodeId: 'router~127.0.0.1~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local',
    xdsAddress: `127.0.0.1:${ads.port}`,
    adminPort: 0,
    log: () => undefined,
  });
});

after(async () => {
  await proxy.stop();
  await ads.stop();
  await upstream.close();
});

test('subscribes to CDS and LDS, then EDS and RDS for what they name, ACKing each', async () => {
  const cds = await ads.waitFor((r) => r.type_url === TYPE_URL.CLUSTER);
  assert.equal(cds.node?.id, 'router~127.0.0.1~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local');
  assert.deepEqual(cds.resource_names, []);
  await ads.waitFor((r) => r.type_url === TYPE_URL.LISTENER);

  const n1 = ads.push(TYPE_URL.CLUSTER, 'c1', [edsCluster(CLUSTER)]);
  await ads.waitFor((r) => r.type_url === TYPE_URL.CLUSTER && r.response_nonce === n1 && r.version_info === 'c1' && !r.error_detail);
  await ads.waitFor((r) => r.type_url === TYPE_URL.CLUSTER_LOAD_ASSIGNMENT && r.resource_names.includes(CLUSTER));

  const n2 = ads.push(TYPE_URL.LISTENER, 'l1', [httpListener('0.0.0.0_8080', 0, hcm({ rds: '8080' }))]);
  await ads.waitFor((r) => r.type_url === TYPE_URL.LISTENER && r.response_nonce === n2 && r.version_info === 'l1');
  await ads.waitFor((r) => r.type_url === TYPE_URL.ROUTE_CONFIGURATION && r.resource_names.join() === '8080');

  const n3 = ads.push(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, 'e1', [loadAssignment(CLUSTER, [upstream.port])]);
  const n4 = ads.push(TYPE_URL.ROUTE_CONFIGURATION, 'r1', [route('1')]);
  await ads.waitFor((r) => r.response_nonce === n3 && r.version_info === 'e1');
  await ads.waitFor((r) => r.response_nonce === n4 && r.version_info === 'r1');

  await proxy.ready();
  const port = proxy.listenerAddress('0.0.0.0_8080')!.port;
  const res = await httpGet(port, '/reviews', { headers: { host: 'reviews' } });
  assert.equal(res.status, 200);
  assert.equal(res.json().upstream, 'reviews');
});

test('a resource that cannot be honoured is NACKed with its field path; the last good config keeps serving', async () => {
  const bad = route('2', { match: { safe_regex: { regex: '(?<=x)y' } } });
  const nonce = ads.push(TYPE_URL.ROUTE_CONFIGURATION, 'r2', [bad]);
  const nack = await ads.waitFor((r) => r.response_nonce === nonce);
  assert.equal(nack.version_info, 'r1');
  assert.equal(nack.error_detail?.code, 3);
  assert.match(nack.error_detail!.message, /RouteConfiguration 8080: virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex: lookaround/);
  const port = proxy.listenerAddress('0.0.0.0_8080')!.port;
  assert.equal((await httpGet(port, '/still', { headers: { host: 'reviews' } })).status, 200);
  const dump = await httpGet(proxy.adminAddress()!.port, '/config_dump');
  assert.match(dump.body, /"name": "v1"/);
});

test('a listener that cannot be served is NACKed while the valid listeners in the same push apply', async () => {
  const tls = {
    ...httpListener('0.0.0.0_8443', 0, hcm({ rds: '8080' })),
    filter_chains: [
      {
        filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm({ rds: '8080' }) }],
        transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext' } },
      },
    ],
  };
  const nonce = ads.push(TYPE_URL.LISTENER, 'l2', [httpListener('0.0.0.0_8080', 0, hcm({ rds: '8080' })), httpListener('extra', 0, hcm({ rds: '8080' })), tls]);
  const nack = await ads.waitFor((r) => r.response_nonce === nonce);
  assert.equal(nack.version_info, 'l1');
  assert.match(nack.error_detail!.message, /^Listener 0\.0\.0\.0_8443: filter_chains\[0\]\.transport_socket\.typed_config\.common_tls_context: a downstream TLS context needs a certificate/);
  const extra = proxy.listenerAddress('extra');
  assert.ok(extra, 'the valid new listener was bound');
  assert.equal((await httpGet(extra.port, '/', { headers: { host: 'reviews' } })).status, 200);
  assert.equal(proxy.listenerAddress('0.0.0.0_8443'), undefined);
  const fixed = ads.push(TYPE_URL.LISTENER, 'l3', [httpListener('0.0.0.0_8080', 0, hcm({ rds: '8080' }))]);
  await ads.waitFor((r) => r.response_nonce === fixed && r.version_info === 'l3' && !r.error_detail);
  assert.equal(proxy.listenerAddress('extra'), undefined);
});

test('clusters naming SDS secrets subscribe to them over ADS', async () => {
  const tlsCluster = {
    ...edsCluster(CLUSTER),
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: {
          tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { ads: {}, resource_api_version: 'V3' } }],
          validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: { ads: {}, resource_api_version: 'V3' } },
        },
      },
    },
  };
  const n1 = ads.push(TYPE_URL.CLUSTER, 'c-tls', [tlsCluster]);
  await ads.waitFor((r) => r.response_nonce === n1 && r.version_info === 'c-tls');
  const sds = await ads.waitFor((r) => r.type_url === TYPE_URL.SECRET && r.resource_names.join() === 'ROOTCA,default');
  assert.equal(sds.version_info, '');
  const n2 = ads.push(TYPE_URL.SECRET, 's1', [{ name: 'ROOTCA', validation_context: { trusted_ca: { inline_string: 'not checked until used' } } }]);
  await ads.waitFor((r) => r.response_nonce === n2 && r.version_info === 's1');
  // Back to the plaintext cluster: the secret subscription goes away.
  const n3 = ads.push(TYPE_URL.CLUSTER, 'c1', [edsCluster(CLUSTER)]);
  await ads.waitFor((r) => r.response_nonce === n3 && r.version_info === 'c1');
  await ads.waitFor((r) => r.type_url === TYPE_URL.SECRET && r.resource_names.length === 0);
});

test('endpoint updates apply without touching routes', async () => {
  const second = await startUpstream('reviews-2');
  try {
    const nonce = ads.push(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, 'e2', [loadAssignment(CLUSTER, [second.port])]);
    await ads.waitFor((r) => r.response_nonce === nonce && r.version_info === 'e2');
    const port = proxy.listenerAddress('0.0.0.0_8080')!.port;
    assert.equal((await httpGet(port, '/', { headers: { host: 'reviews' } })).json().upstream, 'reviews-2');
  } finally {
    const restore = ads.push(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, 'e3', [loadAssignment(CLUSTER, [upstream.port])]);
    await ads.waitFor((r) => r.response_nonce === restore);
    await second.close();
  }
});

test('when the control plane goes away the proxy keeps serving, then reconnects with its versions', async () => {
  const port = proxy.listenerAddress('0.0.0.0_8080')!.port;
  const adsPort = ads.port;
  await ads.stop();
  assert.equal((await httpGet(port, '/', { headers: { host: 'reviews' } })).status, 200);
  const admin = proxy.adminAddress()!.port;
  assert.match((await httpGet(admin, '/stats?filter=control_plane')).body, /control_plane\.connected_state: 0/);

  ads = new FakeAdsServer();
  await ads.start(adsPort);
  const cds = await ads.waitFor((r) => r.type_url === TYPE_URL.CLUSTER, 15_000);
  assert.equal(cds.version_info, 'c1');
  assert.equal(cds.response_nonce, '');
  const eds = await ads.waitFor((r) => r.type_url === TYPE_URL.CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(eds.resource_names, [CLUSTER]);
  assert.equal(eds.version_info, 'e3');
  const rds = await ads.waitFor((r) => r.type_url === TYPE_URL.ROUTE_CONFIGURATION);
  assert.equal(rds.version_info, 'r1');
  const lds = await ads.waitFor((r) => r.type_url === TYPE_URL.LISTENER);
  assert.equal(lds.version_info, 'l3');
  assert.equal((await httpGet(port, '/', { headers: { host: 'reviews' } })).status, 200);
});
