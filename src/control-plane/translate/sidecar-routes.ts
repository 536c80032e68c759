// RDS for sidecars (Istio's BuildSidecarOutboundVirtualHosts): the route configuration named by
// port (`9080`) holds a virtual host per service on that port. A service some VirtualService
// covers gets that VirtualService's routes; the others get a default route to their cluster.
// Last comes the catch-all virtual host for unknown hosts: `allow_any` to PassthroughCluster, or
// `block_all` (502) when the mesh only allows registered destinations.
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import { hostMatches, isWildcard, mostSpecificHostMatch } from '../model/host.js';
import { MESH_GATEWAY, type VirtualServiceConfig } from '../model/virtual-services.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import type { Service } from '../registry/service.js';
import type { Json } from './envoy-common.js';
import { ALLOW_ANY_VHOST, BLOCK_ALL_VHOST, HTTP_PROXY_ROUTE, PASSTHROUGH_CLUSTER, clusterName, domainName } from './names.js';
import { hashPolicy, retryPolicy, type TranslationProblem } from './route-policies.js';
import { buildRoutesForVirtualService, type RouteContext } from './route-translate.js';
import { virtualHostDomains } from './vhost-domains.js';
import { portTrafficPolicy } from './traffic-policy.js';

/** Direct responses up to 1 MB, the limit Istio validates. */
export const MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;

interface VirtualHostWrapper {
  readonly port: number;
  readonly services: Service[];
  /** VirtualService hosts that are not services in the registry (`bookinfo.com`). */
  readonly vsHosts: string[];
  readonly routes: Json[];
}

function defaultRoute(push: PushContext, proxy: Proxy, service: Service, port: number, problems: TranslationProblem[]): Json {
  const dr = push.destinationRule(proxy, service.hostname, service.namespace);
  const hash = portTrafficPolicy(dr?.spec.trafficPolicy, port)?.loadBalancer?.consistentHash;
  const action: Json = { cluster: clusterName('outbound', undefined, service.hostname, port), timeout: '0s' };
  const retry = retryPolicy(push.mesh.defaultHttpRetryPolicy, false, problems, `Service ${service.namespace}/${service.name}`);
  if (retry) action.retry_policy = retry;
  action.max_grpc_timeout = '0s';
  const hp = hashPolicy(hash);
  if (hp) action.hash_policy = [hp];
  return { name: 'default', match: { prefix: '/' }, route: action, decorator: { operation: `${service.hostname}:${port}/*` } };
}

function catchAllVirtualHost(push: PushContext): Json {
  if (push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY') {
    return { name: BLOCK_ALL_VHOST, domains: ['*'], routes: [{ name: BLOCK_ALL_VHOST, match: { prefix: '/' }, direct_response: { status: 502 } }], include_request_attempt_count: true };
  }
  return {
    name: ALLOW_ANY_VHOST,
    domains: ['*'],
    routes: [{ name: ALLOW_ANY_VHOST, match: { prefix: '/' }, route: { cluster: PASSTHROUGH_CLUSTER, timeout: '0s', max_grpc_timeout: '0s' } }],
    include_request_attempt_count: true,
  };
}

/** Services whose most specific covering VirtualService host is a wildcard of `vs`. */
function wildcardIndex(vss: readonly VirtualServiceConfig[], services: readonly Service[]): Map<string, VirtualServiceConfig> {
  const exact = new Map<string, VirtualServiceConfig>();
  const wildcard = new Map<string, VirtualServiceConfig>();
  for (const vs of vss) {
    for (const h of vs.spec.hosts ?? []) {
      const map = isWildcard(h) ? wildcard : exact;
      if (!map.has(h)) map.set(h, vs);
    }
  }
  const out = new Map<string, VirtualServiceConfig>();
  for (const s of services) {
    const key = exact.has(s.hostname) ? s.hostname : mostSpecificHostMatch(s.hostname, wildcard.keys());
    if (key !== undefined) out.set(s.hostname, (exact.get(key) ?? wildcard.get(key))!);
  }
  return out;
}

function wrappersForVirtualServices(vss: readonly VirtualServiceConfig[], servicesByName: Map<string, Service>, listenPort: number, ctx: RouteContext): VirtualHostWrapper[] {
  const out: VirtualHostWrapper[] = [];
  const index = wildcardIndex(vss, [...servicesByName.values()]);
  for (const vs of vss) {
    const routes = buildRoutesForVirtualService(vs, { ...ctx, listenPort });
    if (!routes.length) continue;
    const vsHosts: string[] = [];
    const services: Service[] = [];
    for (const h of vs.spec.hosts ?? []) {
      const host = h.toLowerCase();
      if (!isWildcard(host)) {
        const svc = servicesByName.get(host);
        if (svc) services.push(svc);
        else vsHosts.push(host);
        continue;
      }
      let found = false;
      for (const [svcHost, svc] of servicesByName) {
        if (!hostMatches(svcHost, host)) continue;
        found = true;
        // Each service takes the routes of one VirtualService only: the most specific.
        if (index.get(svcHost) === vs && !services.includes(svc)) services.push(svc);
      }
      if (!found) vsHosts.push(host);
    }
    const ports = new Set<number>();
    for (const s of services) for (const p of s.ports) if (isHttpOrSniffed(p.protocol)) ports.add(p.port);
    // Hosts outside the registry are reachable on port 80 (Istio's long-standing special case).
    if (ports.size === 0 && listenPort === 80) ports.add(80);
    for (const port of ports) out.push({ port, services: services.filter((s) => s.ports.some((p) => p.port === port)), vsHosts, routes });
  }
  return out;
}

