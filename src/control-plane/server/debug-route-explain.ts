// `skiff x route` (and /debug/route): sends one request through the config the control plane
// generates for a proxy — Istio's simulation, no sockets — and explains the path it takes: the
// listener, virtual host and route, the VirtualService rule the route came from, the destinations
// with weights, the route's timeout/retries/fault/mirror, each cluster's DestinationRule policy and
// its endpoints. When nothing matches it says what was tried; Envoy then answers 404 with NR.
import { servedPort, type Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { labelsMatch } from '../registry/service.js';
import type { Json } from '../translate/envoy-common.js';
import { parseClusterName } from '../translate/names.js';
import { generateProxyConfig, simulate, type ProxyConfig, type SimulatedRequest, type SimulationResult } from '../translate/simulate.js';
import { clusterEndpointViews, clusterPolicy, routePolicy, type ClusterPolicy, type EndpointView, type RoutePolicy } from './debug-route-policy.js';
import type { RouteRequest } from './debug-route-request.js';

/** Where an Istio resource was read from (`file:line`), when known. */
export type ConfigSourceLookup = (kind: string, namespace: string, name: string) => string | undefined;

export interface ConfigRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly file?: string;
}

export interface MatchedRule extends ConfigRef {
  /** Index of the rule in `spec.http`. */
  readonly rule: number;
  readonly rule_name?: string;
  /** Index of the match clause within the rule that applied. */
  readonly match?: number;
}

export interface Destination {
  readonly cluster: string;
  readonly weight: number;
  readonly host?: string;
  readonly port?: number;
  readonly subset?: string;
  readonly destination_rule?: ConfigRef;
  readonly policy?: ClusterPolicy;
  readonly endpoints: readonly EndpointView[];
}

export interface RouteExplanation {
  readonly request: { readonly method: string; readonly url: string; readonly authority: string; readonly path: string; readonly port: number; readonly headers: Readonly<Record<string, string>> };
  readonly proxy: { readonly id: string; readonly type: string; readonly pod: string; readonly namespace: string };
  readonly outcome: SimulationResult['outcome'];
  /** The status the proxy answers itself with (404 when nothing matched, redirects, direct responses). */
  readonly status?: number;
  /** Envoy's response flag when it answers itself for lack of a route. */
  readonly response_flags?: string;
  readonly listener?: string;
  readonly filter_chain?: string;
  readonly route_config?: string;
  readonly virtual_host?: string;
  readonly route?: { readonly name?: string; readonly match: string; readonly virtual_service?: MatchedRule } & RoutePolicy;
  readonly destinations: readonly Destination[];
  readonly redirect?: Json;
  readonly direct_response?: Json;
  /** What happened, in a sentence, when the request was not routed to a cluster. */
  readonly message?: string;
}

/** `/apis/networking.istio.io/v1/namespaces/NS/virtual-service/NAME` → its parts. */
export function parseConfigPath(path: string | undefined): { kind: string; namespace: string; name: string } | undefined {
  const m = /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path ?? '');
  if (!m) return undefined;
  const kind = m[2]!.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return { kind, namespace: m[1]!, name: m[3]! };
}

/** Envoy's route match in a line: `/reviews*`, `/productpage`, `regex …`, plus headers and query. */
export function describeRouteMatch(match: Json | undefined): string {
  if (!match) return '';
  const parts: string[] = [];
  if (match.prefix !== undefined) parts.push(`${match.prefix}*`);
  if (match.path !== undefined) parts.push(String(match.path));
  if (match.path_separated_prefix !== undefined) parts.push(`PathPrefix:${match.path_separated_prefix}`);
  if (match.safe_regex !== undefined) parts.push(`regex ${(match.safe_regex as Json).regex}`);
  for (const h of (match.headers as Json[] | undefined) ?? []) {
    const sm = (h.string_match ?? {}) as Json;
    const op = sm.exact !== undefined ? `=${sm.exact}` : sm.prefix !== undefined ? `^=${sm.prefix}` : sm.safe_regex !== undefined ? `~=${(sm.safe_regex as Json).regex}` : h.present_match !== undefined ? ' present' : '';
    parts.push(`${h.invert_match ? '!' : ''}${h.name}${op}`);
  }
  for (const q of (match.query_parameters as Json[] | undefined) ?? []) {
    const sm = (q.string_match ?? {}) as Json;
    parts.push(`?${q.name}${sm.exact !== undefined ? `=${sm.exact}` : ''}`);
  }
  return parts.join(' ');
}

/**
 * A gateway receives what its Service forwards: a URL's port is the Service port, mapped to the
 * target port the Gateway server listens on (80 → 8080), then to where the runtime serves it.
 */
function gatewayListenerPort(proxy: Proxy, push: PushContext, port: number): number {
  let target = port;
  for (const s of push.registry.services) {
    if (s.namespace !== proxy.namespace || !s.selector || Object.keys(s.selector).length === 0 || !labelsMatch(s.selector, proxy.labels)) continue;
    const sp = s.ports.find((p) => p.port === port);
    if (!sp) continue;
    if (typeof sp.targetPort === 'number') target = sp.targetPort;
    else if (typeof sp.targetPort === 'string') target = proxy.workload?.ports.find((p) => p.name === sp.targetPort)?.port ?? port;
    break;
  }
  return servedPort(proxy.metadata, target);
}

