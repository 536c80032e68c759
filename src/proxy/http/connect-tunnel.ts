// CONNECT on an HTTP connection manager, for the sidecar's explicit HTTP proxy listener (apps'
// HTTP_PROXY; undici's ProxyAgent tunnels even http:// requests). After `200 Connection
// established` the tunnel's first bytes decide: HTTP is served by this same connection manager
// (routed by the inner Host header, as absolute-form requests are); anything else (TLS, raw TCP)
// goes where iptables would have sent it — the outbound listener for the port when it proxies TCP
// (a TCP service) — else to a host of the cluster the route for `host:port` names:
// PassthroughCluster reaches the CONNECT target itself, BlackHoleCluster (no endpoints) closes it.

import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { findRoute, findVirtualHost } from '../config/route-configuration.js';
import { sniff, type SniffResult } from '../listener/protocol-sniffer.js';
import { selectFilterChain } from '../listener/filter-chain-match.js';
import { acceptOnChain } from '../listener/chain-dispatch.js';
import type { HttpConnectionManager } from './connection-manager.js';
import type { OriginalDestination } from './stream.js';

const SNIFF_TIMEOUT_MS = 5000;

export function parseConnectTarget(target: string): OriginalDestination | undefined {
  const bracket = target.startsWith('[') ? target.indexOf(']') : -1;
  const colon = target.lastIndexOf(':');
  if (colon <= bracket || colon <= 0) return undefined;
  const port = Number(target.slice(colon + 1));
  const host = target.slice(0, colon).replace(/^\[|\]$/g, '').toLowerCase();
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host, port };
}

export async function handleConnect(hcm: HttpConnectionManager, req: { readonly url: string }, socket: Duplex, head: Buffer): Promise<void> {
  const dest = parseConnectTarget(req.url);
  if (!dest) {
    socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    return;
  }
  socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
  if (head.length > 0) socket.unshift(head);
  // A port whose outbound listener only proxies TCP needs no sniffing; waiting for client bytes
  // would stall server-first protocols (MySQL, SMTP), which speak before the client does.
  const outbound = hcm.proxy.outboundListenerFor?.(dest.host, dest.port);
  if (outbound && outbound.listener.filterChains.every((c) => c.filter.kind === 'tcp') && !outbound.listener.defaultFilterChain) {
    tunnelTcp(hcm, socket, dest, RAW);
    return;
  }
  // No bytes before the timeout: treat the tunnel as raw TCP, as continue_on_listener_filters_timeout does.
  const sniffed = (await sniff(socket as Socket, SNIFF_TIMEOUT_MS)) ?? RAW;
  if (socket.destroyed) return;
  if (sniffed.transportProtocol === 'raw_buffer' && sniffed.applicationProtocols.length > 0) {
    hcm.acceptConnection(socket, dest, sniffed);
    return;
  }
  tunnelTcp(hcm, socket, dest, sniffed);
}

const RAW: SniffResult = { transportProtocol: 'raw_buffer', applicationProtocols: [] };

function tunnelTcp(hcm: HttpConnectionManager, socket: Duplex, dest: OriginalDestination, sniffed: SniffResult): void {
  // Where iptables would have delivered it: the outbound listener for the port (a TCP service's
  // tcp_proxy chain, or a TLS passthrough chain matched by server name).
  const outbound = hcm.proxy.outboundListenerFor?.(dest.host, dest.port);
  if (outbound) {
    const ip = isIP(dest.host) ? dest.host : undefined;
    const chain = selectFilterChain(outbound.listener, {
      destinationPort: dest.port,
      destinationIp: ip,
      serverName: ip ? undefined : dest.host,
      transportProtocol: sniffed.transportProtocol,
      applicationProtocols: sniffed.applicationProtocols,
    });
    if (chain && chain.filter.kind === 'tcp') {
      acceptOnChain(outbound, chain, socket, dest, sniffed);
      return;
    }
  }
  const rc = hcm.routeConfiguration();
  const authority = `${dest.host}:${dest.port}`;
  const vh = rc && findVirtualHost(rc, authority);
  const route = vh && findRoute(vh, { method: 'CONNECT', path: '/', authority, scheme: 'http', headers: {}, remoteAddress: '' });
  // A CONNECT request matches no path route; fall back to the virtual host's catch-all prefix route.
  const chosen = route ?? vh?.routes.find((r) => r.match.kind === 'prefix' && r.match.value === '/' && r.match.headers.length === 0);
  const action = chosen?.action;
  const clusterName = action?.cluster ?? action?.weightedClusters?.clusters[0]?.name;
  const cluster = clusterName ? hcm.proxy.clusters.get(clusterName) : undefined;
  const host = cluster?.config.type === 'ORIGINAL_DST' ? cluster.originalDstHost(dest.host, dest.port) : cluster?.chooseHost(undefined, 0);
  if (!cluster || !host) {
    socket.destroy();
    return;
  }
  const upstream = connect({ host: host.address, port: host.port });
  upstream.setTimeout(cluster.config.connectTimeoutMs, () => upstream.destroy());
  upstream.once('connect', () => {
    upstream.setTimeout(0);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  upstream.on('close', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
}
