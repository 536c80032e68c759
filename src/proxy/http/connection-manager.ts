// The HTTP connection manager of one filter chain: a node:http server that never listens itself —
// the listener hands it connections (accepted sockets, CONNECT tunnels) — and turns each request
// into an HttpStream. HTTP/1.1 keep-alive is node's; idle and header timeouts come from config.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createH2Server, type Http2Server, type ServerHttp2Session } from 'node:http2';
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
import { rejectHttp1Request, rejectMalformedRequest } from './request-rejection.js';
import { ResponseFlag } from '../telemetry/response-flags.js';

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

/**
 * How often node checks request_headers_timeout / request_timeout: a fraction of the shortest, so
 * a timeout fires at most a quarter late, and never busier than every 50 ms.
 */
function connectionsCheckingIntervalMs(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shortest = requestTimeoutMs > 0 ? Math.min(headersTimeoutMs, requestTimeoutMs) : headersTimeoutMs;
  return Math.min(1000, Math.max(50, Math.floor(shortest / 4)));
}

/** Original destination of a socket handed over by the explicit proxy (CONNECT tunnels). */
const socketDestination = new WeakMap<object, OriginalDestination>();

export class HttpConnectionManager {
  readonly server: Server;
  /** Cleartext HTTP/2 (h2c), created for the first HTTP/2 connection. */
  private h2: Http2Server | undefined;
  private readonly h2Sessions = new Set<ServerHttp2Session>();
  private pendingH2Socket: Duplex | undefined;
  private readonly stats: HcmStats;
  /** Retired by a listener update or shutdown: responses ask clients to reconnect. */
  draining = false;
  private openConnections = 0;

  constructor(
    readonly config: HttpConnectionManagerConfig,
    readonly proxy: ProxyContext,
    /** The listener's traffic_direction: Istio metrics report INBOUND as `destination`. */
    readonly direction: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND' = 'UNSPECIFIED',
  ) {
    const headersTimeoutMs = config.requestHeadersTimeoutMs > 0 ? config.requestHeadersTimeoutMs : 60_000;
    this.server = createServer(
      {
        requireHostHeader: false,
        // Strict parsing whatever NODE_OPTIONS says: a lenient parser is how requests get smuggled.
        insecureHTTPParser: false,
        maxHeaderSize: config.maxRequestHeadersKb * 1024,
        connectionsCheckingInterval: connectionsCheckingIntervalMs(headersTimeoutMs, config.requestTimeoutMs),
      },
      (req, res) => this.handle(req, res, socketDestination.get(req.socket)),
    );
    this.server.keepAliveTimeout = config.idleTimeoutMs > 0 ? config.idleTimeoutMs : 0;
    this.server.headersTimeout = headersTimeoutMs;
    this.server.requestTimeout = config.requestTimeoutMs;
    this.server.timeout = config.streamIdleTimeoutMs;
    // One past the limit, so a request over it is seen (and refused) while a flood is not stored.
    this.server.maxHeadersCount = config.maxHeadersCount + 1;
    // node enforces headersTimeout and requestTimeout, and tracks connections for
    // closeIdleConnections(), only once a server emits 'listening'; this one never listens itself.
    this.server.emit('listening');
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      proxyWebSocket(this, req, socket, head);
    });
    this.server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void handleConnect(this, req, socket, head);
    });
    // Malformed requests get Envoy's 400 (431 oversized, 408 timed out) and the connection closes.
    this.server.on('clientError', rejectMalformedRequest);
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
    this.server.on('connection', (socket: Duplex) => {
      this.stats.cxTotal.value++;
      this.stats.cxActive.value++;
      this.openConnections++;
      socket.once('close', () => {
        this.stats.cxActive.value--;
        if (--this.openConnections === 0 && this.draining) this.stopTimeoutChecks();
      });
    });
  }

  /**
   * Serves a connection accepted by a listener (or a CONNECT tunnel's inner stream). With codec
   * AUTO the first bytes decide between HTTP/1.1 and h2c, unless the listener already sniffed them.
   */
  acceptConnection(socket: Duplex, destination?: OriginalDestination, sniffed?: SniffResult): void {
    if (destination) socketDestination.set(socket, destination);
    const codec = this.config.codecType;
    if (codec !== 'AUTO' || sniffed) {
      const h2 = codec === 'HTTP2' || (codec === 'AUTO' && !!sniffed?.applicationProtocols.includes('h2c'));
      this.serve(socket, h2);
      return;
    }
    void sniff(socket as Socket, this.server.headersTimeout).then((r) => {
      if (!r) socket.destroy();
      else this.serve(socket, r.applicationProtocols.includes('h2c'));
    });
  }

  private serve(socket: Duplex, http2: boolean): void {
    if (!http2) {
      this.server.emit('connection', socket);
      return;
    }
    if (!this.h2) {
      const h2 = createH2Server((req, res) => {
        const session = req.stream.session;
        this.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse, session ? socketDestination.get(session) : undefined);
      });
      h2.on('session', (session: ServerHttp2Session) => {
        // The session is created while 'connection' is emitted below, for the socket set aside here.
        const dest = this.pendingH2Socket && socketDestination.get(this.pendingH2Socket);
        if (dest) socketDestination.set(session, dest);
        this.stats.cxTotal.value++;
        this.stats.cxActive.value++;
        this.h2Sessions.add(session);
        session.once('close', () => this.h2Sessions.delete(session));
        if (this.proxy.draining) session.close();
      });
      h2.on('sessionError', () => undefined);
      this.h2 = h2;
    }
    const h2 = this.h2;
    socket.once('close', () => {
      this.stats.cxActive.value--;
    });
    this.pendingH2Socket = socket;
    h2.emit('connection', socket);
    this.pendingH2Socket = undefined;
  }

  routeConfiguration(): RouteConfiguration | undefined {
    const source = this.config.routeSource;
    return source.kind === 'inline' ? source.config : this.proxy.current.routes.get(source.name)?.value;
  }

  handle(req: IncomingMessage, res: ServerResponse, destination?: OriginalDestination): void {
    this.stats.rqTotal.value++;
    this.stats.rqActive.value++;
    const stream = new HttpStream(this, req, res, destination);
    (res as ServerResponse & { [STREAM_OF_RESPONSE]?: HttpStream })[STREAM_OF_RESPONSE] = stream;
    // 'close' comes once per response: on() spares the wrapper once() allocates per request.
    res.on('close', onResponseClose);
    const rejection = stream.isHttp2 ? undefined : rejectHttp1Request(req, this.config.maxHeadersCount);
    if (rejection) {
      res.shouldKeepAlive = false;
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
    this.server.closeIdleConnections();
    if (this.openConnections === 0) this.stopTimeoutChecks();
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
    if (this.openConnections === 0) {
      this.stopTimeoutChecks();
      return;
    }
    setTimeout(() => this.server.closeIdleConnections(), this.config.drainTimeoutMs).unref();
  }

  /** Ends node's periodic timeout check, which would otherwise keep a retired manager alive. */
  private stopTimeoutChecks(): void {
    // close() on a server that never listened only clears its connection tracking.
    this.server.close(() => undefined);
  }

  closeAll(): void {
    this.server.closeAllConnections();
    for (const s of this.h2Sessions) s.destroy();
  }
}
