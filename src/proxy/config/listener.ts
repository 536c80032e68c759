// envoy.config.listener.v3.Listener: address, filter chains with their matches, and the terminal
// network filter of each chain (HTTP connection manager or TCP proxy).

import { compileAddress, type SocketAddress } from './address.js';
import { compileHttpConnectionManager, HCM_TYPE, type HttpConnectionManagerConfig } from './http-connection-manager.js';
import { compileAccessLogs, type AccessLogConfig } from './access-log.js';
import { anyTypeName, ErrorSink, MessageReader } from './reader.js';
import { compileCidr, type Cidr } from './cidr.js';
import { compileTransportSocket, PLAINTEXT, type TransportSocket } from './tls-context.js';

const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

export interface TcpProxyConfig {
  readonly statPrefix: string;
  /** A single cluster, or weighted clusters. */
  readonly clusters: readonly { readonly name: string; readonly weight: number }[];
  readonly totalWeight: number;
  /** 0 disables; Envoy's default is 1 hour. */
  readonly idleTimeoutMs: number;
  readonly maxConnectAttempts: number;
  readonly accessLogs: readonly AccessLogConfig[];
}

export type NetworkFilter =
  | { readonly kind: 'http'; readonly hcm: HttpConnectionManagerConfig }
  | { readonly kind: 'tcp'; readonly tcpProxy: TcpProxyConfig };

export interface FilterChainMatch {
  readonly destinationPort?: number;
  readonly prefixRanges: readonly Cidr[];
  readonly serverNames: readonly string[];
  readonly transportProtocol?: string;
  readonly applicationProtocols: readonly string[];
  readonly sourcePrefixRanges: readonly Cidr[];
  readonly sourcePorts: readonly number[];
}

export interface FilterChain {
  readonly name: string;
  readonly match: FilterChainMatch;
  readonly filter: NetworkFilter;
  /** TLS termination for the chain's connections, or plaintext. */
  readonly transportSocket: TransportSocket;
}

export interface Listener {
  readonly name: string;
  readonly address: SocketAddress;
  readonly bindToPort: boolean;
  readonly trafficDirection: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  /** Istio's virtualOutbound (15001) and virtualInbound (15006) hand connections to other listeners. */
  readonly useOriginalDst: boolean;
  readonly filterChains: readonly FilterChain[];
  readonly defaultFilterChain?: FilterChain;
  /** The listener has an http_inspector: chains may match on application_protocols. */
  readonly httpInspector: boolean;
  /** The listener has a tls_inspector: chains may match on transport protocol, SNI and ALPN. */
  readonly tlsInspector: boolean;
  readonly listenerFiltersTimeoutMs: number;
  readonly continueOnListenerFiltersTimeout: boolean;
  /** Listener access logs: written for connections no filter chain accepts. */
  readonly accessLogs: readonly AccessLogConfig[];
}

const LISTENER_SPEC = {
  fields: [
    '@type', 'name', 'address', 'additional_addresses', 'filter_chains', 'filter_chain_matcher', 'default_filter_chain',
    'use_original_dst', 'listener_filters', 'listener_filters_timeout', 'continue_on_listener_filters_timeout',
    'transparent', 'freebind', 'socket_options', 'bind_to_port', 'traffic_direction', 'api_listener', 'connection_balance_config',
    'reuse_port', 'enable_reuse_port', 'internal_listener', 'udp_listener_config', 'stat_prefix', 'access_log',
  ],
  ignored: {
    metadata: 'listener metadata is informational',
    per_connection_buffer_limit_bytes: 'bodies stream with backpressure instead of fixed buffers',
    drain_type: 'listeners drain on shutdown',
    tcp_fast_open_queue_length: 'a kernel tuning the proxy does not set',
    tcp_backlog_size: 'the default backlog is used',
    max_connections_to_accept_per_socket_event: 'a kernel event tuning',
    ignore_global_conn_limit: 'no global connection limit is configured',
    enable_mptcp: 'a kernel tuning the proxy does not set',
    bypass_overload_manager: 'no overload manager is configured',
  },
};

const LISTENER_FILTERS: Record<string, string> = {
  'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector': 'http_inspector',
  'envoy.extensions.filters.listener.original_dst.v3.OriginalDst': 'original_dst',
  'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector': 'tls_inspector',
};

