// WebSocket upgrades (HCM upgrade_configs websocket): the request is routed like any other, then
// the raw connection is tunnelled to the chosen endpoint, handshake included.

import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { findRoute, findVirtualHost } from '../config/route-configuration.js';
import type { HttpConnectionManager } from './connection-manager.js';
import type { Http1ServerRequest } from './http1-server-request.js';
import type { OriginalDestination } from './stream.js';

function reject(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
  else socket.destroy();
}

/** `destination` is where an explicit-proxy client was going (ORIGINAL_DST clusters connect there). */
export function proxyWebSocket(hcm: HttpConnectionManager, req: Http1ServerRequest, socket: Duplex, head: Buffer, destination: OriginalDestination | undefined): void {
  const upgrade = (req.upgrade ?? '').toLowerCase();
  if (!hcm.config.websocketUpgrade || upgrade !== 'websocket') {
    reject(socket, 403, 'Forbidden');
    return;
  }
  const rc = hcm.routeConfiguration();
  const host0 = req.headers.host;
  const authority = typeof host0 === 'string' ? host0.toLowerCase() : '';
  const vh = rc && findVirtualHost(rc, authority);
  const route = vh && findRoute(vh, { method: req.method, path: req.url, authority, scheme: 'http', headers: req.headers, remoteAddress: req.socket.remoteAddress ?? '' });
  const clusterName = route?.action?.cluster ?? route?.action?.weightedClusters?.clusters[0]?.name;
  const cluster = clusterName ? hcm.proxy.clusters.get(clusterName) : undefined;
  if (!route || !cluster) {
    reject(socket, route ? 503 : 404, route ? 'Service Unavailable' : 'Not Found');
    return;
  }
  const host = cluster.config.type === 'ORIGINAL_DST'
    ? destination && cluster.originalDstHost(destination.host, destination.port)
    : cluster.chooseHost(undefined, 0);
  if (!host) {
    reject(socket, 503, 'Service Unavailable');
    return;
  }
  const upstream = connect({ host: host.address, port: host.port });
  let head0 = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) head0 += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  head0 += '\r\n';
  upstream.once('connect', () => {
    upstream.write(head0);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', () => {
    if (!upstream.readyState || upstream.connecting) reject(socket, 503, 'Service Unavailable');
    close();
  });
  socket.on('error', close);
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
}
