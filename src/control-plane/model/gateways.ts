// Gateways a gateway proxy serves, merged by listener port as Istio's mergeGateways does
// (pilot/pkg/model/gateway.go): plaintext HTTP servers on one port share a route configuration
// `http.<port>`; each HTTPS server that terminates TLS gets `https.<port>.<portName>.<gw>.<ns>`;
// TLS passthrough and TCP servers become filter chains without routes.
import type { Resource } from '../../config/resource.js';
import type { GatewaySpec, Server } from './api-types.js';
import { compareByCreation, configMeta, type ConfigMeta } from './config-meta.js';
import { gatewayListenerPort, type MeshConfig } from './mesh-config.js';
import { parseProtocol } from '../registry/protocol.js';
import { isHttpProtocol } from '../registry/protocol.js';
import { labelsMatch } from '../registry/service.js';
import type { ConfigProblem } from './virtual-services.js';

export interface GatewayConfig {
  readonly meta: ConfigMeta;
  readonly spec: GatewaySpec;
}

export interface MergedServer {
  /** The server with `./host` and `*\/host` hosts rewritten (Istio's sanitizeServerHostNamespace). */
  readonly server: Server;
  /** `namespace/name` of its Gateway. */
  readonly gatewayName: string;
  /** RDS name for HTTP and terminated HTTPS servers; '' for TCP, TLS and passthrough. */
  readonly routeName: string;
}

export interface MergedPort {
  /** The port the gateway listener binds (server port mapped by the runtime, 80 → 8080). */
  readonly listenerPort: number;
  readonly protocol: string;
  readonly bind?: string;
  /** Whether the servers on this port are plaintext (HTTP, TCP) rather than TLS. */
  readonly plaintext: boolean;
  readonly servers: readonly MergedServer[];
}

export interface MergedGateway {
  readonly ports: readonly MergedPort[];
  readonly serversByRouteName: ReadonlyMap<string, readonly MergedServer[]>;
  readonly gatewayNames: readonly string[];
}

export function gatewayConfigs(resources: readonly Resource[]): GatewayConfig[] {
  return resources.map((r) => ({ meta: configMeta(r), spec: (r.spec ?? {}) as GatewaySpec }))
    .sort((a, b) => compareByCreation(a.meta, b.meta));
}

/** Gateways whose selector matches the proxy's labels (an empty selector matches every gateway proxy). */
export function gatewaysForLabels(gateways: readonly GatewayConfig[], labels: Readonly<Record<string, string>>): GatewayConfig[] {
  return gateways.filter((g) => labelsMatch(g.spec.selector ?? {}, labels));
}

function sanitizeHosts(server: Server, namespace: string): Server {
  if (!server.hosts.some((h) => h.includes('/'))) return server;
  const hosts: string[] = [];
  for (const h of server.hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) { hosts.push(h); continue; }
    const ns = h.slice(0, slash);
    const name = h.slice(slash + 1);
    if (ns === '.') hosts.push(`${namespace}/${name}`);
    else if (ns === '*') {
      if (name === '*') return { ...server, hosts: ['*'] };
      hosts.push(name);
    } else hosts.push(h);
  }
  return { ...server, hosts };
}

export function isTlsServer(server: Server): boolean {
  const p = parseProtocol(server.port.protocol);
  return p === 'HTTPS' || p === 'TLS';
}

export function isPassthroughServer(server: Server): boolean {
  return server.tls?.mode === 'PASSTHROUGH' || server.tls?.mode === 'AUTO_PASSTHROUGH';
}

/** An HTTPS server whose TLS the gateway terminates, serving HTTP behind it. */
export function isHttpsTerminated(server: Server): boolean {
  return parseProtocol(server.port.protocol) === 'HTTPS' && !isPassthroughServer(server);
}

function routeNameFor(server: Server, listenerPort: number, gw: ConfigMeta): string {
  const p = parseProtocol(server.port.protocol);
  const bind = server.bind ? `.${server.bind}` : '';
  if (isHttpProtocol(p)) return `http.${listenerPort}${bind}`;
  if (p === 'HTTPS' && !isPassthroughServer(server)) {
    return `https.${server.port.number}.${server.port.name ?? ''}.${gw.name}.${gw.namespace}${bind}`;
  }
  return '';
}

/** Merge the servers of the gateways a proxy serves, reporting servers that conflict. */
export function mergeGateways(gateways: readonly GatewayConfig[], mesh: MeshConfig, problems: ConfigProblem[]): MergedGateway {
  const ports: { listenerPort: number; protocol: string; bind?: string; plaintext: boolean; servers: MergedServer[]; sniHosts: Set<string> }[] = [];
  const serversByRouteName = new Map<string, MergedServer[]>();
  for (const gw of gateways) {
    const gatewayName = `${gw.meta.namespace}/${gw.meta.name}`;
    for (const raw of gw.spec.servers ?? []) {
      const server = sanitizeHosts(raw, gw.meta.namespace);
      const listenerPort = gatewayListenerPort(server.port.number, mesh);
      const routeName = routeNameFor(server, listenerPort, gw.meta);
      const tls = isTlsServer(server);
      const merged: MergedServer = { server, gatewayName, routeName };
      const where = `Gateway ${gatewayName} server port ${server.port.number}`;
      const existing = ports.find((p) => p.listenerPort === listenerPort && (p.bind ?? '') === (server.bind ?? ''));
      if (!existing) {
        ports.push({ listenerPort, protocol: server.port.protocol, bind: server.bind, plaintext: !tls, servers: [merged], sniHosts: new Set(tls ? server.hosts : []) });
      } else if (existing.plaintext) {
        const bothHttp = !tls && isHttpProtocol(parseProtocol(existing.protocol)) && isHttpProtocol(parseProtocol(server.port.protocol));
        if (!bothHttp) {
          problems.push({ resource: where, message: `conflicts with the ${existing.protocol} server already on port ${listenerPort}: only HTTP servers can share a plaintext port` });
          continue;
        }
        existing.servers.push(merged);
      } else {
        if (!tls) {
          problems.push({ resource: where, message: `a plaintext ${server.port.protocol} server cannot share port ${listenerPort} with TLS servers` });
          continue;
        }
        const duplicates = server.hosts.filter((h) => existing.sniHosts.has(h));
        if (duplicates.length) {
          problems.push({ resource: where, message: `duplicate TLS hosts on port ${listenerPort}: ${duplicates.join(', ')}` });
          continue;
        }
        if (routeName && serversByRouteName.has(routeName)) {
          problems.push({ resource: where, message: `HTTPS port name "${server.port.name ?? ''}" is not unique on port ${listenerPort}` });
          continue;
        }
        for (const h of server.hosts) existing.sniHosts.add(h);
        existing.servers.push(merged);
      }
      if (routeName) {
        const list = serversByRouteName.get(routeName) ?? [];
        list.push(merged);
        serversByRouteName.set(routeName, list);
      }
    }
  }
  return {
    ports: ports.map(({ sniHosts: _s, ...p }) => p),
    serversByRouteName,
    gatewayNames: gateways.map((g) => `${g.meta.namespace}/${g.meta.name}`),
  };
}