export function compileListener(value: unknown, path: string, sink: ErrorSink): Listener | undefined {
  const r = MessageReader.of(value, path, sink, LISTENER_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const name = r.string('name', { required: true }) ?? '';
  if (r.has('api_listener')) r.error('api_listener', 'API listeners are for proxyless gRPC clients, not the Skiff proxy');
  for (const unsupported of ['additional_addresses', 'filter_chain_matcher', 'connection_balance_config', 'internal_listener', 'udp_listener_config', 'socket_options']) {
    const v = r.raw(unsupported);
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) r.error(unsupported, 'is not supported by the Skiff proxy');
  }
  for (const flag of ['transparent', 'freebind']) if (r.bool(flag, false)) r.error(flag, 'is not supported by the Skiff proxy');
  r.bool('reuse_port', false);
  r.bool('enable_reuse_port', true);
  r.string('stat_prefix');
  const accessLogs = compileAccessLogs(r, 'access_log', sink);
  const address = compileAddress(r.raw('address'), r.at('address'), sink, true);
  if (!r.has('address')) r.error('address', 'is required');

  let httpInspector = false;
  let tlsInspector = false;
  for (const f of r.list('listener_filters')) {
    const fr = MessageReader.of(f.value, f.path, sink, { fields: ['name', 'typed_config', 'filter_disabled', 'config_discovery'] });
    if (!fr) continue;
    const type = anyTypeName(fr.raw('typed_config'));
    const kind = type ? LISTENER_FILTERS[type] : undefined;
    if (!kind) fr.error('typed_config', `listener filter ${type ?? fr.string('name') ?? '(unnamed)'} is not supported by the Skiff proxy`);
    if (kind === 'http_inspector') httpInspector = true;
    if (kind === 'tls_inspector') tlsInspector = true;
  }

  const filterChains: FilterChain[] = [];
  for (const fc of r.list('filter_chains')) {
    const chain = compileFilterChain(fc.value, fc.path, sink);
    if (chain) filterChains.push(chain);
  }
  const defaultFilterChain = r.has('default_filter_chain') ? compileFilterChain(r.raw('default_filter_chain'), r.at('default_filter_chain'), sink) : undefined;
  if (r.list('filter_chains').length === 0 && !r.has('default_filter_chain')) r.error('filter_chains', 'a listener needs at least one filter chain');
  if (sink.count > before || !address) return undefined;
  return {
    name,
    address,
    bindToPort: r.bool('bind_to_port', true),
    trafficDirection: r.enumValue('traffic_direction', ['UNSPECIFIED', 'INBOUND', 'OUTBOUND'], 'UNSPECIFIED'),
    useOriginalDst: r.bool('use_original_dst', false),
    filterChains,
    defaultFilterChain,
    httpInspector,
    tlsInspector,
    listenerFiltersTimeoutMs: r.durationMs('listener_filters_timeout') ?? 15_000,
    continueOnListenerFiltersTimeout: r.bool('continue_on_listener_filters_timeout', false),
    accessLogs,
  };
}

const FILTER_CHAIN_SPEC = {
  fields: ['filter_chain_match', 'filters', 'transport_socket', 'name', 'transport_socket_connect_timeout'],
  ignored: { metadata: 'filter chain metadata is informational', use_proxy_proto: 'deprecated and false in Istio config' },
};
const MATCH_SPEC = {
  fields: [
    'destination_port', 'prefix_ranges', 'address_suffix', 'suffix_len', 'direct_source_prefix_ranges', 'source_type',
    'source_prefix_ranges', 'source_ports', 'server_names', 'transport_protocol', 'application_protocols',
  ],
};