export interface SidecarVirtualHostOptions {
  /** 0 builds the explicit HTTP proxy's route (`http_proxy`): every port, port-qualified domains. */
  readonly listenPort: number;
  readonly problems: TranslationProblem[];
}

/** The virtual hosts of one sidecar route configuration, sorted by name, without the catch-all. */
export function sidecarVirtualHosts(proxy: Proxy, push: PushContext, options: SidecarVirtualHostOptions): Json[] {
  const { listenPort, problems } = options;
  const visible = push.servicesFor(proxy.namespace);
  const vss = push.virtualServicesForGateway(proxy.namespace, MESH_GATEWAY);
  const ctx: RouteContext = { proxy, push, gatewayNames: new Set([MESH_GATEWAY]), listenPort, isTls: false, problems };
  const wrappers: VirtualHostWrapper[] = [];
  const portsToBuild = listenPort === 0
    ? [...new Set(visible.flatMap((s) => s.ports.filter((p) => isHttpOrSniffed(p.protocol)).map((p) => p.port)))].sort((a, b) => a - b)
    : [listenPort];
  for (const port of portsToBuild) {
    const servicesByName = new Map<string, Service>();
    for (const s of visible) {
      const sp = s.ports.find((p) => p.port === port);
      if (sp) servicesByName.set(s.hostname.toLowerCase(), { ...s, ports: [sp] });
    }
    // Outside port 80, only VirtualServices for services on this port.
    const selected = port === 80 ? vss : vss.filter((vs) => (vs.spec.hosts ?? []).some((h) => [...servicesByName.keys()].some((sh) => hostMatches(h.toLowerCase(), sh))));
    const vsWrappers = wrappersForVirtualServices(selected, servicesByName, port, ctx).filter((w) => w.port === port);
    wrappers.push(...vsWrappers);
    const covered = new Set(vsWrappers.flatMap((w) => w.services.map((s) => s.hostname)));
    for (const s of servicesByName.values()) {
      if (covered.has(s.hostname) || s.resolution === 'Alias') continue;
      if (!isHttpOrSniffed(s.ports[0]!.protocol)) continue;
      wrappers.push({ port, services: [s], vsHosts: [], routes: [defaultRoute(push, proxy, s, port, problems)] });
    }
  }
  const names = new Set<string>();
  const usedDomains = new Set<string>();
  const vhosts: Json[] = [];
  const add = (name: string, domains: string[], routes: Json[]) => {
    if (names.has(name)) {
      problems.push({ resource: `proxy ${proxy.id}`, message: `duplicate virtual host ${name}: the first one wins` });
      return;
    }
    names.add(name);
    let kept = domains.filter((d) => !usedDomains.has(d.toLowerCase()));
    // The explicit proxy's route mixes every port: there only port-qualified names are unambiguous.
    if (listenPort === 0 && !name.endsWith(':80')) kept = kept.filter((d) => d.includes(':'));
    for (const d of kept) usedDomains.add(d.toLowerCase());
    if (kept.length) vhosts.push({ name, domains: kept, routes, include_request_attempt_count: true });
  };
  for (const w of wrappers) {
    for (const h of w.vsHosts) add(domainName(h, w.port), [h, domainName(h, w.port)], w.routes);
    for (const s of w.services) add(domainName(s.hostname, w.port), virtualHostDomains(s, w.port, proxy.dnsDomain).domains, w.routes);
  }
  return vhosts.sort((a, b) => (a.name as string).localeCompare(b.name as string));
}

/** The sidecar route configuration for `routeName` (`9080`, or `http_proxy`). */
export function buildSidecarRouteConfiguration(proxy: Proxy, push: PushContext, routeName: string, problems: TranslationProblem[]): Json {
  const numeric = /^\d+$/.test(routeName);
  // Istio answers a name it does not generate with an empty configuration.
  if (!numeric && routeName !== HTTP_PROXY_ROUTE) return { name: routeName, virtual_hosts: [], validate_clusters: false };
  const listenPort = numeric ? Number(routeName) : 0;
  const virtualHosts = sidecarVirtualHosts(proxy, push, { listenPort, problems });
  virtualHosts.push(catchAllVirtualHost(push));
  return { name: routeName, virtual_hosts: virtualHosts, validate_clusters: false, max_direct_response_body_size_bytes: MAX_DIRECT_RESPONSE_BODY };
}
