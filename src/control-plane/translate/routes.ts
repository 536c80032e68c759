// RDS: the route configurations a proxy asks for, by name (sidecars: `9080`, `http_proxy`;
// gateways: `http.8080`, `https.443.https.bookinfo-gateway.default`).
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import type { Json } from './envoy-common.js';
import { buildGatewayRouteConfiguration } from './gateway-routes.js';
import { HTTP_PROXY_ROUTE } from './names.js';
import type { TranslationProblem } from './route-policies.js';
import { buildSidecarRouteConfiguration } from './sidecar-routes.js';

/** The explicit HTTP proxy port of a sidecar (node metadata first, then mesh config), 0 for none. */
export function httpProxyPort(proxy: Proxy, push: PushContext): number {
  return proxy.metadata.httpProxyPort ?? push.mesh.proxyHttpPort;
}

/** Route configuration names the proxy's listeners refer to. */
export function routeNames(proxy: Proxy, push: PushContext): string[] {
  if (proxy.type === 'router') return [...push.mergedGateway(proxy).merged.serversByRouteName.keys()];
  const ports = new Set<number>();
  for (const s of push.servicesFor(proxy.namespace)) for (const p of s.ports) if (isHttpOrSniffed(p.protocol)) ports.add(p.port);
  const names = [...ports].sort((a, b) => a - b).map(String);
  if (httpProxyPort(proxy, push)) names.push(HTTP_PROXY_ROUTE);
  return names;
}

/**
 * Route configurations for `names`, or for every name the proxy's listeners use. A sidecar asking
 * for a port with no services gets an empty configuration with just the catch-all, as Istio
 * answers. Problems with individual rules (unsupported fields) are added to `problems`.
 */
export function buildRoutes(proxy: Proxy, push: PushContext, names?: readonly string[], problems: TranslationProblem[] = []): Json[] {
  return (names ?? routeNames(proxy, push)).map((name) => (proxy.type === 'router'
    ? buildGatewayRouteConfiguration(proxy, push, name, problems)
    : buildSidecarRouteConfiguration(proxy, push, name, problems)));
}
