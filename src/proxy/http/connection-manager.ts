// The HTTP connection manager of one filter chain. It never listens itself: the listener hands it
// connections (accepted sockets, CONNECT tunnels). HTTP/1.1 is served by the proxy's own codec
// (http1-server.ts: llhttp straight from the socket, keep-alive, pipelining, timeouts from this
// config); h2c by node:http2. Each request becomes an HttpStream.

import { createServer as createH2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { sniff, type SniffResult } from '../listener/protocol-sniffer.js';
import type { Duplex } from 'node:stream';
import type { HttpConnectionManagerConfig } from '../config/http-connection-manager.js';
import type { RouteConfiguration } from '../config/route-configuration.js';
import type { Stat } from '../telemetry/stats.js';
import type { ProxyContext } from './proxy-context.js';
import { HttpStream, onResponseClose, STREAM_OF_RESPONSE, type OriginalDestination } from './stream.js';
import { proxyWebSocket } from './websocket.js';
import { handleConnect } from './connect-tunnel.js';
import { rejectHttp1Request } from './request-rejection.js';
import { ResponseFlag } from '../telemetry/response-flags.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import { Http1Server, type Http1ServerHandler } from './http1-server.js';
import type { Http1ServerRequest } from './http1-server-request.js';
import { Http1ServerResponse } from './http1-server-response.js';
import { http2Request } from './http2-downstream.js';

interface HcmStats {
  rqTotal: Stat;
  rqActive: Stat;
  rqCompleted: Stat;
  rq1xx: Stat;
  rq2xx: Stat;
  rq3xx: Stat;
  rq4xx: Stat;
  rq5xx: Stat;
  cxTotal: Stat;
  cxActive: Stat;
  noRoute: Stat;
}

/** Original destination of an h2c session's socket handed over by the explicit proxy (CONNECT tunnels). */
const sessionDestination = new WeakMap<object, OriginalDestination>();

export class HttpConnectionManager implements Http1ServerHandler {
  /** HTTP/1.1 connections, on the proxy's own codec. */
  readonly http1: Http1Server;
  /** Cleartext HTTP/2 (h2c), created for the first HTTP/2 connection. */
  private h2: Http2Server | undefined;
  private readonly h2Sessions = new Set<ServerHttp2Session>();
  private pendingH2Destination: OriginalDestination | undefined;
  private readonly stats: HcmStats;
  /** Retired by a listener update or shutdown: responses ask clients to reconnect. */
  draining = false;
  private readonly headersTimeoutMs: number;

  constructor(
    readonly config: HttpConnectionManagerConfig,
    readonly proxy: ProxyContext,
    /** The listener's traffic_direction: Istio metrics report INBOUND as `destination`. */
    readonly direction: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND' = 'UNSPECIFIED',
  ) {
    this.headersTimeoutMs = config.requestHeadersTimeoutMs > 0 ? config.requestHeadersTimeoutMs : 60_000;
    this.http1 = new Http1Server(
      {
        maxHeaderBytes: config.maxRequestHeadersKb * 1024,
        maxHeadersCount: config.maxHeadersCount,
        headersTimeoutMs: this.headersTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        streamIdleTimeoutMs: config.streamIdleTimeoutMs,
        upgradesAreRequests: false,
      },
      this,
    );
    const c = (suffix: string) => proxy.stats.scoped('counter', 'http', 'http_conn_manager_prefix', config.statPrefix, suffix);
    const g = (suffix: string) => proxy.stats.scoped('gauge', 'http', 'http_conn_manager_prefix', config.statPrefix, suffix);
    this.stats = {
      rqTotal: c('downstream_rq_total'),
      rqActive: g('downstream_rq_active'),
      rqCompleted: c('downstream_rq_completed'),
      rq1xx: c('downstream_rq_1xx'),
      rq2xx: c('downstream_rq_2xx'),
      rq3xx: c('downstream_rq_3xx'),
      rq4xx: c('downstream_rq_4xx'),
      rq5xx: c('downstream_rq_5xx'),
      cxTotal: c('downstream_cx_total'),
      cxActive: g('downstream_cx_active'),
      noRoute: c('no_route'),
    };
  }

  /**
   * Serves a connection accepted by a listener (or a CONNECT tunnel's inner stream). With codec
   * AUTO the first bytes decide between HTTP/1.1 and h2c, unless the listener already sniffed them.
   */
  acceptConnection(socket: Duplex, destination?: OriginalDestination, sniffed?: SniffResult): void {
    const codec = this.config.codecType;
    if (codec !== 'AUTO' || sniffed) {
      const h2 = codec === 'HTTP2' || (codec === 'AUTO' && !!sniffed?.applicationProtocols.includes('h2c'));
      this.serve(socket, h2, destination);
      return;
    }
    void sniff(socket as Socket, this.headersTimeoutMs).then((r) => {
      if (!r) socket.destroy();
      else this.serve(socket, r.applicationProtocols.includes('h2c'), destination);
    });
  }

  private serve(socket: Duplex, http2: boolean, destination: OriginalDestination | undefined): void {
    this.stats.cxTotal.value++;
    const active = this.stats.cxActive;
    active.value++;
    // Per connection, not per request; a CONNECT tunnel's socket may be served by two managers in turn.
    socket.once('close', () => active.value--);
    if (!http2) {
      this.http1.accept(socket, destination);
      return;
    }
    const h2 = (this.h2 ??= this.createH2());
    // The session is created while 'connection' is emitted, for this socket.
    this.pendingH2Destination = destination;
    h2.emit('connection', socket);
    this.pendingH2Destination = undefined;
  }

  private createH2(): Http2Server {
    const h2 = createH2Server((req: Http2ServerRequest, res: Http2ServerResponse) => {
      const session = req.stream.session;
      // Http2ServerResponse has all a DownstreamResponse needs; only its overloaded end() keeps
      // TypeScript from seeing that.
      this.handle(http2Request(req), res as unknown as DownstreamResponse, session ? sessionDestination.get(session) : undefined);
    });
    h2.on('session', (session: ServerHttp2Session) => {
      const dest = this.pendingH2Destination;
      if (dest) sessionDestination.set(session, dest);
      this.h2Sessions.add(session);
      session.once('close', () => this.h2Sessions.delete(session));
      if (this.proxy.draining || this.draining) session.close();
    });
    h2.on('sessionError', () => undefined);
    return h2;
  }

  // ---- Http1ServerHandler ----
  onRequest(req: Http1ServerRequest, res: Http1ServerResponse, destination: OriginalDestination | undefined): void {
    this.handle(req, res, destination);
  }

  onUpgrade(req: Http1ServerRequest, socket: Duplex, head: Buffer, destination: OriginalDestination | undefined): void {
    if (req.method === 'CONNECT') void handleConnect(this, req, socket, head);
    else proxyWebSocket(this, req, socket, head, destination);
  }

  routeConfiguration(): RouteConfiguration | undefined {
    const source = this.config.routeSource;
    return source.kind === 'inline' ? source.config : this.proxy.current.routes.get(source.name)?.value;
  }

  handle(req: DownstreamRequest, res: DownstreamResponse, destination?: OriginalDestination): void {
    this.stats.rqTotal.value++;
    this.stats.rqActive.value++;
    const stream = new HttpStream(this, req, res, destination);
    if (res instanceof Http1ServerResponse) res.observer = stream;
    else {
      (res as DownstreamResponse & { [STREAM_OF_RESPONSE]?: HttpStream })[STREAM_OF_RESPONSE] = stream;
      // 'close' comes once per response: on() spares the wrapper once() allocates per request.
      (res as unknown as Http2ServerResponse).on('close', onResponseClose);
    }
    const rejection = stream.isHttp2 ? undefined : rejectHttp1Request(req, this.config.maxHeadersCount);
    if (rejection) {
      if (res instanceof Http1ServerResponse) res.closeAfter = true;
      stream.sendLocalReply(rejection.status, '', ResponseFlag.DownstreamProtocolError, rejection.details);
      return;
    }
    stream.run();
  }

  noteNoRoute(): void {
    this.stats.noRoute.value++;
  }

  onStreamComplete(stream: HttpStream): void {
    const s = this.stats;
    s.rqActive.value--;
    s.rqCompleted.value++;
    const code = stream.responseCode;
    if (code >= 500) s.rq5xx.value++;
    else if (code >= 400) s.rq4xx.value++;
    else if (code >= 300) s.rq3xx.value++;
    else if (code >= 200) s.rq2xx.value++;
    else if (code >= 100) s.rq1xx.value++;
    if (this.config.accessLogs.length > 0) this.proxy.accessLog.log(this.config.accessLogs, stream);
    this.proxy.onStreamComplete?.(stream);
  }

  /** Stops taking new requests on idle connections; busy ones finish (drain). */
  drain(): void {
    this.draining = true;
    this.http1.closeIdleConnections();
    // HTTP/2 sessions get GOAWAY: streams in flight finish, no new ones start.
    for (const s of this.h2Sessions) s.close();
  }

  /**
   * A listener update or removal replaced this manager. As Envoy drains a listener: requests in
   * flight finish, each connection's next response asks the client to reconnect (to the new
   * listener), HTTP/2 sessions get GOAWAY, and connections still idle after drain_timeout close.
   * Closing idle connections at once would race with clients sending on them.
   */
  retire(): void {
    this.draining = true;
    for (const s of this.h2Sessions) s.close();
    if (this.http1.connectionCount === 0) return;
    setTimeout(() => this.http1.closeIdleConnections(), this.config.drainTimeoutMs).unref();
  }

  closeAll(): void {
    this.http1.closeAllConnections();
    for (const s of this.h2Sessions) s.destroy();
  }
}
