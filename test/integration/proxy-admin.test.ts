// The admin server: readiness, Envoy and Prometheus stats (with Istio's standard metrics),
// /server_info, /clusters, and /quitquitquit draining the proxy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpGet, startTestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream } from '../../src/proxy/testing/upstream-server.js';

test('admin endpoints describe a running gateway and quitquitquit drains it', async () => {
  const app = await startUpstream('app');
  const proxy = await startTestProxy(
    {
      clusters: [staticCluster('outbound|9080||reviews.default.svc.cluster.local', [app.port])],
      routes: [routeConfig('r', [virtualHost('v', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local' } }])])],
      listeners: [httpListener('0.0.0.0_8080', 0, hcm({ rds: 'r' }), { traffic_direction: 'OUTBOUND' })],
    },
    'router',
    { NAMESPACE: 'istio-system', WORKLOAD_NAME: 'istio-ingressgateway', LABELS: { app: 'istio-ingressgateway' } },
  );
  try {
    const admin = proxy.adminPort();
    const port = proxy.port('0.0.0.0_8080');
    assert.equal((await httpGet(port, '/a')).status, 200);
    assert.equal((await httpGet(port, '/b')).status, 200);

    const ready = await httpGet(admin, '/ready');
    assert.deepEqual([ready.status, ready.body], [200, 'LIVE\n']);

    const prom = await httpGet(admin, '/stats/prometheus');
    assert.match(prom.body, /# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total\{envoy_cluster_name="outbound\|9080\|\|reviews\.default\.svc\.cluster\.local"\} 2\n/);
    assert.match(prom.body, /istio_requests_total\{reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system",[^}]*destination_service="reviews\.default\.svc\.cluster\.local",destination_service_name="reviews",destination_service_namespace="default",[^}]*response_code="200",response_flags="-"[^}]*\} 2\n/);
    assert.match(prom.body, /istio_request_duration_milliseconds_bucket\{[^}]*le="\+Inf"\} 2\n/);

    const json = await httpGet(admin, '/stats?format=json');
    assert.ok(json.json<{ stats: { name: string }[] }>().stats.some((s) => s.name === 'http.test.downstream_rq_2xx'));

    const info = await httpGet(admin, '/server_info');
    assert.equal(info.json<{ state: string }>().state, 'LIVE');

    const clusters = await httpGet(admin, '/clusters?format=json');
    const hosts = clusters.json<{ cluster_statuses: { host_statuses: { stats: { name: string; value: string }[] }[] }[] }>().cluster_statuses[0]!.host_statuses;
    assert.equal(hosts[0]!.stats.find((s) => s.name === 'rq_total')!.value, '2');

    assert.equal((await httpGet(admin, '/quitquitquit')).status, 405);
    const quit = await httpGet(admin, '/quitquitquit', { method: 'POST' });
    assert.equal(quit.status, 200);
    // After draining, the listener stops accepting connections.
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 20));
      refused = await httpGet(port, '/c').then(() => false, () => true);
    }
    assert.ok(refused, 'listener still accepting after quitquitquit');
  } finally {
    await proxy.stop();
    await app.close();
  }
});

test('shutdown drains: a request in flight finishes, new connections are refused', async () => {
  const app = await startUpstream('slow');
  const proxy = await startTestProxy({
    clusters: [staticCluster('slow', [app.port])],
    routes: [routeConfig('r', [virtualHost('v', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'slow' } }])])],
    listeners: [httpListener('l', 0, hcm({ rds: 'r' }))],
  });
  try {
    const port = proxy.port('l');
    const inFlight = httpGet(port, '/slow', { headers: { 'x-test-delay-ms': '300' } });
    await new Promise((r) => setTimeout(r, 50));
    const done = proxy.proxy.shutdown();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.headers.connection, 'close');
    await done;
    await assert.rejects(httpGet(port, '/after'));
  } finally {
    await proxy.stop();
    await app.close();
  }
});

test('a listener that cannot bind keeps /ready at 503, naming the listener', async () => {
  const { createServer } = await import('node:net');
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  const taken = (holder.address() as { port: number }).port;
  const app = await startUpstream('app');
  const proxy = await startTestProxy(
    {
      clusters: [staticCluster('outbound|9080||reviews.default.svc.cluster.local', [app.port])],
      routes: [routeConfig('r', [virtualHost('v', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local' } }])])],
      listeners: [httpListener('127.0.0.1_taken', taken, hcm({ rds: 'r' }), { traffic_direction: 'OUTBOUND' })],
    },
    'router',
    { NAMESPACE: 'istio-system' },
  );
  try {
    const ready = await httpGet(proxy.adminPort(), '/ready');
    assert.equal(ready.status, 503);
    assert.match(ready.body, /127\.0\.0\.1_taken: .*EADDRINUSE/);
  } finally {
    await proxy.stop();
    await app.close();
    holder.close();
  }
});
