// Reads the policies of a matched route and of its clusters back out of the generated Envoy
// config, for `skiff x route`: timeout, retries, fault, mirror and rewrites from the route; load
// balancing, connection pool, outlier detection and TLS from the cluster; endpoints with the pod
// each belongs to. The values are Envoy's, as the proxy will apply them.
import type { Json } from '../translate/envoy-common.js';

const FAULT_FILTER = 'envoy.filters.http.fault';
const TLS_SOCKET = 'envoy.transport_sockets.tls';

export interface RoutePolicy {
  /** Envoy's route timeout; "0s" means none. */
  readonly timeout?: string;
  readonly retries?: { readonly attempts: number; readonly per_try_timeout?: string; readonly retry_on?: string };
  readonly fault?: Json;
  readonly mirror?: readonly { readonly cluster: string; readonly percent: number }[];
  readonly rewrite?: Json;
  readonly hash_policy?: readonly Json[];
  readonly cors?: Json;
}

export interface ClusterPolicy {
  readonly type?: string;
  readonly lb_policy: string;
  readonly connect_timeout?: string;
  readonly connection_pool?: Json;
  readonly outlier_detection?: Json;
  readonly tls: { readonly mode: string; readonly sni?: string };
}

export interface EndpointView {
  readonly address: string;
  readonly health: string;
  readonly pod?: string;
  readonly namespace?: string;
  readonly locality?: string;
  readonly weight?: number;
  readonly priority?: number;
}

function percent(fraction: Json | undefined): number {
  if (!fraction) return 100;
  const numerator = Number(fraction.numerator ?? 0);
  const denominator = String(fraction.denominator ?? 'HUNDRED');
  const scale = denominator === 'MILLION' ? 10_000 : denominator === 'TEN_THOUSAND' ? 100 : 1;
  return numerator / scale;
}

export function routePolicy(route: Json): RoutePolicy {
  const action = (route.route as Json | undefined) ?? {};
  const out: { -readonly [K in keyof RoutePolicy]: RoutePolicy[K] } = {};
  if (typeof action.timeout === 'string') out.timeout = action.timeout;
  const retry = action.retry_policy as Json | undefined;
  if (retry) {
    out.retries = {
      attempts: Number(retry.num_retries ?? 1),
      ...(typeof retry.per_try_timeout === 'string' ? { per_try_timeout: retry.per_try_timeout } : {}),
      ...(typeof retry.retry_on === 'string' ? { retry_on: retry.retry_on } : {}),
    };
  }
  const fault = ((route.typed_per_filter_config as Json | undefined)?.[FAULT_FILTER]) as Json | undefined;
  if (fault) {
    const { '@type': _type, ...rest } = fault;
    out.fault = rest;
  }
  const mirrors = action.request_mirror_policies as Json[] | undefined;
  if (mirrors?.length) {
    out.mirror = mirrors.map((m) => ({ cluster: String(m.cluster), percent: percent((m.runtime_fraction as Json | undefined)?.default_value as Json | undefined) }));
  }
  const rewrite: Json = {};
  for (const k of ['prefix_rewrite', 'regex_rewrite', 'host_rewrite_literal', 'auto_host_rewrite']) if (action[k] !== undefined) rewrite[k] = action[k];
  if (Object.keys(rewrite).length > 0) out.rewrite = rewrite;
  if ((action.hash_policy as Json[] | undefined)?.length) out.hash_policy = action.hash_policy as Json[];
  const cors = (route.typed_per_filter_config as Json | undefined)?.['envoy.filters.http.cors'] as Json | undefined;
  if (cors) {
    const { '@type': _type, ...rest } = cors;
    out.cors = rest;
  }
  return out;
}

