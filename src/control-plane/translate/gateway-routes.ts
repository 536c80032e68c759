// RDS for gateways (Istio's buildGatewayHTTPRouteConfig): route configuration `http.<port>` (or
// `https.<port>.<name>.<gw>.<ns>`) holds a virtual host per host that both a Gateway server and a
// VirtualService bound to that Gateway name. A server host `ns/host` only admits VirtualServices
// from `ns`; wildcards on either side narrow to the more specific name.
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import { hostIntersection } from '../model/host.js';
import type { Json } from './envoy-common.js';
import { domainName } from './names.js';
import type { TranslationProblem } from './route-policies.js';
import { buildRoutesForVirtualService } from './route-translate.js';
import { isCatchAllMatch } from './route-match.js';
import { MAX_DIRECT_RESPONSE_BODY } from './sidecar-routes.js';

/** Server hosts that apply to VirtualServices in `namespace`, without their namespace part. */
function serverHostsFor(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) { out.push(h); continue; }
    const ns = h.slice(0, slash);
    if (ns === namespace || ns === '*') out.push(h.slice(slash + 1));
  }
  return out;
}

/** Catch-all routes go last, keeping the order of the others (Istio's SortVHostRoutes). */
function sortVirtualHostRoutes(routes: Json[]): Json[] {
  return [...routes.filter((r) => !isCatchAllMatch(r.match as Json)), ...routes.filter((r) => isCatchAllMatch(r.match as Json))];
}

export function buildGatewayRouteConfiguration(proxy: Proxy, push: PushContext, routeName: string, problems: TranslationProblem[]): Json {
  const base = { name: routeName, validate_clusters: false };
  const { merged } = push.mergedGateway(proxy);
  const servers = merged.serversByRouteName.get(routeName);
  // A route configuration for a server that is gone: Envoy may still ask while draining.
  if (!servers?.length) return { ...base, virtual_hosts: [] };
  const vhosts = new Map<string, Json>();
  const routeCache = new Map<string, Json[]>();
  for (const { server, gatewayName } of servers) {
    const port = server.port.number;
    const isTls = !!server.tls;
    for (const vs of push.virtualServicesForGateway(proxy.namespace, gatewayName)) {
      const hosts = hostIntersection(serverHostsFor(server.hosts, vs.meta.namespace), vs.spec.hosts ?? []);
      if (!hosts.length) continue;
      const key = `${gatewayName}|${vs.meta.namespace}/${vs.meta.name}|${port}`;
      let routes = routeCache.get(key);
      if (!routes) {
        routes = buildRoutesForVirtualService(vs, { proxy, push, gatewayNames: new Set([gatewayName]), listenPort: port, isTls, problems });
        routeCache.set(key, routes);
      }
      if (!routes.length) continue;
      for (const h of hosts) {
        const host = h.toLowerCase();
        const existing = vhosts.get(host);
        if (existing) (existing.routes as Json[]).push(...routes);
        else vhosts.set(host, { name: domainName(host, port), domains: [host], routes: [...routes], include_request_attempt_count: true });
        if (server.tls?.httpsRedirect) vhosts.get(host)!.require_tls = 'ALL';
      }
    }
    // An httpsRedirect server redirects every host it names, routed or not.
    if (server.tls?.httpsRedirect) {
      for (const h of server.hosts) {
        const host = h.toLowerCase();
        const existing = vhosts.get(host);
        if (existing) existing.require_tls = 'ALL';
        else vhosts.set(host, { name: domainName(host, port), domains: [host], routes: [], include_request_attempt_count: true, require_tls: 'ALL' });
      }
    }
  }
  let virtualHosts: Json[];
  if (vhosts.size === 0) {
    // No routes at all: every request gets 404 (NR) from an empty virtual host.
    virtualHosts = [{ name: domainName('blackhole', servers[0]!.server.port.number), domains: ['*'], routes: [] }];
  } else {
    virtualHosts = [...vhosts.values()].map((v) => ({ ...v, routes: sortVirtualHostRoutes(v.routes as Json[]) }));
    virtualHosts.sort((a, b) => (a.name as string).localeCompare(b.name as string));
  }
  return { ...base, virtual_hosts: virtualHosts, ignore_port_in_host_matching: true, max_direct_response_body_size_bytes: MAX_DIRECT_RESPONSE_BODY };
}
