// RDS for proxyless gRPC clients (Istio's grpcgen/rds.go). The route configuration is named by
// the cluster key its api_listener points at (`outbound|9080||reviews.default.svc.cluster.local`)
// and holds the sidecar's virtual hosts for that port, so VirtualService rules translate exactly
// as they do for Envoy. gRPC's xDS client understands only part of an Envoy route (gRFC A28, A31,
// A44, A33): each route is rewritten to that part, and what a gRPC client cannot honour is left
// out and reported rather than sent for the client to reject the whole configuration.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import type { Json } from './envoy-common.js';
import { clusterName, parseClusterName } from './names.js';
import type { TranslationProblem } from './route-policies.js';
import { SKIFF_ROUTE_METADATA } from './route-translate.js';
import { sidecarVirtualHosts } from './sidecar-routes.js';

const FAULT_FILTER = 'envoy.filters.http.fault';
const CORS_FILTER = 'envoy.filters.http.cors';

/** Where a route came from, for problem messages: its VirtualService rule, or the service's default route. */
function routeOrigin(route: Json, vhost: string): string {
  const meta = (route.metadata as Json | undefined)?.filter_metadata as Json | undefined;
  const config = (meta?.istio as Json | undefined)?.config;
  const rule = (meta?.[SKIFF_ROUTE_METADATA] as Json | undefined)?.http_rule;
  return typeof config === 'string' ? `${config} http[${String(rule)}]` : `virtual host ${vhost} route ${String(route.name ?? 'default')}`;
}

interface RouteProblems {
  readonly origin: string;
  /** Parts of the route a gRPC client does not apply (the route is still sent). */
  readonly ignored: string[];
  readonly problems: TranslationProblem[];
}

function leaveOut(p: RouteProblems, why: string): undefined {
  p.problems.push({ resource: p.origin, message: `${why}; proxyless gRPC clients do not get this route` });
  return undefined;
}

/** RouteMatch as gRPC evaluates it: path (prefix / exact / regex, case sensitivity) and header matchers. */
function grpcRouteMatch(match: Json, p: RouteProblems): Json | undefined {
  // A route gRPC cannot evaluate would match every RPC in its client: it is left out instead.
  if (match.query_parameters) return leaveOut(p, 'query parameter matches never match a gRPC request (gRPC sends no query string)');
  if (match.dynamic_metadata) return leaveOut(p, 'JWT claim matches need Istio\'s authentication filter, which gRPC clients do not run');
  const out: Json = {};
  for (const key of ['prefix', 'path', 'safe_regex'] as const) if (match[key] !== undefined) out[key] = match[key];
  if (match.case_sensitive === false) out.case_sensitive = false;
  const headers: Json[] = [];
  for (const h of (match.headers as Json[] | undefined) ?? []) {
    const name = h.name as string;
    // gRPC matches headers against request metadata, which never holds HTTP/2 pseudo-headers.
    if (name.startsWith(':')) p.problems.push({ resource: p.origin, message: `the ${name} match never matches in a gRPC client (gRPC exposes no pseudo-headers as metadata)` });
    const matcher: Json = { name };
    if (h.present_match !== undefined) matcher.present_match = h.present_match;
    if (h.string_match !== undefined) matcher.string_match = h.string_match;
    if (h.invert_match) matcher.invert_match = true;
    headers.push(matcher);
  }
  if (headers.length) out.headers = headers;
  return out;
}

function grpcRetryPolicy(retry: Json, p: RouteProblems): Json {
  const out: Json = { retry_on: retry.retry_on, num_retries: retry.num_retries };
  if (retry.retry_back_off) out.retry_back_off = retry.retry_back_off;
  if (retry.per_try_timeout) p.ignored.push('retries.perTryTimeout');
  return out;
}

