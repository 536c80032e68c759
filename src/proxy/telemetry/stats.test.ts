import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatsStore } from './stats.js';

test('a scoped stat is one object per name, named and labelled as Envoy does', () => {
  const store = new StatsStore();
  const a = store.scoped('counter', 'cluster', 'cluster_name', 'outbound|9080||reviews.default.svc.cluster.local', 'upstream_rq_total');
  const again = store.scoped('counter', 'cluster', 'cluster_name', 'outbound|9080||reviews.default.svc.cluster.local', 'upstream_rq_total');
  const other = store.scoped('gauge', 'cluster', 'cluster_name', 'outbound|9080||reviews.default.svc.cluster.local', 'upstream_rq_active');
  const b = store.scoped('counter', 'cluster', 'cluster_name', 'inbound|9080||', 'upstream_rq_total');
  assert.equal(again, a);
  assert.notEqual(b, a);
  a.value += 3;
  b.value += 1;
  other.value = 2;
  store.plain('gauge', 'server.live').value = 1;
  assert.equal(a.name, 'cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total');
  assert.equal(a.promName, 'envoy_cluster_upstream_rq_total');
  assert.equal(a.promLabels, 'envoy_cluster_name="outbound|9080||reviews.default.svc.cluster.local"');
  assert.equal(other.kind, 'gauge');
  assert.equal(
    store.formatText(),
    [
      'cluster.inbound|9080||.upstream_rq_total: 1',
      'cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_active: 2',
      'cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total: 3',
      'server.live: 1',
      '',
    ].join('\n'),
  );
  assert.equal(
    store.formatPrometheus(),
    [
      '# TYPE envoy_cluster_upstream_rq_active gauge',
      'envoy_cluster_upstream_rq_active{envoy_cluster_name="outbound|9080||reviews.default.svc.cluster.local"} 2',
      '# TYPE envoy_cluster_upstream_rq_total counter',
      'envoy_cluster_upstream_rq_total{envoy_cluster_name="outbound|9080||reviews.default.svc.cluster.local"} 3',
      'envoy_cluster_upstream_rq_total{envoy_cluster_name="inbound|9080||"} 1',
      '# TYPE envoy_server_live gauge',
      'envoy_server_live 1',
      '',
    ].join('\n'),
  );
});

test('labelled stats and histograms keep their own labels', () => {
  const store = new StatsStore();
  const labels = 'reporter="source",response_code="200"';
  const c = store.labelled('counter', 'istio_requests_total', labels);
  assert.equal(store.labelled('counter', 'istio_requests_total', labels), c);
  c.value++;
  assert.equal(c.name, `istio_requests_total{${labels}}`);
  assert.match(store.formatPrometheus(), /^# TYPE istio_requests_total counter\nistio_requests_total\{reporter="source",response_code="200"\} 1\n$/);
});