function tlsOf(cluster: Json): ClusterPolicy['tls'] {
  const socket = cluster.transport_socket as Json | undefined;
  if (socket?.name === TLS_SOCKET) {
    const ctx = (socket.typed_config ?? {}) as Json;
    const common = (ctx.common_tls_context ?? {}) as Json;
    const certs = (common.tls_certificate_sds_secret_configs as Json[] | undefined) ?? [];
    const mode = certs.some((c) => c.name === 'default') ? 'ISTIO_MUTUAL' : certs.length > 0 ? 'MUTUAL' : 'SIMPLE';
    return typeof ctx.sni === 'string' ? { mode, sni: ctx.sni } : { mode };
  }
  const matches = cluster.transport_socket_matches as Json[] | undefined;
  if (matches?.some((m) => (m.transport_socket as Json | undefined)?.name === TLS_SOCKET)) {
    return { mode: 'ISTIO_MUTUAL (auto mTLS: endpoints with a sidecar)' };
  }
  return { mode: 'DISABLE (plain text)' };
}

export function clusterPolicy(cluster: Json | undefined): ClusterPolicy | undefined {
  if (!cluster) return undefined;
  const thresholds = ((cluster.circuit_breakers as Json | undefined)?.thresholds as Json[] | undefined)?.[0];
  const pool: Json = {};
  if (thresholds) {
    for (const k of ['max_connections', 'max_pending_requests', 'max_requests', 'max_retries']) if (thresholds[k] !== undefined) pool[k] = thresholds[k];
  }
  const http = ((cluster.typed_extension_protocol_options as Json | undefined)?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']) as Json | undefined;
  const common = http?.common_http_protocol_options as Json | undefined;
  if (common) {
    for (const k of ['idle_timeout', 'max_requests_per_connection']) if (common[k] !== undefined) pool[k] = common[k];
  }
  const keepalive = (cluster.upstream_connection_options as Json | undefined)?.tcp_keepalive;
  if (keepalive) pool.tcp_keepalive = keepalive;
  return {
    ...(typeof cluster.type === 'string' ? { type: cluster.type } : {}),
    lb_policy: typeof cluster.lb_policy === 'string' ? cluster.lb_policy : 'ROUND_ROBIN',
    ...(typeof cluster.connect_timeout === 'string' ? { connect_timeout: cluster.connect_timeout } : {}),
    ...(Object.keys(pool).length > 0 ? { connection_pool: pool } : {}),
    ...(cluster.outlier_detection ? { outlier_detection: cluster.outlier_detection as Json } : {}),
    tls: tlsOf(cluster),
  };
}

function localityText(l: Json | undefined): string | undefined {
  if (!l) return undefined;
  const text = [l.region, l.zone, l.sub_zone].map((p) => (typeof p === 'string' ? p : '')).join('/');
  return text.replace(/\/+$/, '') || undefined;
}

/** The endpoints of a cluster: its EDS assignment, or the load assignment it carries. */
export function clusterEndpointViews(cluster: Json | undefined, assignment: Json | undefined): EndpointView[] {
  const cla = (cluster?.load_assignment as Json | undefined) ?? assignment;
  const out: EndpointView[] = [];
  for (const group of (cla?.endpoints as Json[] | undefined) ?? []) {
    for (const lb of (group.lb_endpoints as Json[] | undefined) ?? []) {
      const sa = ((((lb.endpoint as Json | undefined)?.address as Json | undefined)?.socket_address) ?? {}) as Json;
      const workload = (((lb.metadata as Json | undefined)?.filter_metadata as Json | undefined)?.istio as Json | undefined)?.workload;
      const [pod, namespace] = typeof workload === 'string' ? workload.split(';') : [];
      const locality = localityText(group.locality as Json | undefined);
      out.push({
        address: `${sa.address}:${sa.port_value}`,
        health: typeof lb.health_status === 'string' ? lb.health_status : 'UNKNOWN',
        ...(pod ? { pod } : {}),
        ...(namespace ? { namespace } : {}),
        ...(locality ? { locality } : {}),
        ...(lb.load_balancing_weight !== undefined ? { weight: Number(lb.load_balancing_weight) } : {}),
        ...(group.priority !== undefined ? { priority: Number(group.priority) } : {}),
      });
    }
  }
  return out;
}
