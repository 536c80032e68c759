// Sends a synthetic request through a proxy's generated config, with Envoy's matching rules and
// no sockets (Istio's pilot/pkg/simulation): which listener and filter chain take it, which
// virtual host and route match, which clusters (with weights) and endpoints it may reach. Used by
// the simulation tests and by `skiff x route`.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { buildClusters } from './cluster-builder.js';
import { buildEndpoints } from './endpoints.js';
import type { Json } from './envoy-common.js';
import { buildListeners } from './listeners.js';
import { HTTP_PROXY_ROUTE, VIRTUAL_INBOUND_LISTENER, VIRTUAL_OUTBOUND_LISTENER, listenerName } from './names.js';
import { buildRoutes } from './routes.js';
import { SKIFF_ROUTE_METADATA } from './route-translate.js';
import { routeMatches, selectFilterChain, selectVirtualHost, type RequestView } from './simulate-match.js';

export interface ProxyConfig {
  readonly listeners: readonly Json[];
  readonly routes: readonly Json[];
  readonly clusters: readonly Json[];
  readonly endpoints: readonly Json[];
}

/** Every resource a proxy would receive from the control plane for this push. */
export function generateProxyConfig(proxy: Proxy, push: PushContext): ProxyConfig {
  const listeners = buildListeners(proxy, push);
  const routeNames = new Set<string>();
  const collect = (filters: Json[] | undefined) => {
    for (const f of filters ?? []) {
      const rds = ((f.typed_config as Json | undefined)?.rds as Json | undefined)?.route_config_name;
      if (typeof rds === 'string') routeNames.add(rds);
    }
  };
  for (const l of listeners) for (const c of (l.filter_chains as Json[]) ?? []) collect(c.filters as Json[]);
  return { listeners, routes: buildRoutes(proxy, push, [...routeNames]), clusters: buildClusters(proxy, push), endpoints: buildEndpoints(proxy, push) };
}

export interface SimulatedRequest {
  /** Destination port of the connection (the service port; a gateway's listener port). */
  readonly port: number;
  /** Destination IP; a service VIP selects the TCP listener bound on it. Defaults to none. */
  readonly address?: string;
  /** Traffic arriving at the proxy's own workload (inbound) rather than leaving it. */
  readonly direction?: 'outbound' | 'inbound';
  /** Send through the sidecar's explicit HTTP proxy listener (the local runtime's HTTP_PROXY). */
  readonly viaHttpProxy?: boolean;
  /** `http` (default) or `tcp`: whether a route is looked up after the filter chain. */
  readonly protocol?: 'http' | 'tcp';
  /** Host / :authority. Defaults to the SNI for TLS. */
  readonly authority?: string;
  readonly path?: string;
  readonly method?: string;
  readonly scheme?: 'http' | 'https';
  readonly headers?: Readonly<Record<string, string>>;
  /** TLS server name: the connection is TLS. */
  readonly sni?: string;
  /** The connection is TLS (Istio mTLS when `alpn` carries Istio's values). */
  readonly tls?: boolean;
  readonly alpn?: readonly string[];
}

export interface ClusterChoice {
  readonly name: string;
  /** Share of traffic in percent of the total weight (100 for a single cluster). */
  readonly weight: number;
  /** `address:port` of the endpoints Envoy would balance over. */
  readonly endpoints: readonly string[];
}

export interface RouteOrigin {
  /** `/apis/networking.istio.io/v1/namespaces/<ns>/virtual-service/<name>`. */
  readonly config?: string;
  readonly httpRule?: number;
  readonly match?: number;
}

export interface SimulationResult {
  /** What happened: routed to clusters, answered locally, or why nothing matched. */
  readonly outcome: 'cluster' | 'redirect' | 'direct_response' | 'no_listener' | 'no_filter_chain' | 'no_virtual_host' | 'no_route' | 'tcp';
  readonly listener?: string;
  readonly filterChain?: string;
  readonly routeConfig?: string;
  readonly virtualHost?: string;
  /** The Envoy route that matched, as generated. */
  readonly route?: Json;
  readonly routeName?: string;
  readonly origin?: RouteOrigin;
  readonly clusters: readonly ClusterChoice[];
  /** The status Envoy would answer with when it answers itself (404 for no route, direct responses, redirects). */
  readonly status?: number;
  readonly redirect?: Json;
  readonly directResponse?: Json;
}

function listenerAddress(l: Json): { address: string; port: number } {
  const sa = ((l.address as Json | undefined)?.socket_address ?? {}) as Json;
  return { address: String(sa.address ?? ''), port: Number(sa.port_value ?? 0) };
}

function findListener(config: ProxyConfig, req: SimulatedRequest): Json | undefined {
  const byName = (name: string) => config.listeners.find((l) => l.name === name);
  if (req.viaHttpProxy) return config.listeners.find((l) => ((l.filter_chains as Json[]) ?? []).some((c) => ((c.filters as Json[]) ?? []).some((f) => ((f.typed_config as Json | undefined)?.rds as Json | undefined)?.route_config_name === HTTP_PROXY_ROUTE)));
  if (req.direction === 'inbound') {
    return byName(VIRTUAL_INBOUND_LISTENER) ?? config.listeners.find((l) => l.traffic_direction === 'INBOUND' && listenerAddress(l).port === req.port);
  }
  if (req.address) {
    const exact = config.listeners.find((l) => { const a = listenerAddress(l); return a.address === req.address && a.port === req.port; });
    if (exact) return exact;
  }
  return byName(listenerName('0.0.0.0', req.port)) ?? byName(VIRTUAL_OUTBOUND_LISTENER);
}

