// Gateway listeners (Istio's gateway.go): one listener per merged server port. Plaintext HTTP
// servers share an HTTP connection manager on RDS `http.<port>`; each TLS-terminating HTTPS
// server gets a filter chain matching its SNI hosts, with its certificate; TLS passthrough and
// TCP servers proxy bytes to the destinations of the VirtualService `tls`/`tcp` rules bound to them.
import { hostIntersection } from '../model/host.js';
import { isHttpsTerminated, isPassthroughServer, type MergedServer } from '../model/gateways.js';
import { servedPort, type Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { isHttpProtocol, parseProtocol } from '../registry/protocol.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { socketAddress, typed, type Json } from './envoy-common.js';
import { gatewayTransportSocket } from './downstream-tls.js';
import { httpConnectionManager, tcpProxy } from './http-connection-manager.js';
import { tcpRouteTarget, tlsRouteChains, type L4Context, type TcpTarget } from './l4-routes.js';
import { listenerName } from './names.js';
import type { TranslationProblem } from './route-policies.js';

function serverHostsFor(hosts: readonly string[], namespace: string): string[] {
  return hosts.flatMap((h) => {
    const slash = h.indexOf('/');
    if (slash < 0) return [h];
    const ns = h.slice(0, slash);
    return ns === namespace || ns === '*' ? [h.slice(slash + 1)] : [];
  });
}

function bareHosts(hosts: readonly string[]): string[] {
  return hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h));
}

/** SNI match for a server: nothing when it takes any host. */
function sniMatch(hosts: readonly string[]): Json | undefined {
  const names = [...new Set(bareHosts(hosts))];
  return names.includes('*') ? undefined : { server_names: names };
}

function statPrefix(target: TcpTarget): string {
  return 'cluster' in target ? target.cluster : target.weighted[0]?.name ?? 'weighted';
}

function serverChains(proxy: Proxy, push: PushContext, m: MergedServer, name: string, problems: TranslationProblem[]): Json[] {
  const { server, gatewayName, routeName } = m;
  const protocol = parseProtocol(server.port.protocol);
  const ctx: L4Context = { proxy, push, gatewayNames: new Set([gatewayName]), port: server.port.number };
  const vss = push.virtualServicesForGateway(proxy.namespace, gatewayName);
  if (isHttpProtocol(protocol)) {
    return [{ filters: [httpConnectionManager({ statPrefix: `outbound_${name}`, listenerClass: 'gateway', rds: routeName })] }];
  }
  if (isHttpsTerminated(server)) {
    const chain: Json = {};
    const match = sniMatch(server.hosts);
    if (match) chain.filter_chain_match = match;
    chain.filters = [httpConnectionManager({ statPrefix: `outbound_${name}`, listenerClass: 'gateway', rds: routeName })];
    chain.transport_socket = gatewayTransportSocket(server.tls ?? {}, true);
    return [chain];
  }
  if (isPassthroughServer(server)) {
    const chains = tlsRouteChains(vss, ctx, (sni, vs) => hostIntersection(serverHostsFor(server.hosts, vs.meta.namespace), sni));
    if (!chains.length) problems.push({ resource: `Gateway ${gatewayName} server port ${server.port.number}`, message: 'no VirtualService tls rule is bound to this passthrough server; it accepts no connections' });
    return chains.map((c) => ({ filter_chain_match: { server_names: c.serverNames }, filters: [tcpProxy(statPrefix(c.target), c.target)] }));
  }
  // TCP, or TLS terminated at the gateway with TCP behind it.
  const routed = tcpRouteTarget(vss.filter((vs) => hostIntersection(serverHostsFor(server.hosts, vs.meta.namespace), vs.spec.hosts ?? []).length > 0), ctx);
  if (!routed) {
    problems.push({ resource: `Gateway ${gatewayName} server port ${server.port.number}`, message: 'no VirtualService tcp rule is bound to this server; it accepts no connections' });
    return [];
  }
  const chain: Json = {};
  if (server.tls) {
    const match = sniMatch(server.hosts);
    if (match) chain.filter_chain_match = match;
    chain.transport_socket = gatewayTransportSocket(server.tls, false);
  }
  chain.filters = [tcpProxy(statPrefix(routed.target), routed.target)];
  return [chain];
}

export function gatewayListeners(proxy: Proxy, push: PushContext, problems: TranslationProblem[]): Json[] {
  const { merged, problems: mergeProblems } = push.mergedGateway(proxy);
  problems.push(...mergeProblems);
  const out: Json[] = [];
  for (const port of merged.ports) {
    const bind = port.bind ?? proxy.metadata.bindAddress ?? '0.0.0.0';
    const served = servedPort(proxy.metadata, port.listenerPort);
    const name = listenerName(bind, served);
    // Plaintext HTTP servers on one port share one connection manager.
    const servers = port.plaintext && isHttpProtocol(parseProtocol(port.protocol)) ? port.servers.slice(0, 1) : port.servers;
    const chains = servers.flatMap((m) => serverChains(proxy, push, m, name, problems));
    if (!chains.length) continue;
    const listener: Json = { name, address: socketAddress(bind, served), filter_chains: chains };
    if (!port.plaintext) listener.listener_filters = [{ name: 'envoy.filters.listener.tls_inspector', typed_config: typed(TYPE_URL.TLS_INSPECTOR) }];
    listener.traffic_direction = 'OUTBOUND';
    out.push(listener);
  }
  return out;
}