function compileFilterChain(value: unknown, path: string, sink: ErrorSink): FilterChain | undefined {
  const r = MessageReader.of(value, path, sink, FILTER_CHAIN_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const transportSocket = r.has('transport_socket') ? compileTransportSocket(r.raw('transport_socket'), r.at('transport_socket'), sink, 'downstream') : PLAINTEXT;
  const m = r.message('filter_chain_match', MATCH_SPEC);
  let match: FilterChainMatch = { prefixRanges: [], serverNames: [], applicationProtocols: [], sourcePrefixRanges: [], sourcePorts: [] };
  if (m) {
    for (const unsupported of ['address_suffix', 'suffix_len', 'direct_source_prefix_ranges']) if (m.has(unsupported)) m.error(unsupported, 'is not supported by the Skiff proxy');
    if (m.enumValue('source_type', ['ANY', 'SAME_IP_OR_LOOPBACK', 'EXTERNAL'], 'ANY') !== 'ANY') m.error('source_type', 'only ANY is supported by the Skiff proxy');
    const cidrs = (key: string) => m.list(key).map((c) => compileCidr(c.value, c.path, sink)).filter((c) => c !== undefined);
    match = {
      destinationPort: m.has('destination_port') ? m.int('destination_port', 0, 1, 65535) : undefined,
      prefixRanges: cidrs('prefix_ranges'),
      serverNames: m.stringList('server_names').map((s) => s.toLowerCase()),
      transportProtocol: m.string('transport_protocol') || undefined,
      applicationProtocols: m.stringList('application_protocols'),
      sourcePrefixRanges: cidrs('source_prefix_ranges'),
      sourcePorts: m.list('source_ports').map((p) => Number(p.value)),
    };
  }
  const filters = r.list('filters');
  let network: NetworkFilter | undefined;
  for (const [i, f] of filters.entries()) {
    const fr = MessageReader.of(f.value, f.path, sink, { fields: ['name', 'typed_config', 'config_discovery'] });
    if (!fr) continue;
    const type = anyTypeName(fr.raw('typed_config'));
    const terminal = type === HCM_TYPE || type === TCP_PROXY_TYPE;
    if (!terminal) {
      fr.error('typed_config', `network filter ${type ?? fr.string('name') ?? '(unnamed)'} is not supported by the Skiff proxy`);
      continue;
    }
    if (i !== filters.length - 1) fr.error('', `${fr.string('name') ?? type} is a terminal filter and must be last`);
    if (type === HCM_TYPE) {
      const hcm = compileHttpConnectionManager(fr.raw('typed_config'), fr.at('typed_config'), sink);
      if (hcm) network = { kind: 'http', hcm };
    } else {
      const tcpProxy = compileTcpProxy(fr.raw('typed_config'), fr.at('typed_config'), sink);
      if (tcpProxy) network = { kind: 'tcp', tcpProxy };
    }
  }
  if (filters.length === 0) r.error('filters', 'a filter chain needs a terminal network filter (http_connection_manager or tcp_proxy)');
  if (sink.count > before || !network || !transportSocket) return undefined;
  return { name: r.string('name') ?? '', match, filter: network, transportSocket };
}

const TCP_PROXY_SPEC = {
  fields: [
    '@type', 'stat_prefix', 'cluster', 'weighted_clusters', 'on_demand', 'metadata_match', 'idle_timeout',
    'downstream_idle_timeout', 'upstream_idle_timeout', 'access_log', 'max_connect_attempts', 'hash_policy',
    'tunneling_config', 'max_downstream_connection_duration',
  ],
  ignored: {
    access_log_flush_interval: 'connection access logs are written when the connection closes',
    flush_access_log_on_connected: 'connection access logs are written when the connection closes',
    access_log_options: 'connection access logs are written when the connection closes',
    backoff_options: 'connect attempts are retried without delay',
  },
};

function compileTcpProxy(value: unknown, path: string, sink: ErrorSink): TcpProxyConfig | undefined {
  const r = MessageReader.of(value, path, sink, TCP_PROXY_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  for (const unsupported of ['on_demand', 'metadata_match', 'tunneling_config', 'hash_policy', 'downstream_idle_timeout', 'upstream_idle_timeout']) {
    if (r.has(unsupported)) r.error(unsupported, 'is not supported by the Skiff proxy');
  }
  if ((r.durationMs('max_downstream_connection_duration') ?? 0) > 0) r.error('max_downstream_connection_duration', 'is not supported by the Skiff proxy');
  const kind = r.oneof(['cluster', 'weighted_clusters'], true);
  const clusters: { name: string; weight: number }[] = [];
  if (kind === 'cluster') {
    const name = r.string('cluster', { required: true });
    if (name !== undefined) clusters.push({ name, weight: 1 });
  } else if (kind === 'weighted_clusters') {
    const w = r.message('weighted_clusters', { fields: ['clusters'] });
    for (const c of w?.list('clusters') ?? []) {
      const cr = MessageReader.of(c.value, c.path, sink, { fields: ['name', 'weight', 'metadata_match'] });
      if (!cr) continue;
      if (cr.has('metadata_match')) cr.error('metadata_match', 'is not supported by the Skiff proxy');
      const name = cr.string('name', { required: true });
      const weight = cr.int('weight', 0, 1, 0xffffffff);
      if (name !== undefined) clusters.push({ name, weight });
    }
  }
  const accessLogs = compileAccessLogs(r, 'access_log', sink);
  if (sink.count > before || clusters.length === 0) return undefined;
  return {
    statPrefix: r.string('stat_prefix') ?? '',
    clusters,
    totalWeight: clusters.reduce((s, c) => s + c.weight, 0),
    idleTimeoutMs: r.durationMs('idle_timeout') ?? 3_600_000,
    maxConnectAttempts: r.int('max_connect_attempts', 1, 1),
    accessLogs,
  };
}
