// The sidecar's outbound side in Skiff's local mode: an explicit HTTP proxy on loopback (apps use
// HTTP_PROXY). An absolute-form request (`GET http://reviews:9080/x`) or a CONNECT tunnel is
// dispatched by its destination port to the outbound listener for that port (`0.0.0.0_9080`,
// bind_to_port false), exactly where iptables would have delivered it in Istio; that listener's
// filter chain (usually an HCM with RDS route config `9080`) handles it.

import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { OriginalDestination } from '../http/stream.js';
import { Http1Server, type Http1ServerHandler } from '../http/http1-server.js';
import type { Http1ServerRequest } from '../http/http1-server-request.js';
import type { Http1ServerResponse } from '../http/http1-server-response.js';
import { needsSniffing, selectFilterChain, type ConnectionInfo } from './filter-chain-match.js';
import type { ListenerRuntime } from './listener-runtime.js';
import { sniff } from './protocol-sniffer.js';
import { acceptOnChain } from './chain-dispatch.js';

export interface OutboundDispatch {
  /** The outbound listener for a destination, else the explicit proxy's own listener. */
  listenerFor(host: string, port: number): ListenerRuntime | undefined;
}

function parseTarget(target: string, defaultPort: number): OriginalDestination | undefined {
  let host = target;
  let port = defaultPort;
  const bracket = target.startsWith('[') ? target.indexOf(']') : -1;
  const colon = target.lastIndexOf(':');
  if (colon > bracket && colon > 0) {
    port = Number(target.slice(colon + 1));
    host = target.slice(0, colon);
  }
  host = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host, port };
}

/** What the tunnel's first bytes said, when they were read; else the HCM looks itself. */
function sniffedInfo(info: ConnectionInfo) {
  return info.applicationProtocols.length > 0 ? { transportProtocol: info.transportProtocol as 'tls' | 'raw_buffer', applicationProtocols: [...info.applicationProtocols] } : undefined;
}

const BAD_TARGET = Buffer.from('bad proxy request target');

export class ExplicitProxy implements Http1ServerHandler {
  /**
   * The proxy's own HTTP/1.1 codec, with Envoy's default header limit and node:http's timeouts;
   * each request then meets the limits of the connection manager it is dispatched to. Upgrade
   * requests are forwarded as ordinary requests (their hop-by-hop headers stop here); CONNECT
   * opens a tunnel.
   */
  readonly http1 = new Http1Server(
    {
      maxHeaderBytes: 60 * 1024,
      maxHeadersCount: 2000,
      headersTimeoutMs: 60_000,
      requestTimeoutMs: 300_000,
      idleTimeoutMs: 3_600_000,
      streamIdleTimeoutMs: 0,
      upgradesAreRequests: true,
    },
    this,
  );

  constructor(private readonly dispatch: OutboundDispatch, private readonly own: () => ListenerRuntime) {}

  accept(socket: Socket): void {
    this.http1.accept(socket);
  }

  private info(dest: OriginalDestination, applicationProtocols: string[]): ConnectionInfo {
    const ip = isIP(dest.host) ? dest.host : undefined;
    return {
      destinationPort: dest.port,
      destinationIp: ip,
      serverName: ip ? undefined : dest.host,
      transportProtocol: 'raw_buffer',
      applicationProtocols,
    };
  }

  onRequest(req: Http1ServerRequest, res: Http1ServerResponse): void {
    const url = req.url;
    let dest: OriginalDestination | undefined;
    let runtime: ListenerRuntime | undefined;
    if (url.startsWith('http://')) {
      const slash = url.indexOf('/', 7);
      dest = parseTarget(slash < 0 ? url.slice(7) : url.slice(7, slash), 80);
      if (dest) runtime = this.dispatch.listenerFor(dest.host, dest.port);
    } else {
      // Origin-form: someone spoke plain HTTP to the proxy port; its own chains decide.
      const local = req.socket.localPort ?? 0;
      const host = req.headers.host;
      dest = parseTarget(typeof host === 'string' ? host : '', local) ?? { host: req.socket.localAddress ?? '127.0.0.1', port: local };
      runtime = this.own();
    }
    if (!dest || !runtime) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(BAD_TARGET);
      return;
    }
    const chain = selectFilterChain(runtime.listener, this.info(dest, [req.httpVersion === '1.0' ? 'http/1.0' : 'http/1.1']));
    if (!chain) {
      // No chain takes it: Envoy closes the connection.
      res.destroy();
      return;
    }
    const rt = runtime.chainRuntime(chain);
    const hcm = rt.kind === 'http' ? rt.hcm : runtime.httpForTcpChain(chain);
    if (!hcm) {
      res.destroy();
      return;
    }
    hcm.handle(req, res, dest);
  }

  /** Only CONNECT comes here: the explicit proxy serves Upgrade requests as ordinary ones. */
  onUpgrade(req: Http1ServerRequest, socket: Duplex, head: Buffer): void {
    void this.onConnect(req, socket as Socket, head);
  }

  private async onConnect(req: Http1ServerRequest, socket: Socket, head: Buffer): Promise<void> {
    const dest = parseTarget(req.url, 443);
    const runtime = dest && this.dispatch.listenerFor(dest.host, dest.port);
    if (!dest || !runtime) {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    let info = this.info(dest, []);
    if (needsSniffing(runtime.listener)) {
      const sniffed = await sniff(socket, runtime.listener.listenerFiltersTimeoutMs);
      if (!sniffed && !runtime.listener.continueOnListenerFiltersTimeout) {
        socket.destroy();
        return;
      }
      if (sniffed) info = { ...info, transportProtocol: sniffed.transportProtocol, applicationProtocols: sniffed.applicationProtocols };
    }
    const chain = selectFilterChain(runtime.listener, info);
    if (!chain) {
      socket.destroy();
      return;
    }
    acceptOnChain(runtime, chain, socket, dest, sniffedInfo(info));
  }
}
