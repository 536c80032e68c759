import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCluster } from './cluster.js';
import { compileLoadAssignment } from './load-assignment.js';
import { compile } from './test-helpers.js';

test('an Istio outbound EDS cluster compiles with its policies', () => {
  const { value, errors } = compile(compileCluster, {
    name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: 'outbound|9080|v1|reviews.default.svc.cluster.local' },
    connect_timeout: '10s',
    lb_policy: 'LEAST_REQUEST',
    circuit_breakers: { thresholds: [{ max_connections: 4294967295, max_pending_requests: 10, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] },
    outlier_detection: { consecutive_5xx: 3, interval: '10s', base_ejection_time: '30s', enforcing_success_rate: 0 },
    common_lb_config: { healthy_panic_threshold: { value: 0 }, locality_weighted_lb_config: {} },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        common_http_protocol_options: { idle_timeout: '3600s', max_requests_per_connection: 1 },
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    metadata: { filter_metadata: { istio: { services: [{ host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' }] } } },
  });
  assert.deepEqual(errors, []);
  const c = value!;
  assert.equal(c.edsServiceName, 'outbound|9080|v1|reviews.default.svc.cluster.local');
  assert.equal(c.connectTimeoutMs, 10_000);
  assert.equal(c.lb.policy, 'LEAST_REQUEST');
  assert.equal(c.lb.healthyPanicThreshold, 0);
  assert.equal(c.lb.localityWeighted, true);
  assert.equal(c.circuitBreakers.maxPendingRequests, 10);
  assert.equal(c.circuitBreakers.maxConnections, Number.MAX_SAFE_INTEGER);
  assert.equal(c.outlierDetection!.consecutive5xx, 3);
  assert.equal(c.outlierDetection!.enforcingSuccessRate, 0);
  assert.deepEqual(c.protocol, { protocol: 'http2', idleTimeoutMs: 3_600_000, maxRequestsPerConnection: 1 });
});

test('cluster errors name the field that cannot be honoured', () => {
  const { errors } = compile(compileCluster, {
    name: 'x',
    type: 'ORIGINAL_DST',
    lb_policy: 'ROUND_ROBIN',
    health_checks: [{}],
    maglev_lb_config: { table_size: 100 },
    circuit_breakers: { thresholds: [{ retry_budget: { budget_percent: { value: 20 } } }] },
    transport_socket: { name: 'alts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts' } },
  });
  assert.deepEqual(errors, [
    'health_checks: is not supported by the Skiff proxy',
    'lb_policy: an ORIGINAL_DST cluster requires lb_policy CLUSTER_PROVIDED',
    'maglev_lb_config.table_size: must be a prime number, got 100',
    'circuit_breakers.thresholds[0].retry_budget: retry budgets are not supported by the Skiff proxy; use max_retries',
    'transport_socket.typed_config: transport socket envoy.extensions.transport_sockets.alts.v3.Alts is not supported here; expected envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer or envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  ]);
});

test('load assignments keep priority, locality weight, health and metadata', () => {
  const { value, errors } = compile(compileLoadAssignment, {
    cluster_name: 'c',
    endpoints: [
      { locality: { region: 'r1', zone: 'z1' }, load_balancing_weight: 3, priority: 0, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } }, health_status: 'HEALTHY', load_balancing_weight: 2 }] },
      { locality: { region: 'r2' }, priority: 1, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.2', port_value: 80 } } }, health_status: 'UNHEALTHY', metadata: { filter_metadata: { istio: { workload: 'w' } } } }] },
    ],
    policy: { overprovisioning_factor: 140 },
  });
  assert.deepEqual(errors, []);
  const [a, b] = value!.endpoints;
  assert.deepEqual([a!.priority, a!.localityWeight, a!.weight, a!.health, a!.locality.zone], [0, 3, 2, 'HEALTHY', 'z1']);
  assert.deepEqual([b!.priority, b!.localityWeight, b!.health], [1, undefined, 'UNHEALTHY']);
  assert.equal(value!.overprovisioningFactor, 1.4);
});