/** RouteAction as gRPC reads it: the cluster or weighted clusters, timeout, retries and header hashing. */
function grpcRouteAction(action: Json, p: RouteProblems): Json {
  const out: Json = {};
  if (action.weighted_clusters) {
    const clusters = ((action.weighted_clusters as Json).clusters as Json[]).map((c) => {
      if (c.request_headers_to_add || c.request_headers_to_remove || c.response_headers_to_add || c.response_headers_to_remove || c.host_rewrite_literal) {
        p.ignored.push(`headers of destination ${String(c.name)}`);
      }
      return { name: c.name, weight: c.weight };
    });
    out.weighted_clusters = { clusters };
  } else {
    out.cluster = action.cluster;
  }
  // Istio gives gRPC the route timeout as max_stream_duration, the field gRPC reads (gRFC A31).
  out.max_stream_duration = { max_stream_duration: action.timeout ?? '0s' };
  if (action.retry_policy) out.retry_policy = grpcRetryPolicy(action.retry_policy as Json, p);
  const hashes = (action.hash_policy as Json[] | undefined) ?? [];
  const headerHashes = hashes.filter((h) => h.header !== undefined);
  if (headerHashes.length < hashes.length) p.ignored.push('consistent hashing by cookie, source IP or query parameter (gRPC hashes by header only)');
  if (headerHashes.length) out.hash_policy = headerHashes;
  if (action.prefix_rewrite !== undefined || action.regex_rewrite !== undefined) p.ignored.push('rewrite.uri');
  if (action.host_rewrite_literal !== undefined) p.ignored.push('rewrite.authority');
  if (action.request_mirror_policies) p.ignored.push('mirror');
  return out;
}

/** One Envoy route as a gRPC client takes it, or undefined when gRPC cannot follow it. */
export function grpcRoute(route: Json, vhost: string, problems: TranslationProblem[]): Json | undefined {
  const p: RouteProblems = { origin: routeOrigin(route, vhost), ignored: [], problems };
  if (route.redirect) return leaveOut(p, 'redirects cannot be followed by gRPC');
  if (route.direct_response) return leaveOut(p, 'direct responses cannot be returned to gRPC');
  if (!route.route) return leaveOut(p, 'the route has no destination');
  const match = grpcRouteMatch(route.match as Json, p);
  if (!match) return undefined;
  const out: Json = {};
  if (route.name !== undefined) out.name = route.name;
  out.match = match;
  out.route = grpcRouteAction(route.route as Json, p);
  const perFilter = (route.typed_per_filter_config as Json | undefined) ?? {};
  if (perFilter[FAULT_FILTER]) out.typed_per_filter_config = { [FAULT_FILTER]: perFilter[FAULT_FILTER] };
  if (perFilter[CORS_FILTER]) p.ignored.push('corsPolicy');
  if (route.request_headers_to_add || route.request_headers_to_remove || route.response_headers_to_add || route.response_headers_to_remove) p.ignored.push('headers');
  if (route.metadata) out.metadata = route.metadata;
  if (p.ignored.length) problems.push({ resource: p.origin, message: `not applied by proxyless gRPC clients: ${p.ignored.join(', ')}` });
  return out;
}

/** Every cluster key a gRPC client could be sent to: the HTTP-family ports of the visible services. */
function allRouteNames(proxy: Proxy, push: PushContext): string[] {
  return push.servicesFor(proxy.namespace).flatMap((s) => s.ports.filter((p) => isHttpOrSniffed(p.protocol)).map((p) => clusterName('outbound', undefined, s.hostname, p.port)));
}

function buildGrpcRouteConfiguration(proxy: Proxy, push: PushContext, name: string, problems: TranslationProblem[]): Json | undefined {
  const parsed = parseClusterName(name);
  if (!parsed || parsed.direction !== 'outbound') {
    problems.push({ resource: `route configuration ${name}`, message: 'proxyless gRPC route configurations are named by an outbound cluster key (outbound|PORT||HOST); nothing generated' });
    return undefined;
  }
  const virtualHosts = sidecarVirtualHosts(proxy, push, { listenPort: parsed.port, problems }).map((vh) => ({
    name: vh.name,
    domains: vh.domains,
    routes: (vh.routes as Json[]).flatMap((r) => { const route = grpcRoute(r, vh.name as string, problems); return route ? [route] : []; }),
  }));
  return { name, virtual_hosts: virtualHosts };
}

/** Route configurations for `names` (cluster keys), or for every one when no names are given. */
export function buildGrpcRoutes(proxy: Proxy, push: PushContext, names: readonly string[] | undefined, problems: TranslationProblem[]): Json[] {
  // One VirtualService rule reaches several virtual hosts: report each problem once.
  const found: TranslationProblem[] = [];
  const out = (names ?? allRouteNames(proxy, push)).flatMap((n) => { const rc = buildGrpcRouteConfiguration(proxy, push, n, found); return rc ? [rc] : []; });
  const seen = new Set<string>();
  for (const problem of found) {
    const key = `${problem.resource}\0${problem.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(problem); }
  }
  return out;
}