export function simulatedRequest(proxy: Proxy, push: PushContext, request: RouteRequest): SimulatedRequest {
  const tls = request.scheme === 'https';
  const common = {
    authority: request.authority,
    path: request.path,
    method: request.method,
    scheme: request.scheme,
    headers: request.headers,
    ...(tls ? { sni: request.host, tls: true } : {}),
  };
  if (proxy.type === 'router') {
    const port = gatewayListenerPort(proxy, push, request.port);
    return { ...common, port, ...(proxy.metadata.bindAddress ? { address: proxy.metadata.bindAddress } : {}) };
  }
  // On the local runtime apps send through the sidecar's explicit HTTP proxy (HTTP_PROXY).
  return { ...common, port: request.port, ...(proxy.metadata.httpProxyPort !== undefined && !tls ? { viaHttpProxy: true } : {}) };
}

function configRef(path: string | undefined, sources: ConfigSourceLookup | undefined): ConfigRef | undefined {
  const parsed = parseConfigPath(path);
  if (!parsed) return undefined;
  const file = sources?.(parsed.kind, parsed.namespace, parsed.name);
  return { ...parsed, ...(file ? { file } : {}) };
}

function matchedRule(push: PushContext, result: SimulationResult, sources: ConfigSourceLookup | undefined): MatchedRule | undefined {
  const ref = configRef(result.origin?.config, sources);
  if (!ref || result.origin?.httpRule === undefined) return undefined;
  const vs = push.virtualServices.all.find((v) => v.meta.namespace === ref.namespace && v.meta.name === ref.name);
  const rule = (vs?.spec.http as { name?: string }[] | undefined)?.[result.origin.httpRule];
  return {
    ...ref,
    rule: result.origin.httpRule,
    ...(rule?.name ? { rule_name: rule.name } : {}),
    ...(result.origin.match !== undefined ? { match: result.origin.match } : {}),
  };
}

function destinations(config: ProxyConfig, result: SimulationResult, sources: ConfigSourceLookup | undefined): Destination[] {
  return result.clusters.map((choice) => {
    const cluster = config.clusters.find((c) => c.name === choice.name);
    const parsed = parseClusterName(choice.name);
    const dr = configRef(((((cluster?.metadata as Json | undefined)?.filter_metadata as Json | undefined)?.istio as Json | undefined)?.config) as string | undefined, sources);
    const policy = clusterPolicy(cluster);
    return {
      cluster: choice.name,
      weight: Math.round(choice.weight * 100) / 100,
      ...(parsed ? { host: parsed.hostname, port: parsed.port, ...(parsed.subset ? { subset: parsed.subset } : {}) } : {}),
      ...(dr ? { destination_rule: dr } : {}),
      ...(policy ? { policy } : {}),
      endpoints: clusterEndpointViews(cluster, config.endpoints.find((e) => e.cluster_name === choice.name)),
    };
  });
}

function noMatchMessage(proxyName: string, req: SimulatedRequest, result: SimulationResult, request: RouteRequest): string | undefined {
  switch (result.outcome) {
    case 'no_listener':
      return `${proxyName} has no listener for port ${req.port}${req.viaHttpProxy ? ' (nor an HTTP proxy listener)' : ''}: the connection is refused`;
    case 'no_filter_chain':
      return `listener ${result.listener} has no filter chain for this connection: it is closed`;
    case 'no_virtual_host':
      return `listener ${result.listener}, route config ${result.routeConfig}: no virtual host serves "${request.authority}"; Envoy answers 404 (response flag NR)`;
    case 'no_route':
      return result.virtualHost !== undefined
        ? `listener ${result.listener}, route config ${result.routeConfig}, virtual host ${result.virtualHost}: no route matches ${request.method} ${request.path}; Envoy answers 404 (response flag NR)`
        : `listener ${result.listener}: route config ${result.routeConfig ?? '(none)'} is missing; Envoy answers 404 (response flag NR)`;
    default:
      return undefined;
  }
}

export interface ExplainInput {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly request: RouteRequest;
  readonly sources?: ConfigSourceLookup;
}

export function explainRoute({ proxy, push, request, sources }: ExplainInput): RouteExplanation {
  const config = generateProxyConfig(proxy, push);
  const req = simulatedRequest(proxy, push, request);
  const result = simulate(config, req);
  const proxyName = `${proxy.type === 'router' ? 'gateway' : 'sidecar'} ${proxy.podName}.${proxy.namespace}`;
  const message = noMatchMessage(proxyName, req, result, request);
  const vs = result.route ? matchedRule(push, result, sources) : undefined;
  const route = result.route
    ? {
      ...(result.routeName ? { name: result.routeName } : {}),
      match: describeRouteMatch(result.route.match as Json | undefined),
      ...(vs ? { virtual_service: vs } : {}),
      ...routePolicy(result.route),
    }
    : undefined;
  return {
    request: { method: request.method, url: request.url, authority: request.authority, path: request.path, port: request.port, headers: request.headers },
    proxy: { id: proxy.id, type: proxy.type, pod: proxy.podName, namespace: proxy.namespace },
    outcome: result.outcome,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.outcome === 'no_route' || result.outcome === 'no_virtual_host' ? { response_flags: 'NR' } : {}),
    ...(result.listener ? { listener: result.listener } : {}),
    ...(result.filterChain ? { filter_chain: result.filterChain } : {}),
    ...(result.routeConfig ? { route_config: result.routeConfig } : {}),
    ...(result.virtualHost ? { virtual_host: result.virtualHost } : {}),
    ...(route ? { route } : {}),
    destinations: destinations(config, result, sources),
    ...(result.redirect ? { redirect: result.redirect } : {}),
    ...(result.directResponse ? { direct_response: result.directResponse } : {}),
    ...(message ? { message } : {}),
  };
}
