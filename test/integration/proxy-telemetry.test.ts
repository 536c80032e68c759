// Two sidecars talking: Istio metadata exchange fills the peer labels of istio_requests_total on
// both sides (reporter source and destination), and the exchange headers never reach the app.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpGet, startTestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream } from '../../src/proxy/testing/upstream-server.js';

test('metadata exchange labels both ends of a sidecar-to-sidecar request', async () => {
  const app = await startUpstream('reviews-app');
  const server = await startTestProxy(
    {
      clusters: [staticCluster('inbound|9080||', [app.port])],
      listeners: [
        httpListener('127.0.0.1_9080', 0, hcm({ routeConfig: routeConfig('inbound|9080||', [virtualHost('inbound', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'inbound|9080||' } }])]) }), {
          traffic_direction: 'INBOUND',
        }),
      ],
    },
    'sidecar',
    { NAMESPACE: 'default', WORKLOAD_NAME: 'reviews-v2', LABELS: { app: 'reviews', version: 'v2' }, CLUSTER_ID: 'Kubernetes' },
  );
  const client = await startTestProxy(
    {
      clusters: [staticCluster('outbound|9080||reviews.default.svc.cluster.local', [server.port('127.0.0.1_9080')])],
      routes: [routeConfig('http_proxy', [virtualHost('reviews', ['reviews:9080'], [{ match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local' } }])])],
      listeners: [httpListener('127.0.0.1_15080', 0, hcm({ rds: 'http_proxy' }), { traffic_direction: 'OUTBOUND' })],
    },
    'sidecar',
    { NAMESPACE: 'default', WORKLOAD_NAME: 'productpage-v1', LABELS: { app: 'productpage', version: 'v1' }, CLUSTER_ID: 'Kubernetes' },
  );
  try {
    const res = await httpGet(client.port('127.0.0.1_15080'), '', { absoluteUrl: 'http://reviews:9080/reviews/1', headers: { host: 'reviews:9080' } });
    assert.equal(res.status, 200);
    const seen = res.json<{ headers: Record<string, string> }>();
    assert.equal(seen.headers['x-envoy-peer-metadata'], undefined);
    assert.equal(res.headers['x-envoy-peer-metadata'], undefined);

    const source = (await httpGet(client.adminPort(), '/stats/prometheus')).body;
    assert.match(
      source,
      /istio_requests_total\{reporter="source",source_workload="productpage-v1",source_workload_namespace="default",source_app="productpage",source_version="v1",source_cluster="Kubernetes",destination_workload="reviews-v2",destination_workload_namespace="default",destination_app="reviews",destination_version="v2",destination_service="reviews\.default\.svc\.cluster\.local",destination_service_name="reviews",destination_service_namespace="default",destination_cluster="Kubernetes",request_protocol="http",response_code="200",response_flags="-",connection_security_policy="unknown"\} 1/,
    );
    const destination = (await httpGet(server.adminPort(), '/stats/prometheus')).body;
    assert.match(
      destination,
      /istio_requests_total\{reporter="destination",source_workload="productpage-v1",source_workload_namespace="default",source_app="productpage",source_version="v1",[^}]*destination_workload="reviews-v2",[^}]*destination_service="reviews\.default\.svc\.cluster\.local",[^}]*response_code="200"[^}]*\} 1/,
    );
  } finally {
    await client.stop();
    await server.stop();
    await app.close();
  }
});
