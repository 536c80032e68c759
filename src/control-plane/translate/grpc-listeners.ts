// LDS for proxyless gRPC clients (Istio's grpcgen/lds.go). A channel with target
// `xds:///reviews.default.svc.cluster.local:9080` subscribes to the listener named exactly
// `reviews.default.svc.cluster.local:9080` and expects an `api_listener` holding an
// HttpConnectionManager whose RDS route configuration is named by the cluster key
// (`outbound|9080||reviews.default.svc.cluster.local`). Short names (`reviews:9080`,
// `reviews.default:9080`) resolve in the client's namespace, each answered under the name it asked.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import type { Service } from '../registry/service.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { adsConfigSource, socketAddress, typed, type Json } from './envoy-common.js';
import { clusterName, domainName } from './names.js';
import type { TranslationProblem } from './route-policies.js';

/** gRPC servers ask for their own listeners under this prefix (Istio's grpcxds.ServerListenerNamePrefix). */
export const GRPC_SERVER_LISTENER_PREFIX = 'xds.istio.io/grpc/lds/inbound/';

/** What one requested host stands for: the names it was asked under, and the ports (none = all). */
interface RequestedHost {
  readonly requestedNames: Set<string>;
  ports: Set<number> | undefined;
}

/** `host:port` split as Go's net.SplitHostPort does it (`[::1]:80` → `::1`, 80); undefined without a port. */
export function splitHostPort(name: string): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(name);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  const colon = name.lastIndexOf(':');
  if (colon <= 0 || name.indexOf(':') !== colon) return undefined;
  const port = name.slice(colon + 1);
  if (!/^\d+$/.test(port) || Number(port) > 65535) return undefined;
  return { host: name.slice(0, colon), port: Number(port) };
}

/**
 * Istio's tryFindFQDN: `reviews` → `reviews.<proxy DNS domain>`; `reviews.default` and
 * `reviews.default.svc` → the FQDN when `default` is the proxy's namespace. Undefined otherwise.
 */
export function expandShortName(name: string, proxy: Pick<Proxy, 'namespace' | 'dnsDomain'>): string | undefined {
  if (!name.includes('.')) return `${name}.${proxy.dnsDomain}`;
  for (const suffix of [proxy.namespace, `${proxy.namespace}.svc`]) {
    if (name.endsWith(`.${suffix}`) && proxy.dnsDomain.startsWith(suffix)) return `${name.slice(0, -(suffix.length + 1))}.${proxy.dnsDomain}`;
  }
  return undefined;
}

/** Requested listener names by the FQDN (or literal host) they may refer to; undefined means every service. */
function requestedHosts(names: readonly string[] | undefined, proxy: Proxy): Map<string, RequestedHost> | undefined {
  if (names === undefined) return undefined;
  const out = new Map<string, RequestedHost>();
  for (const name of names) {
    if (name.startsWith(GRPC_SERVER_LISTENER_PREFIX)) continue;
    const split = splitHostPort(name);
    const requested = split ? split.host : name;
    const fqdn = expandShortName(requested, proxy);
    for (const key of fqdn ? [requested, fqdn] : [requested]) {
      const existing = out.get(key);
      const entry: RequestedHost = existing ?? { requestedNames: new Set(), ports: split ? new Set() : undefined };
      entry.requestedNames.add(requested);
      // A request without a port widens the entry to every port, and nothing narrows it again.
      if (!split) entry.ports = undefined;
      else entry.ports?.add(split.port);
      out.set(key, entry);
    }
  }
  return out;
}

function apiListener(name: string, service: Service, port: number): Json {
  const hcm: Json = {
    // gRPC's client filter chain: fault injection (per-route config from VirtualServices), then the router.
    http_filters: [
      { name: 'envoy.filters.http.fault', typed_config: typed(TYPE_URL.HTTP_FAULT) },
      { name: 'envoy.filters.http.router', typed_config: typed(TYPE_URL.ROUTER) },
    ],
    rds: { config_source: adsConfigSource(), route_config_name: clusterName('outbound', undefined, service.hostname, port) },
  };
  return {
    name,
    address: socketAddress(service.addresses[0] ?? '0.0.0.0', port),
    api_listener: { api_listener: typed(TYPE_URL.HTTP_CONNECTION_MANAGER, hcm) },
  };
}

/**
 * The api_listeners for `names` (or, for a wildcard request, every HTTP-family port of every
 * visible service under its FQDN). A listener is duplicated for every name a client asked for,
 * since one client may watch both `reviews:9080` and `reviews.default:9080`.
 */
export function buildGrpcListeners(proxy: Proxy, push: PushContext, names: readonly string[] | undefined, problems: TranslationProblem[]): Json[] {
  for (const name of names ?? []) {
    if (name.startsWith(GRPC_SERVER_LISTENER_PREFIX)) {
      problems.push({ resource: `listener ${name}`, message: 'xDS-enabled gRPC servers (inbound listeners) are not served by Skiff yet; the listener is not generated' });
    }
  }
  const filter = requestedHosts(names, proxy);
  const out: Json[] = [];
  for (const service of push.servicesFor(proxy.namespace)) {
    const match: RequestedHost | undefined = filter ? filter.get(service.hostname) : { requestedNames: new Set([service.hostname]), ports: undefined };
    if (!match) continue;
    for (const requested of [...match.requestedNames].sort()) {
      for (const port of service.ports) {
        if (!isHttpOrSniffed(port.protocol)) continue;
        if (match.ports && !match.ports.has(port.port)) continue;
        out.push(apiListener(domainName(requested, port.port), service, port.port));
      }
    }
  }
  return out;
}
