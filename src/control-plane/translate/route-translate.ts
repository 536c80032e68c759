// One VirtualService HTTP rule → Envoy routes (Istio's route.TranslateRoute and
// BuildHTTPRoutesForVirtualService): one route per match, guarded by the match's port, gateways
// and source labels; then the action (route to clusters, redirect or direct response) and the
// rule's policies.
import type { ConsistentHashLB, Destination, HTTPMatchRequest, HTTPRoute } from '../model/api-types.js';
import { configPath } from '../model/config-meta.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { VirtualServiceConfig } from '../model/virtual-services.js';
import { labelsMatch, type Service } from '../registry/service.js';
import { compact, protoDuration, type Json } from './envoy-common.js';
import { clusterName, parseClusterName } from './names.js';
import { applyHeaderOperations, corsConfig, faultConfig, hashPolicy, headerOperations, mirrorPolicy, retryPolicy, type TranslationProblem } from './route-policies.js';
import { isCatchAllMatch, translateRouteMatch } from './route-match.js';

export interface RouteContext {
  readonly proxy: Proxy;
  readonly push: PushContext;
  /** `mesh` for sidecars, `namespace/name` of the Gateway for gateway proxies. */
  readonly gatewayNames: ReadonlySet<string>;
  /** The port the request arrived on (a Gateway server's port, a sidecar's service port). */
  readonly listenPort: number;
  /** The route serves a TLS-terminating server (redirects then default to https). */
  readonly isTls: boolean;
  readonly problems: TranslationProblem[];
}

/** Where Skiff records which VirtualService rule a route came from (`skiff x route` shows it). */
export const SKIFF_ROUTE_METADATA = 'skiff.io/route';

/** Istio's GetDestinationCluster: the destination's port, else the service's only port, else the listener's. */
export function destinationCluster(dest: Destination, service: Service | undefined, listenPort: number): string {
  let port = listenPort;
  if (dest.port?.number) port = dest.port.number;
  else if (service && service.ports.length === 1) port = service.ports[0]!.port;
  return clusterName('outbound', dest.subset, dest.host, port);
}

/**
 * The consistent hash the destination's DestinationRule asks for (Istio's HashForHTTPDestination):
 * subset port-level, then subset, then port-level, then top level.
 */
export function consistentHashFor(ctx: RouteContext, dest: Destination): ConsistentHashLB | undefined {
  const service = ctx.push.serviceForHostname(ctx.proxy.namespace, dest.host);
  const dr = ctx.push.destinationRule(ctx.proxy, dest.host, service?.namespace);
  if (!dr) return undefined;
  const policy = dr.spec.trafficPolicy;
  const portNumber = dest.port?.number;
  const portHash = (pls: typeof policy) => (portNumber ? pls?.portLevelSettings?.find((p) => p.port?.number === portNumber)?.loadBalancer?.consistentHash : undefined);
  const subset = dest.subset ? dr.spec.subsets?.find((s) => s.name === dest.subset) : undefined;
  return portHash(subset?.trafficPolicy) ?? subset?.trafficPolicy?.loadBalancer?.consistentHash ?? portHash(policy) ?? policy?.loadBalancer?.consistentHash;
}

/** Istio's sourceMatchHTTP: the match's gateways, or its source labels and namespace, fit this proxy. */
function sourceMatches(match: HTTPMatchRequest | undefined, ctx: RouteContext): boolean {
  if (!match) return true;
  if (match.gateways?.length) return match.gateways.some((g) => ctx.gatewayNames.has(g));
  if (!labelsMatch(match.sourceLabels, ctx.proxy.labels)) return false;
  return !match.sourceNamespace || match.sourceNamespace === ctx.proxy.namespace;
}

function routeOperation(route: Json, vsName: string, port: number): string {
  const match = route.match as Json;
  let path = '/*';
  if (typeof match.prefix === 'string') path = `${match.prefix}*`;
  else if (typeof match.path === 'string') path = match.path;
  else if (match.safe_regex) path = (match.safe_regex as Json).regex as string;
  const cluster = (route.route as Json | undefined)?.cluster;
  const parsed = typeof cluster === 'string' ? parseClusterName(cluster) : undefined;
  return parsed ? `${parsed.hostname}:${parsed.port}${path}` : `${vsName}:${port}${path}`;
}

