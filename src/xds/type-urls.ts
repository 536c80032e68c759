// Type URLs of the Envoy v3 messages Skiff serves and understands. Resource type URLs double as
// the DiscoveryRequest/DiscoveryResponse `type_url` of each xDS API.

const PREFIX = 'type.googleapis.com/';

export const TYPE_URL = {
  // xDS resource kinds
  LISTENER: `${PREFIX}envoy.config.listener.v3.Listener`,
  ROUTE_CONFIGURATION: `${PREFIX}envoy.config.route.v3.RouteConfiguration`,
  CLUSTER: `${PREFIX}envoy.config.cluster.v3.Cluster`,
  CLUSTER_LOAD_ASSIGNMENT: `${PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  SECRET: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
  // network filters
  HTTP_CONNECTION_MANAGER: `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  TCP_PROXY: `${PREFIX}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  NETWORK_RBAC: `${PREFIX}envoy.extensions.filters.network.rbac.v3.RBAC`,
  // http filters
  ROUTER: `${PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  HTTP_FAULT: `${PREFIX}envoy.extensions.filters.http.fault.v3.HTTPFault`,
  HTTP_RBAC: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBAC`,
  HTTP_RBAC_PER_ROUTE: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBACPerRoute`,
  JWT_AUTHN: `${PREFIX}envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication`,
  CORS: `${PREFIX}envoy.extensions.filters.http.cors.v3.Cors`,
  CORS_POLICY: `${PREFIX}envoy.extensions.filters.http.cors.v3.CorsPolicy`,
  GRPC_STATS: `${PREFIX}envoy.extensions.filters.http.grpc_stats.v3.FilterConfig`,
  LOCAL_RATE_LIMIT: `${PREFIX}envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
  // listener filters
  TLS_INSPECTOR: `${PREFIX}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector`,
  HTTP_INSPECTOR: `${PREFIX}envoy.extensions.filters.listener.http_inspector.v3.HttpInspector`,
  ORIGINAL_DST: `${PREFIX}envoy.extensions.filters.listener.original_dst.v3.OriginalDst`,
  // transport sockets
  UPSTREAM_TLS_CONTEXT: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  DOWNSTREAM_TLS_CONTEXT: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
  RAW_BUFFER: `${PREFIX}envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer`,
  // load balancing policies
  RING_HASH: `${PREFIX}envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash`,
  MAGLEV: `${PREFIX}envoy.extensions.load_balancing_policies.maglev.v3.Maglev`,
  LEAST_REQUEST: `${PREFIX}envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest`,
  ROUND_ROBIN: `${PREFIX}envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin`,
  RANDOM: `${PREFIX}envoy.extensions.load_balancing_policies.random.v3.Random`,
  // retries
  PREVIOUS_HOSTS_PREDICATE: `${PREFIX}envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate`,
  // upstream protocol options, access logs
  HTTP_PROTOCOL_OPTIONS: `${PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
  FILE_ACCESS_LOG: `${PREFIX}envoy.extensions.access_loggers.file.v3.FileAccessLog`,
  STDOUT_ACCESS_LOG: `${PREFIX}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog`,
  // generic typed configs
  TYPED_STRUCT: `${PREFIX}xds.type.v3.TypedStruct`,
  UDPA_TYPED_STRUCT: `${PREFIX}udpa.type.v1.TypedStruct`,
  STRUCT: `${PREFIX}google.protobuf.Struct`,
} as const;

export type TypeUrl = (typeof TYPE_URL)[keyof typeof TYPE_URL];

/** The xDS APIs a proxy subscribes to, by the short names istioctl and Envoy use. */
export const XDS_TYPE_SHORT_NAME: Readonly<Record<string, string>> = {
  [TYPE_URL.CLUSTER]: 'CDS',
  [TYPE_URL.CLUSTER_LOAD_ASSIGNMENT]: 'EDS',
  [TYPE_URL.LISTENER]: 'LDS',
  [TYPE_URL.ROUTE_CONFIGURATION]: 'RDS',
  [TYPE_URL.SECRET]: 'SDS',
};

/** `type.googleapis.com/envoy.config.cluster.v3.Cluster` for `envoy.config.cluster.v3.Cluster`. */
export function typeUrlFor(messageName: string): string {
  return `${PREFIX}${messageName.startsWith('.') ? messageName.slice(1) : messageName}`;
}

/** The short API name (CDS, EDS, LDS, RDS, SDS) for a type URL, or the URL itself when it has none. */
export function shortTypeName(typeUrl: string): string {
  return XDS_TYPE_SHORT_NAME[typeUrl] ?? typeUrl;
}
