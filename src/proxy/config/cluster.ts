// envoy.config.cluster.v3.Cluster: discovery type, load balancer, circuit breakers, outlier
// detection and upstream connection settings.

import { sharedValue } from './intern.js';
import { compileLoadAssignment, type LoadAssignment } from './load-assignment.js';
import { compileOutlierDetection, type OutlierDetectionConfig } from './outlier-detection.js';
import { percent } from './percent.js';
import { anyTypeName, ErrorSink, isObject, MessageReader } from './reader.js';
import { compileUpstreamProtocol, type UpstreamProtocolOptions } from './upstream-protocol.js';
import { compileTransportSocket, PLAINTEXT, type TransportSocket } from './tls-context.js';

export type ClusterType = 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
const CLUSTER_TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'] as const;

export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV' | 'CLUSTER_PROVIDED';
const LB_POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED', 'LOAD_BALANCING_POLICY_CONFIG'] as const;

export interface CircuitBreakerThresholds {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface LoadBalancerConfig {
  readonly policy: LbPolicy;
  readonly choiceCount: number;
  readonly ringMinimumSize: number;
  readonly ringMaximumSize: number;
  readonly maglevTableSize: number;
  /** common_lb_config.healthy_panic_threshold as a ratio; 0 disables panic mode. */
  readonly healthyPanicThreshold: number;
  readonly localityWeighted: boolean;
}

export interface Cluster {
  readonly name: string;
  readonly statName: string;
  readonly type: ClusterType;
  /** The ClusterLoadAssignment name to subscribe to (EDS). */
  readonly edsServiceName: string;
  readonly loadAssignment?: LoadAssignment;
  readonly connectTimeoutMs: number;
  readonly lb: LoadBalancerConfig;
  readonly circuitBreakers: CircuitBreakerThresholds;
  readonly outlierDetection?: OutlierDetectionConfig;
  readonly protocol: UpstreamProtocolOptions;
  readonly originalDst: { readonly useHttpHeader: boolean; readonly headerName: string };
  readonly dnsRefreshRateMs: number;
  readonly cleanupIntervalMs: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** transport_socket: plaintext unless set. */
  readonly transportSocket: TransportSocket;
  /** transport_socket_matches, chosen per endpoint by its envoy.transport_socket_match metadata. */
  readonly transportSocketMatches: readonly TransportSocketMatch[];
}

export interface TransportSocketMatch {
  readonly name: string;
  readonly match: Readonly<Record<string, unknown>>;
  readonly socket: TransportSocket;
}

const CLUSTER_SPEC = {
  fields: [
    '@type', 'name', 'alt_stat_name', 'type', 'cluster_type', 'eds_cluster_config', 'connect_timeout', 'lb_policy',
    'load_assignment', 'health_checks', 'max_requests_per_connection', 'circuit_breakers', 'upstream_http_protocol_options',
    'common_http_protocol_options', 'http_protocol_options', 'http2_protocol_options', 'typed_extension_protocol_options',
    'dns_refresh_rate', 'dns_lookup_family', 'outlier_detection', 'cleanup_interval', 'lb_subset_config', 'ring_hash_lb_config',
    'maglev_lb_config', 'original_dst_lb_config', 'least_request_lb_config', 'round_robin_lb_config', 'common_lb_config',
    'transport_socket', 'transport_socket_matches', 'metadata', 'protocol_selection', 'filters', 'load_balancing_policy',
    'upstream_config', 'dns_resolvers', 'typed_dns_resolver_config', 'lrs_server',
  ],
  ignored: {
    per_connection_buffer_limit_bytes: 'bodies stream with backpressure instead of fixed buffers',
    upstream_connection_options: 'TCP keepalive tuning does not change request handling',
    respect_dns_ttl: 'DNS clusters re-resolve on dns_refresh_rate',
    dns_failure_refresh_rate: 'DNS clusters re-resolve on dns_refresh_rate',
    use_tcp_for_dns_lookups: 'the system resolver is used',
    dns_jitter: 'the system resolver is used',
    close_connections_on_host_health_failure: 'no active health checks are configured',
    ignore_health_on_host_removal: 'no active health checks are configured',
    track_timeout_budgets: 'timeout budget histograms are not emitted',
    track_cluster_stats: 'extra cluster stats are not emitted',
    wait_for_warm_on_init: 'clusters are usable as soon as they are compiled',
    preconnect_policy: 'connections are made on demand',
    connection_pool_per_downstream_connection: 'connection pools are shared per endpoint',
    upstream_bind_config: 'the system chooses the source address',
  },
};

const POLICY_TYPES: Record<string, LbPolicy> = {
  'envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin': 'ROUND_ROBIN',
  'envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest': 'LEAST_REQUEST',
  'envoy.extensions.load_balancing_policies.random.v3.Random': 'RANDOM',
  'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash': 'RING_HASH',
  'envoy.extensions.load_balancing_policies.maglev.v3.Maglev': 'MAGLEV',
};

export function compileCluster(value: unknown, path: string, sink: ErrorSink): Cluster | undefined {
  const r = MessageReader.of(value, path, sink, CLUSTER_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const name = r.string('name', { required: true }) ?? '';
  for (const unsupported of ['cluster_type', 'health_checks', 'lb_subset_config', 'filters', 'upstream_config', 'lrs_server', 'dns_resolvers', 'typed_dns_resolver_config']) {
    if (r.has(unsupported) && !(Array.isArray(r.raw(unsupported)) && (r.raw(unsupported) as unknown[]).length === 0)) {
      r.error(unsupported, 'is not supported by the Skiff proxy');
    }
  }
  for (const deprecated of ['max_requests_per_connection', 'upstream_http_protocol_options', 'common_http_protocol_options', 'http_protocol_options', 'http2_protocol_options', 'protocol_selection']) {
    if (r.has(deprecated)) r.error(deprecated, 'deprecated protocol fields are not supported; use typed_extension_protocol_options');
  }
  const type = r.enumValue('type', CLUSTER_TYPES, 'STATIC');
  const eds = r.message('eds_cluster_config', { fields: ['eds_config', 'service_name'] });
  if (eds) {
    const source = eds.message('eds_config', {
      fields: ['ads', 'path', 'path_config_source', 'api_config_source', 'self', 'resource_api_version', 'authorities'],
      ignored: { initial_fetch_timeout: 'the proxy serves whatever endpoints it has while waiting' },
    });
    if (source && !source.has('ads') && !source.has('self')) source.error('', 'only ADS (ads: {}) is supported as the EDS config source');
  }
  if (type === 'EDS' && r.has('load_assignment')) r.error('load_assignment', 'an EDS cluster takes its endpoints from EDS, not load_assignment');
  // A STATIC cluster may have no endpoints at all (Istio's BlackHoleCluster).
  if ((type === 'STRICT_DNS' || type === 'LOGICAL_DNS') && !r.has('load_assignment')) {
    r.error('load_assignment', `is required for a ${type} cluster`);
  }
  const loadAssignment = r.has('load_assignment') ? compileLoadAssignment(r.raw('load_assignment'), r.at('load_assignment'), sink) : undefined;
  if (type === 'LOGICAL_DNS' && loadAssignment && loadAssignment.endpoints.length !== 1) {
    r.error('load_assignment', 'a LOGICAL_DNS cluster must have exactly one endpoint');
  }
  if (type === 'STATIC' && loadAssignment) {
    for (const [i, e] of loadAssignment.endpoints.entries()) {
      if (!isIpLiteral(e.address)) r.error('load_assignment', `endpoint ${i} address ${JSON.stringify(e.address)} is not an IP address, as a STATIC cluster requires`);
    }
  }
  const lb = compileLoadBalancer(r, type, sink);
  const circuitBreakers = compileCircuitBreakers(r);
  const outlierDetection = r.has('outlier_detection') ? compileOutlierDetection(r.raw('outlier_detection'), r.at('outlier_detection'), sink) : undefined;
  const transportSocket = r.has('transport_socket') ? compileTransportSocket(r.raw('transport_socket'), r.at('transport_socket'), sink, 'upstream') : PLAINTEXT;
  const transportSocketMatches: TransportSocketMatch[] = [];
  for (const m of r.list('transport_socket_matches')) {
    const mr = MessageReader.of(m.value, m.path, sink, { fields: ['name', 'match', 'transport_socket'] });
    if (!mr) continue;
    const socket = compileTransportSocket(mr.raw('transport_socket'), mr.at('transport_socket'), sink, 'upstream');
    const match = mr.raw('match');
    if (socket) transportSocketMatches.push({ name: mr.string('name') ?? '', match: isObject(match) ? match : {}, socket });
  }
  const protocol = compileUpstreamProtocol(r, sink);
  const od = r.message('original_dst_lb_config', {
    fields: ['use_http_header', 'http_header_name'],
    ignored: { use_port_from_host_header: 'the destination port comes from the request target', upstream_port_override: 'handled by the destination' },
  });
  const originalDst = { useHttpHeader: od?.bool('use_http_header', false) ?? false, headerName: od?.string('http_header_name')?.toLowerCase() || 'x-envoy-original-dst-host' };
  r.enumValue('dns_lookup_family', ['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL'], 'AUTO');
  const metadata = r.raw('metadata');
  if (sink.count > before) return undefined;
  return {
    name,
    statName: r.string('alt_stat_name') || name,
    type,
    edsServiceName: eds?.string('service_name') || name,
    loadAssignment,
    connectTimeoutMs: r.durationMs('connect_timeout') ?? 5000,
    // Settings most clusters have alike are shared objects (1,000 clusters, one of each).
    lb: sharedValue('lb', lb),
    circuitBreakers: sharedValue('circuit_breakers', circuitBreakers),
    outlierDetection,
    protocol,
    originalDst: sharedValue('original_dst', originalDst),
    dnsRefreshRateMs: r.durationMs('dns_refresh_rate') ?? 5000,
    cleanupIntervalMs: r.durationMs('cleanup_interval') ?? 5000,
    metadata: isObject(metadata) ? metadata : undefined,
    transportSocket: transportSocket ?? PLAINTEXT,
    transportSocketMatches: transportSocketMatches.length > 0 ? transportSocketMatches : NO_TRANSPORT_SOCKET_MATCHES,
  };
}

const NO_TRANSPORT_SOCKET_MATCHES: readonly TransportSocketMatch[] = Object.freeze([]);

function isIpLiteral(address: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) || address.includes(':');
}

function compileLoadBalancer(r: MessageReader, type: ClusterType, sink: ErrorSink): LoadBalancerConfig {
  let policy = r.enumValue('lb_policy', LB_POLICIES, 'ROUND_ROBIN');
  let choiceCount = 2;
  let ringMinimumSize = 1024;
  let ringMaximumSize = 8 * 1024 * 1024;
  let maglevTableSize = 65537;
  if (r.has('load_balancing_policy')) {
    const lbp = r.message('load_balancing_policy', { fields: ['policies'] });
    let found = false;
    for (const p of lbp?.list('policies') ?? []) {
      const pr = MessageReader.of(p.value, p.path, sink, { fields: ['typed_extension_config'] });
      const ext = pr?.message('typed_extension_config', { fields: ['name', 'typed_config'] });
      const t = anyTypeName(ext?.raw('typed_config'));
      const known = t ? POLICY_TYPES[t] : undefined;
      if (known) {
        policy = known;
        found = true;
        break;
      }
    }
    if (!found) r.error('load_balancing_policy', 'none of the listed policies is supported by the Skiff proxy');
  } else if (policy === 'LOAD_BALANCING_POLICY_CONFIG') {
    r.error('lb_policy', 'LOAD_BALANCING_POLICY_CONFIG requires load_balancing_policy');
  }
  if (type === 'ORIGINAL_DST' && policy !== 'CLUSTER_PROVIDED') {
    // Envoy accepts ORIGINAL_DST clusters only with CLUSTER_PROVIDED; older configs spell it ORIGINAL_DST_LB.
    r.error('lb_policy', 'an ORIGINAL_DST cluster requires lb_policy CLUSTER_PROVIDED');
  }
  if (policy === 'CLUSTER_PROVIDED' && type !== 'ORIGINAL_DST') r.error('lb_policy', 'CLUSTER_PROVIDED is only valid for ORIGINAL_DST clusters');
  const lr = r.message('least_request_lb_config', { fields: ['choice_count'], ignored: { active_request_bias: 'requests are weighed by endpoint weight only', slow_start_config: 'no slow start' } });
  if (lr) choiceCount = lr.int('choice_count', 2, 2);
  const rh = r.message('ring_hash_lb_config', { fields: ['minimum_ring_size', 'maximum_ring_size', 'hash_function'] });
  if (rh) {
    ringMinimumSize = rh.int('minimum_ring_size', 1024, 1, 8388608);
    ringMaximumSize = rh.int('maximum_ring_size', 8388608, 1, 8388608);
    rh.enumValue('hash_function', ['XX_HASH', 'MURMUR_HASH_2'], 'XX_HASH');
    if (ringMaximumSize < ringMinimumSize) rh.error('maximum_ring_size', 'must not be less than minimum_ring_size');
  }
  const mg = r.message('maglev_lb_config', { fields: ['table_size'] });
  if (mg) {
    maglevTableSize = mg.int('table_size', 65537, 1, 5000011);
    if (!isPrime(maglevTableSize)) mg.error('table_size', `must be a prime number, got ${maglevTableSize}`);
  }
  r.message('round_robin_lb_config', { fields: [], ignored: { slow_start_config: 'no slow start', locality_lb_config: 'locality weighting comes from common_lb_config' } });
  let healthyPanicThreshold = 0.5;
  let localityWeighted = false;
  const common = r.message('common_lb_config', {
    fields: ['healthy_panic_threshold', 'zone_aware_lb_config', 'locality_weighted_lb_config', 'consistent_hashing_lb_config', 'override_host_status'],
    ignored: {
      update_merge_window: 'endpoint updates apply at once',
      ignore_new_hosts_until_first_hc: 'no active health checks are configured',
      close_connections_on_host_set_change: 'connections drain naturally',
    },
  });
  if (common) {
    healthyPanicThreshold = percent(common, 'healthy_panic_threshold') ?? 0.5;
    if (common.has('zone_aware_lb_config')) common.error('zone_aware_lb_config', 'zone-aware routing is not supported by the Skiff proxy');
    if (common.has('consistent_hashing_lb_config')) common.error('consistent_hashing_lb_config', 'is not supported by the Skiff proxy');
    if (common.has('override_host_status')) common.error('override_host_status', 'is not supported by the Skiff proxy');
    if (common.has('locality_weighted_lb_config')) {
      common.message('locality_weighted_lb_config', { fields: [] });
      localityWeighted = true;
    }
  }
  return { policy: policy === 'LOAD_BALANCING_POLICY_CONFIG' ? 'ROUND_ROBIN' : policy, choiceCount, ringMinimumSize, ringMaximumSize, maglevTableSize, healthyPanicThreshold, localityWeighted };
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;

function compileCircuitBreakers(r: MessageReader): CircuitBreakerThresholds {
  // Envoy's defaults: 1024 connections, pending requests and requests; 3 concurrent retries.
  const defaults = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };
  const cb = r.message('circuit_breakers', { fields: ['thresholds', 'per_host_thresholds'] });
  if (!cb) return defaults;
  if (cb.list('per_host_thresholds').length > 0) cb.error('per_host_thresholds', 'is not supported by the Skiff proxy');
  for (const t of cb.list('thresholds')) {
    const tr = MessageReader.of(t.value, t.path, cb.sink, {
      fields: ['priority', 'max_connections', 'max_pending_requests', 'max_requests', 'max_retries', 'retry_budget', 'max_connection_pools'],
      ignored: { track_remaining: 'remaining capacity is visible through /stats' },
    });
    if (!tr) continue;
    // Routes only use the DEFAULT priority, so HIGH thresholds never apply.
    if (tr.enumValue('priority', ['DEFAULT', 'HIGH'], 'DEFAULT') !== 'DEFAULT') continue;
    if (tr.has('retry_budget')) tr.error('retry_budget', 'retry budgets are not supported by the Skiff proxy; use max_retries');
    if (tr.has('max_connection_pools')) tr.error('max_connection_pools', 'is not supported by the Skiff proxy');
    const limit = (key: string, fallback: number) => {
      const n = tr.int(key, fallback, 0, UNLIMITED);
      return n >= 0xffffffff ? UNLIMITED : n;
    };
    return {
      maxConnections: limit('max_connections', 1024),
      maxPendingRequests: limit('max_pending_requests', 1024),
      maxRequests: limit('max_requests', 1024),
      maxRetries: limit('max_retries', 3),
    };
  }
  return defaults;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

/**
 * The transport socket for an endpoint: the first transport_socket_matches entry whose `match`
 * fields all equal the endpoint's `envoy.transport_socket_match` metadata, else transport_socket.
 */
export function transportSocketFor(cluster: Cluster, endpointMetadata: Readonly<Record<string, unknown>> | undefined): TransportSocket {
  if (cluster.transportSocketMatches.length === 0) return cluster.transportSocket;
  const fm = endpointMetadata && isObject(endpointMetadata.filter_metadata) ? endpointMetadata.filter_metadata : undefined;
  const labels = fm && isObject(fm['envoy.transport_socket_match']) ? (fm['envoy.transport_socket_match'] as Record<string, unknown>) : {};
  for (const m of cluster.transportSocketMatches) {
    if (Object.entries(m.match).every(([k, v]) => labels[k] === v)) return m.socket;
  }
  return cluster.transportSocket;
}
