// A sidecar's outbound listeners (Istio's buildSidecarOutboundListeners): one `0.0.0.0_<port>`
// listener per HTTP port, routing by RDS `<port>`; for TCP and TLS ports a listener on the
// service VIP (or 0.0.0.0 when it has none) with tcp_proxy filter chains, chosen by SNI for TLS.
// These listeners do not bind: traffic reaches them through capture (virtualOutbound) or, in
// Skiff's local runtime, through the explicit HTTP proxy listener.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { hostMatches } from '../model/host.js';
import { MESH_GATEWAY, type VirtualServiceConfig } from '../model/virtual-services.js';
import { isHttpOrSniffed, isTlsProtocol } from '../registry/protocol.js';
import type { Service, ServicePort } from '../registry/service.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { socketAddress, typed, type Json } from './envoy-common.js';
import { httpConnectionManager, tcpProxy } from './http-connection-manager.js';
import { tcpRouteTarget, tlsRouteChains, type L4Context, type TcpTarget } from './l4-routes.js';
import { clusterName, listenerName } from './names.js';
import { resolveShortname } from '../model/host.js';
import type { TranslationProblem } from './route-policies.js';

const WILDCARD = '0.0.0.0';

function statPrefixFor(target: TcpTarget): string {
  return 'cluster' in target ? target.cluster : target.weighted[0]?.name ?? 'weighted';
}

function tcpChain(target: TcpTarget, match?: Json): Json {
  const chain: Json = {};
  if (match) chain.filter_chain_match = match;
  chain.filters = [tcpProxy(statPrefixFor(target), target)];
  return chain;
}

function vssFor(service: Service, vss: readonly VirtualServiceConfig[]): VirtualServiceConfig[] {
  return vss.filter((vs) => (vs.spec.hosts ?? []).some((h) => hostMatches(h.toLowerCase(), service.hostname)));
}

interface PortGroup {
  readonly address: string;
  readonly port: number;
  readonly kind: 'http' | 'tls' | 'tcp';
  readonly entries: { service: Service; port: ServicePort }[];
}

export function sidecarOutboundListeners(proxy: Proxy, push: PushContext, problems: TranslationProblem[]): Json[] {
  const vss = push.virtualServicesForGateway(proxy.namespace, MESH_GATEWAY);
  const groups = new Map<string, PortGroup>();
  for (const service of push.servicesFor(proxy.namespace)) {
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      const kind = isHttpOrSniffed(port.protocol) ? 'http' : isTlsProtocol(port.protocol) ? 'tls' : 'tcp';
      // HTTP shares the wildcard listener; TCP and TLS use the service VIP when there is one.
      const address = kind === 'http' ? WILDCARD : service.addresses[0] ?? WILDCARD;
      const key = listenerName(address, port.port);
      const group = groups.get(key);
      if (!group) { groups.set(key, { address, port: port.port, kind, entries: [{ service, port }] }); continue; }
      if (group.kind !== kind) {
        problems.push({ resource: `Service ${service.namespace}/${service.name}`, message: `port ${port.port} (${port.protocol}) conflicts with another service's ${group.kind.toUpperCase()} listener ${key}; give the service a VIP or another port` });
        continue;
      }
      group.entries.push({ service, port });
    }
  }
  const listeners: Json[] = [];
  for (const [name, group] of groups) {
    const ctx: L4Context = { proxy, push, gatewayNames: new Set([MESH_GATEWAY]), port: group.port };
    const listener: Json = { name, address: socketAddress(group.address, group.port) };
    if (group.kind === 'http') {
      listener.filter_chains = [{ filters: [httpConnectionManager({ statPrefix: `outbound_${name}`, listenerClass: 'sidecar-outbound', rds: String(group.port) })] }];
    } else if (group.kind === 'tls') {
      const chains: Json[] = [];
      for (const { service, port } of group.entries) {
        const routed = tlsRouteChains(vssFor(service, vss), ctx, (sni, vs) => sni.map((h) => resolveShortname(h, vs.meta.namespace, push.mesh.clusterDomain)));
        for (const c of routed) chains.push(tcpChain(c.target, { server_names: c.serverNames }));
        if (!routed.length) {
          const target: TcpTarget = { cluster: clusterName('outbound', undefined, service.hostname, port.port) };
          chains.push(tcpChain(target, group.address === WILDCARD ? { server_names: [service.hostname] } : undefined));
        }
      }
      listener.filter_chains = chains;
      listener.listener_filters = [{ name: 'envoy.filters.listener.tls_inspector', typed_config: typed(TYPE_URL.TLS_INSPECTOR) }];
    } else {
      const [{ service, port }] = group.entries as [{ service: Service; port: ServicePort }];
      if (group.entries.length > 1) {
        problems.push({ resource: `proxy ${proxy.id}`, message: `TCP services ${group.entries.map((e) => e.service.hostname).join(', ')} share listener ${name}; only ${service.hostname} is reachable there` });
      }
      const routed = tcpRouteTarget(vssFor(service, vss), ctx);
      listener.filter_chains = [tcpChain(routed?.target ?? { cluster: clusterName('outbound', undefined, service.hostname, port.port) })];
    }
    listener.traffic_direction = 'OUTBOUND';
    listener.bind_to_port = false;
    listeners.push(listener);
  }
  return listeners.sort((a, b) => (a.name as string).localeCompare(b.name as string));
}
