// istioctl's proxy-config tables and proxy-status diff, on hand-written config dumps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSummary } from './clusters.js';
import type { ConfigDump, Json } from './config-dump.js';
import { endpointSummary } from './endpoints.js';
import { unifiedDiff } from './line-diff.js';
import { describeChainMatch, listenerSummary } from './listeners.js';
import { describeRouteDomains, routeSummary } from './routes.js';
import { NO_SECRETS, secretSummary } from './secrets.js';
import { compareDumps } from './sync-diff.js';
import { tabWrite } from './tab-writer.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';
const DR = { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews' } } };

test('tabWrite pads every column but the last by its widest cell plus the padding', () => {
  assert.equal(tabWrite([['A', 'BB', 'C'], ['ccc', 'd', '']], 2), 'A    BB  C\nccc  d   \n');
});

test('cluster table: FQDN, port, subset, direction, type and the DestinationRule as name.namespace', () => {
  const clusters: Json[] = [
    { name: 'outbound|9080|v2|reviews.default.svc.cluster.local', type: 'EDS', metadata: DR },
    { name: 'BlackHoleCluster' },
    { name: 'inbound|9080||', type: 'STATIC' },
    { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', type: 'EDS', metadata: DR },
  ];
  assert.equal(clusterSummary(clusters, {}), [
    'SERVICE FQDN                          PORT     SUBSET     DIRECTION     TYPE       DESTINATION RULE',
    '                                      9080     -          inbound       STATIC     ',
    'BlackHoleCluster                      -        -          -             STATIC     ',
    'reviews.default.svc.cluster.local     9080     v1         outbound      EDS        reviews.default',
    'reviews.default.svc.cluster.local     9080     v2         outbound      EDS        reviews.default',
    '',
  ].join('\n'));
  assert.equal(clusterSummary(clusters, { subset: 'v2', port: 9080 }).split('\n').length, 3);
});

test('listener table: a row per filter chain with what it matches and where it sends', () => {
  const listeners: Json[] = [{
    name: '0.0.0.0_9080',
    address: { socket_address: { address: '0.0.0.0', port_value: 9080 } },
    filter_chains: [
      { filter_chain_match: { transport_protocol: 'tls', application_protocols: ['istio-peer-exchange', 'istio'] }, filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster: 'outbound|9080||db' } }] },
      { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { rds: { route_config_name: '9080' } } }] },
    ],
    default_filter_chain: { filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster: 'PassthroughCluster' } }] },
  }];
  assert.equal(listenerSummary(listeners, {}), [
    'ADDRESSES PORT MATCH                    DESTINATION',
    '0.0.0.0   9080 ALL                      Route: 9080',
    '0.0.0.0   9080 ALL                      PassthroughCluster',
    '0.0.0.0   9080 Trans: tls; App: TCP TLS Cluster: outbound|9080||db',
    '',
  ].join('\n'));
  assert.equal(describeChainMatch({ destination_port: 15006, prefix_ranges: [{ address_prefix: '10.0.0.1', prefix_len: 32 }] }), 'Addr: 10.0.0.1/32:15006');
  assert.equal(listenerSummary(listeners, { port: 80 }), 'ADDRESSES PORT MATCH DESTINATION\n');
});

test('route table: one row per route, passthrough left out, an empty virtual host as 404', () => {
  const routes: Json[] = [{
    name: 'http.8080',
    virtual_hosts: [
      { name: 'bookinfo.example.com:80', domains: ['bookinfo.example.com'], routes: [{ match: { path: '/productpage' }, metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/bookinfo' } } } }] },
      { name: 'allow_any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' } }] },
      { name: 'blackhole:80', domains: ['*'], routes: [] },
    ],
  }];
  assert.equal(routeSummary(routes, {}), [
    'NAME          VHOST NAME                  DOMAINS                  MATCH            VIRTUAL SERVICE',
    'http.8080     bookinfo.example.com:80     bookinfo.example.com     /productpage     bookinfo.default',
    'http.8080     blackhole:80                *                        /*               404',
    '',
  ].join('\n'));
  assert.equal(describeRouteDomains(['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '10.96.0.1', 'reviews:9080']), 'reviews, reviews.default + 1 more...');
});

test('endpoint table: sorted by address and port, outlier ejection as FAILED, filters', () => {
  const statuses = {
    cluster_statuses: [{
      name: 'outbound|9080||reviews',
      host_statuses: [
        { address: { socket_address: { address: '10.0.0.6', port_value: 9080 } }, health_status: { eds_health_status: 'HEALTHY', failed_outlier_check: true } },
        { address: { socket_address: { address: '10.0.0.5', port_value: 9080 } }, health_status: { eds_health_status: 'HEALTHY' } },
      ],
    }],
  };
  assert.equal(endpointSummary(statuses, {}), [
    'ENDPOINT          STATUS      OUTLIER CHECK     CLUSTER',
    '10.0.0.5:9080     HEALTHY     OK                outbound|9080||reviews',
    '10.0.0.6:9080     HEALTHY     FAILED            outbound|9080||reviews',
    '',
  ].join('\n'));
  assert.equal(endpointSummary(statuses, { address: '10.0.0.6' }).split('\n').length, 3);
  assert.equal(endpointSummary(statuses, { status: 'unhealthy' }).split('\n').length, 2);
});

test('a dump without secrets says so', () => {
  assert.equal(secretSummary(undefined), `${NO_SECRETS}\n`);
});

function dump(clusters: Json[]): ConfigDump {
  return {
    configs: [
      { '@type': `${ADMIN}ClustersConfigDump`, dynamic_active_clusters: clusters.map((cluster) => ({ version_info: 'v', cluster })) },
      { '@type': `${ADMIN}ListenersConfigDump`, dynamic_listeners: [] },
      { '@type': `${ADMIN}RoutesConfigDump`, dynamic_route_configs: [] },
    ],
  };
}

test('proxy-status POD diffs what the control plane would send against what the proxy runs', () => {
  const same = compareDumps(dump([{ name: 'a', type: 'EDS' }]), dump([{ name: 'a', type: 'EDS' }]));
  assert.equal(same, 'Clusters Match\nListeners Match\nRoutes Match\n');
  const differ = compareDumps(dump([{ name: 'a', type: 'EDS', connect_timeout: '1s' }]), dump([{ name: 'a', type: 'EDS', connect_timeout: '10s' }]));
  assert.equal(differ, [
    'Clusters Don\'t Match',
    '--- Istiod Clusters',
    '+++ Envoy Clusters',
    '@@ -1,7 +1,7 @@',
    ' [',
    '     {',
    '         "name": "a",',
    '         "type": "EDS",',
    '-        "connect_timeout": "1s"',
    '+        "connect_timeout": "10s"',
    '     }',
    ' ]',
    '',
    'Listeners Match',
    'Routes Match',
    '',
  ].join('\n'));
});

test('unifiedDiff keeps separate hunks apart and numbers their lines', () => {
  const a = Array.from({ length: 30 }, (_, i) => `line ${i}`);
  const b = [...a];
  b[2] = 'changed 2';
  b[25] = 'changed 25';
  const diff = unifiedDiff(a.join('\n'), b.join('\n'), 'a', 'b', 2);
  assert.deepEqual(diff.split('\n').filter((l) => l.startsWith('@@')), ['@@ -1,5 +1,5 @@', '@@ -24,5 +24,5 @@']);
  assert.equal(unifiedDiff('x\n', 'x\n', 'a', 'b'), '');
});