function clusterEndpoints(config: ProxyConfig, name: string): string[] {
  const cluster = config.clusters.find((c) => c.name === name);
  const cla = (cluster?.load_assignment as Json | undefined) ?? config.endpoints.find((e) => e.cluster_name === name);
  const out: string[] = [];
  for (const group of ((cla?.endpoints as Json[] | undefined) ?? [])) {
    for (const lb of (group.lb_endpoints as Json[]) ?? []) {
      if (lb.health_status === 'UNHEALTHY') continue;
      const sa = ((lb.endpoint as Json).address as Json).socket_address as Json;
      out.push(`${sa.address}:${sa.port_value}`);
    }
  }
  return out;
}

function choices(config: ProxyConfig, action: Json): ClusterChoice[] {
  if (typeof action.cluster === 'string') return [{ name: action.cluster, weight: 100, endpoints: clusterEndpoints(config, action.cluster) }];
  const weighted = ((action.weighted_clusters as Json | undefined)?.clusters as Json[] | undefined) ?? [];
  const total = weighted.reduce((s, c) => s + Number(c.weight ?? 0), 0);
  return weighted.map((c) => ({ name: String(c.name), weight: total ? (Number(c.weight ?? 0) * 100) / total : 0, endpoints: clusterEndpoints(config, String(c.name)) }));
}

function routeOrigin(route: Json): RouteOrigin {
  const fm = ((route.metadata as Json | undefined)?.filter_metadata ?? {}) as Json;
  const istio = fm.istio as Json | undefined;
  const skiff = fm[SKIFF_ROUTE_METADATA] as Json | undefined;
  return { config: istio?.config as string | undefined, httpRule: skiff?.http_rule as number | undefined, match: skiff?.match as number | undefined };
}

/** Simulates one request against generated config. */
export function simulate(config: ProxyConfig, req: SimulatedRequest): SimulationResult {
  const listener = findListener(config, req);
  if (!listener) return { outcome: 'no_listener', clusters: [] };
  const tls = req.tls ?? req.sni !== undefined;
  const chain = selectFilterChain((listener.filter_chains as Json[]) ?? [], {
    destinationPort: req.port,
    destinationAddress: req.address ?? '',
    sni: req.sni,
    transportProtocol: tls ? 'tls' : 'raw_buffer',
    applicationProtocols: req.alpn ?? [],
  }) ?? (listener.default_filter_chain as Json | undefined);
  const base = { listener: String(listener.name) };
  if (!chain) return { ...base, outcome: 'no_filter_chain', clusters: [] };
  const filterChain = chain.name as string | undefined;
  const filters = (chain.filters as Json[]) ?? [];
  const hcm = filters.find((f) => f.name === 'envoy.filters.network.http_connection_manager')?.typed_config as Json | undefined;
  if (!hcm || req.protocol === 'tcp') {
    const tcp = filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config as Json | undefined;
    if (!tcp) return { ...base, filterChain, outcome: 'no_filter_chain', clusters: [] };
    return { ...base, filterChain, outcome: 'tcp', clusters: choices(config, tcp) };
  }
  const rdsName = (hcm.rds as Json | undefined)?.route_config_name as string | undefined;
  const routeConfig = rdsName !== undefined ? config.routes.find((r) => r.name === rdsName) : (hcm.route_config as Json | undefined);
  const withChain = { ...base, filterChain, routeConfig: rdsName ?? (routeConfig?.name as string | undefined) };
  if (!routeConfig) return { ...withChain, outcome: 'no_route', status: 404, clusters: [] };
  const view: RequestView = {
    authority: req.authority ?? req.sni ?? '',
    path: req.path ?? '/',
    method: req.method ?? 'GET',
    scheme: req.scheme ?? (tls ? 'https' : 'http'),
    headers: Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const vhost = selectVirtualHost((routeConfig.virtual_hosts as Json[]) ?? [], view.authority, routeConfig.ignore_port_in_host_matching === true);
  if (!vhost) return { ...withChain, outcome: 'no_virtual_host', status: 404, clusters: [] };
  const withVhost = { ...withChain, virtualHost: String(vhost.name) };
  // A Gateway server with httpsRedirect: plaintext requests are sent to https first.
  if (vhost.require_tls === 'ALL' && view.scheme !== 'https') {
    return { ...withVhost, outcome: 'redirect', redirect: { https_redirect: true }, status: 301, clusters: [] };
  }
  const route = ((vhost.routes as Json[]) ?? []).find((r) => routeMatches(r.match as Json, view));
  if (!route) return { ...withVhost, outcome: 'no_route', status: 404, clusters: [] };
  const matched = { ...withVhost, route, routeName: route.name as string | undefined, origin: routeOrigin(route) };
  if (route.redirect) {
    const code: Record<string, number> = { FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };
    return { ...matched, outcome: 'redirect', redirect: route.redirect as Json, status: code[String((route.redirect as Json).response_code)] ?? 301, clusters: [] };
  }
  if (route.direct_response) {
    const dr = route.direct_response as Json;
    return { ...matched, outcome: 'direct_response', directResponse: dr, status: Number(dr.status), clusters: [] };
  }
  return { ...matched, outcome: 'cluster', clusters: choices(config, route.route as Json) };
}

/** Generates the proxy's config from the push context and simulates the request. */
export function simulateProxy(proxy: Proxy, push: PushContext, req: SimulatedRequest): SimulationResult {
  return simulate(generateProxyConfig(proxy, push), req);
}