const REDIRECT_CODES: Record<number, string | undefined> = { 0: undefined, 301: undefined, 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT' };

function redirectAction(rule: HTTPRoute, ctx: RouteContext, resource: string): Json | undefined {
  const r = rule.redirect!;
  const out: Json = {};
  if (r.authority) out.host_redirect = r.authority;
  if (r.prefixRewrite) out.prefix_rewrite = r.prefixRewrite;
  else if (r.uri) out.path_redirect = r.uri;
  if (r.scheme) out.scheme_redirect = r.scheme;
  if (r.port !== undefined || r.derivePort !== undefined) {
    // Envoy cannot derive the port from the request, but routes are built per listener port.
    let port = r.port ?? (r.derivePort === 'FROM_REQUEST_PORT' ? ctx.listenPort : 0);
    const scheme = r.scheme || (ctx.isTls ? 'https' : 'http');
    if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = 0;
    if (port) out.port_redirect = port;
  }
  const code = r.redirectCode ?? 0;
  if (!(code in REDIRECT_CODES)) {
    ctx.problems.push({ resource, message: `redirect code ${code} is not supported (Envoy supports 301, 302, 303, 307 and 308); the rule is dropped` });
    return undefined;
  }
  if (REDIRECT_CODES[code]) out.response_code = REDIRECT_CODES[code];
  return out;
}

function directResponseAction(rule: HTTPRoute): Json {
  const d = rule.directResponse!;
  const out: Json = { status: d.status };
  if (d.body?.string !== undefined) out.body = { inline_string: d.body.string };
  else if (d.body?.bytes !== undefined) out.body = { inline_bytes: d.body.bytes };
  return out;
}

function routeAction(rule: HTTPRoute, route: Json, ctx: RouteContext, resource: string, authorityFromHeaders: string | undefined): Json {
  const action: Json = {};
  const lookup = (host: string) => ctx.push.serviceForHostname(ctx.proxy.namespace, host);
  const destinations = rule.route ?? [];
  let consistentHash = false;
  const hashPolicies: Json[] = [];
  if (destinations.length === 1) {
    const dst = destinations[0]!;
    action.cluster = destinationCluster(dst.destination, lookup(dst.destination.host), ctx.listenPort);
    if (dst.headers) {
      const ops = headerOperations(dst.headers);
      applyHeaderOperations(route, ops);
      if (ops.authority && !authorityFromHeaders && !rule.rewrite?.authority) authorityFromHeaders = ops.authority;
    }
    const hash = consistentHashFor(ctx, dst.destination);
    consistentHash = !!hash;
    const hp = hashPolicy(hash);
    if (hp) hashPolicies.push(hp);
  } else {
    const clusters: Json[] = [];
    for (const dst of destinations) {
      // A zero weight among several destinations takes no traffic: Istio leaves it out.
      if (!dst.weight) continue;
      const cw: Json = { name: destinationCluster(dst.destination, lookup(dst.destination.host), ctx.listenPort), weight: dst.weight };
      if (dst.headers) {
        const ops = headerOperations(dst.headers);
        applyHeaderOperations(cw, ops);
        if (ops.authority) cw.host_rewrite_literal = ops.authority;
      }
      const hp = hashPolicy(consistentHashFor(ctx, dst.destination));
      if (hp) hashPolicies.push(hp);
      clusters.push(cw);
    }
    action.weighted_clusters = { clusters };
  }
  action.timeout = rule.timeout ? protoDuration(rule.timeout) : '0s';
  // Istio keeps gRPC requests to the route timeout (the deprecated max_grpc_timeout).
  action.max_grpc_timeout = action.timeout;
  if (rule.rewrite?.uriRegexRewrite?.match) {
    action.regex_rewrite = { pattern: { regex: rule.rewrite.uriRegexRewrite.match }, substitution: rule.rewrite.uriRegexRewrite.rewrite ?? '' };
  } else if (rule.rewrite?.uri) {
    action.prefix_rewrite = rule.rewrite.uri;
  }
  const authority = rule.rewrite?.authority || authorityFromHeaders;
  if (authority) action.host_rewrite_literal = authority;
  const mirrors: Json[] = [];
  if (rule.mirror) {
    const cluster = destinationCluster(rule.mirror, lookup(rule.mirror.host), ctx.listenPort);
    if (rule.mirrorPercentage) { const v = rule.mirrorPercentage.value ?? 0; if (v > 0) mirrors.push(mirrorPolicy(cluster, v)); }
    else if (rule.mirrorPercent !== undefined) { if (rule.mirrorPercent > 0) mirrors.push(mirrorPolicy(cluster, { integer: rule.mirrorPercent })); }
    else mirrors.push(mirrorPolicy(cluster, 'integer-100'));
  }
  for (const m of rule.mirrors ?? []) {
    const cluster = destinationCluster(m.destination, lookup(m.destination.host), ctx.listenPort);
    if (m.percentage) { const v = m.percentage.value ?? 0; if (v > 0) mirrors.push(mirrorPolicy(cluster, v)); }
    else mirrors.push(mirrorPolicy(cluster, 'integer-100'));
  }
  if (mirrors.length) action.request_mirror_policies = mirrors;
  const retry = retryPolicy(rule.retries ?? ctx.push.mesh.defaultHttpRetryPolicy, consistentHash, ctx.problems, resource);
  if (retry) action.retry_policy = retry;
  if (hashPolicies.length) action.hash_policy = hashPolicies;
  return action;
}

/** One Envoy route for one match of a rule, or undefined when the match does not apply here. */
export function translateRoute(vs: VirtualServiceConfig, rule: HTTPRoute, ruleIndex: number, match: HTTPMatchRequest | undefined, matchIndex: number, ctx: RouteContext): Json | undefined {
  if (match?.port && match.port !== ctx.listenPort) return undefined;
  if (!sourceMatches(match, ctx)) return undefined;
  const resource = `VirtualService ${vs.meta.namespace}/${vs.meta.name} http[${ruleIndex}]`;
  let name = rule.name ?? '';
  if (match?.name) name = `${name}.${match.name}`;
  const route: Json = {};
  if (name) route.name = name;
  route.match = translateRouteMatch(match);
  const ops = rule.headers ? headerOperations(rule.headers) : undefined;
  if (ops) applyHeaderOperations(route, ops);
  if (rule.redirect) {
    const redirect = redirectAction(rule, ctx, resource);
    if (!redirect) return undefined;
    route.redirect = redirect;
  } else if (rule.directResponse) {
    route.direct_response = directResponseAction(rule);
  } else {
    route.route = routeAction(rule, route, ctx, resource, ops?.authority);
  }
  route.metadata = { filter_metadata: { istio: { config: configPath(vs.meta) }, [SKIFF_ROUTE_METADATA]: { http_rule: ruleIndex, match: matchIndex } } };
  route.decorator = { operation: routeOperation(route, vs.meta.name, ctx.listenPort) };
  const perFilter: Json = {};
  if (rule.fault) {
    const fault = faultConfig(rule.fault, ctx.problems, resource);
    if (fault) perFilter['envoy.filters.http.fault'] = fault;
  }
  if (rule.corsPolicy) perFilter['envoy.filters.http.cors'] = corsConfig(rule.corsPolicy);
  if (Object.keys(perFilter).length) route.typed_per_filter_config = perFilter;
  return compact(route);
}

/**
 * Every route of a VirtualService for one listener port, in rule order. Routing stops after a
 * catch-all, as Envoy never reaches routes behind one.
 */
export function buildRoutesForVirtualService(vs: VirtualServiceConfig, ctx: RouteContext): Json[] {
  const out: Json[] = [];
  const rules = vs.spec.http ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (!rule.match?.length) {
      const r = translateRoute(vs, rule, i, undefined, 0, ctx);
      if (r) out.push(r);
      break;
    }
    let catchAll = false;
    for (let j = 0; j < rule.match.length; j++) {
      const r = translateRoute(vs, rule, i, rule.match[j], j, ctx);
      if (!r) continue;
      out.push(r);
      if (isCatchAllMatch(r.match as Json)) { catchAll = true; break; }
    }
    if (catchAll) break;
  }
  return out;
}
