// DestinationRule traffic policy → Envoy cluster fields (Istio's cluster_traffic_policy.go):
// connection pool → circuit breaker thresholds and connection options, outlier detection, and the
// load balancer.
import type { ConnectionPoolSettings, LoadBalancerSettings, OutlierDetection } from '../model/api-types.js';
import { parseDurationMs } from '../../config/schemas/common.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { protoDuration, typed, type Json } from './envoy-common.js';

const MAX_UINT32 = 4294967295;

/** Istio lifts Envoy's small default limits: everything unlimited unless the DestinationRule says. */
function defaultThresholds(): Json {
  return { max_connections: MAX_UINT32, max_pending_requests: MAX_UINT32, max_requests: MAX_UINT32, max_retries: MAX_UINT32, track_remaining: true };
}

/** Upstream HTTP protocol options the cluster needs (idle timeout, h2, …), before packing. */
export interface HttpProtocolOptions {
  common?: Json;
  upstream?: Json;
  http2?: boolean;
  useDownstream?: boolean;
}

export function applyConnectionPool(cluster: Json, pool: ConnectionPoolSettings | undefined, connectTimeout: string, options: HttpProtocolOptions): void {
  const threshold = defaultThresholds();
  cluster.connect_timeout = protoDuration(pool?.tcp?.connectTimeout ?? connectTimeout);
  const http = pool?.http;
  if (http?.http2MaxRequests) threshold.max_requests = http.http2MaxRequests;
  if (http?.http1MaxPendingRequests) threshold.max_pending_requests = http.http1MaxPendingRequests;
  if (http?.maxRetries) threshold.max_retries = http.maxRetries;
  if (pool?.tcp?.maxConnections) threshold.max_connections = pool.tcp.maxConnections;
  cluster.circuit_breakers = { thresholds: [threshold] };

  const idleTimeout = http?.idleTimeout ?? pool?.tcp?.idleTimeout;
  const common: Json = {};
  if (idleTimeout) common.idle_timeout = protoDuration(idleTimeout);
  if (http?.maxRequestsPerConnection) common.max_requests_per_connection = http.maxRequestsPerConnection;
  if (pool?.tcp?.maxConnectionDuration) common.max_connection_duration = protoDuration(pool.tcp.maxConnectionDuration);
  if (Object.keys(common).length) options.common = { ...options.common, ...common };
  if (http?.useClientProtocol) options.useDownstream = true;
  if (pool?.tcp?.tcpKeepalive) {
    const k = pool.tcp.tcpKeepalive;
    const keepalive: Json = {};
    if (k.probes) keepalive.keepalive_probes = k.probes;
    if (k.time) keepalive.keepalive_time = Math.floor(durationMs(k.time) / 1000);
    if (k.interval) keepalive.keepalive_interval = Math.floor(durationMs(k.interval) / 1000);
    cluster.upstream_connection_options = { tcp_keepalive: keepalive };
  }
}

function durationMs(d: string): number {
  return parseDurationMs(d) ?? 0;
}

/** Istio's applyOutlierDetection. Returns whether outlier detection is on (locality LB needs it). */
export function applyOutlierDetection(cluster: Json, od: OutlierDetection | undefined): boolean {
  if (!od) return false;
  const out: Json = { enforcing_success_rate: 0 };
  const consecutive5xx = od.consecutive5xxErrors ?? od.consecutiveErrors;
  if (consecutive5xx !== undefined) {
    out.consecutive_5xx = consecutive5xx;
    out.enforcing_consecutive_5xx = consecutive5xx > 0 ? 100 : 0;
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    out.consecutive_gateway_failure = od.consecutiveGatewayErrors;
    out.enforcing_consecutive_gateway_failure = od.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (od.interval) out.interval = protoDuration(od.interval);
  if (od.baseEjectionTime) out.base_ejection_time = protoDuration(od.baseEjectionTime);
  if (od.maxEjectionPercent) out.max_ejection_percent = od.maxEjectionPercent;
  if (od.splitExternalLocalOriginErrors) {
    out.split_external_local_origin_errors = true;
    if (od.consecutiveLocalOriginFailures) {
      out.consecutive_local_origin_failure = od.consecutiveLocalOriginFailures;
      out.enforcing_consecutive_local_origin_failure = 100;
    }
    out.enforcing_local_origin_success_rate = 0;
  }
  cluster.outlier_detection = out;
  // Istio turns Envoy's panic threshold off unless minHealthPercent asks for one: with few pods,
  // panic mode would send traffic to the ejected ones.
  const common = (cluster.common_lb_config ?? {}) as Json;
  common.healthy_panic_threshold = { value: od.minHealthPercent ?? 0 };
  cluster.common_lb_config = common;
  return true;
}

/** Istio's applyLoadBalancer: LEAST_REQUEST unless the DestinationRule picks another. */
export function applyLoadBalancer(cluster: Json, lb: LoadBalancerSettings | undefined): void {
  switch (lb?.simple) {
    case 'LEAST_CONN':
    case 'LEAST_REQUEST':
      cluster.lb_policy = 'LEAST_REQUEST';
      break;
    case 'RANDOM':
      cluster.lb_policy = 'RANDOM';
      break;
    case 'ROUND_ROBIN':
      cluster.lb_policy = 'ROUND_ROBIN';
      break;
    case 'PASSTHROUGH':
      cluster.lb_policy = 'CLUSTER_PROVIDED';
      cluster.type = 'ORIGINAL_DST';
      delete cluster.eds_cluster_config;
      delete cluster.load_assignment;
      break;
    default:
      cluster.lb_policy = 'LEAST_REQUEST';
  }
  if (lb?.warmupDurationSecs && (cluster.lb_policy === 'ROUND_ROBIN' || cluster.lb_policy === 'LEAST_REQUEST')) {
    const key = cluster.lb_policy === 'ROUND_ROBIN' ? 'round_robin_lb_config' : 'least_request_lb_config';
    cluster[key] = { slow_start_config: { slow_start_window: protoDuration(lb.warmupDurationSecs) } };
  }
  const hash = lb?.consistentHash;
  if (!hash) return;
  if (hash.maglev) {
    cluster.lb_policy = 'MAGLEV';
    if (hash.maglev.tableSize) cluster.maglev_lb_config = { table_size: String(hash.maglev.tableSize) };
  } else if (hash.ringHash) {
    cluster.lb_policy = 'RING_HASH';
    if (hash.ringHash.minimumRingSize) cluster.ring_hash_lb_config = { minimum_ring_size: String(hash.ringHash.minimumRingSize) };
  } else {
    cluster.lb_policy = 'RING_HASH';
    cluster.ring_hash_lb_config = { minimum_ring_size: String(hash.minimumRingSize || 1024) };
  }
}

/** Packs collected protocol options into `typed_extension_protocol_options`. */
export function applyHttpProtocolOptions(cluster: Json, options: HttpProtocolOptions): void {
  if (!options.common && !options.upstream && !options.http2 && !options.useDownstream) return;
  const value: Json = {};
  if (options.common) value.common_http_protocol_options = options.common;
  if (options.upstream) value.upstream_http_protocol_options = options.upstream;
  if (options.useDownstream) value.use_downstream_protocol_config = { http_protocol_options: {}, http2_protocol_options: {} };
  else if (options.http2) value.explicit_http_config = { http2_protocol_options: {} };
  else value.explicit_http_config = { http_protocol_options: {} };
  cluster.typed_extension_protocol_options = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(TYPE_URL.HTTP_PROTOCOL_OPTIONS, value) };
}
