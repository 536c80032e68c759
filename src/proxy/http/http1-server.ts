// The downstream HTTP/1.1 codec's server side: it never listens itself — the listener hands it
// accepted sockets (or CONNECT tunnels) — and serves each on an Http1ServerConnection. It holds
// the limits and timeouts of its HTTP connection manager (or the explicit proxy), checks the
// timeouts of all its connections from one interval timer (node:http's way), and closes idle
// connections for drains.

import type { Duplex } from 'node:stream';
import { Http1ServerConnection } from './http1-server-connection.js';
import type { Http1ServerRequest } from './http1-server-request.js';
import type { Http1ServerResponse } from './http1-server-response.js';
import type { OriginalDestination } from './stream.js';

export interface Http1ServerOptions {
  /** Most bytes of a request head (request line and headers): more get 431. */
  readonly maxHeaderBytes: number;
  /** Header lines a request may carry; the handler refuses more (431). Beyond it lines are only counted. */
  readonly maxHeadersCount: number;
  /** From a request's first byte (or the connection's start) until its head is read; 0: none. */
  readonly headersTimeoutMs: number;
  /** From a request's first byte until it is read whole (or its response begins); 0: none. */
  readonly requestTimeoutMs: number;
  /** A connection with nothing in flight closes after this; 0: never. */
  readonly idleTimeoutMs: number;
  /** A connection with a request in flight and no bytes moving closes after this; 0: never. */
  readonly streamIdleTimeoutMs: number;
  /** Upgrade requests are served as ordinary requests (only CONNECT is handed over). */
  readonly upgradesAreRequests: boolean;
}

export interface Http1ServerHandler {
  /** A request head was read: answer it on `res` (the body follows on req.body). */
  onRequest(req: Http1ServerRequest, res: Http1ServerResponse, destination: OriginalDestination | undefined): void;
  /** An Upgrade or CONNECT request: the socket is the handler's now; `head` holds bytes read past it. */
  onUpgrade(req: Http1ServerRequest, socket: Duplex, head: Buffer, destination: OriginalDestination | undefined): void;
  /** onRequest threw: the request got a 500 (or its connection was reset). */
  onError?(err: unknown): void;
}

/** How often the timeouts are checked: a quarter of the shortest, between 50 ms and 1 s. */
function checkIntervalMs(o: Http1ServerOptions): number {
  let shortest = Infinity;
  for (const t of [o.headersTimeoutMs, o.requestTimeoutMs, o.idleTimeoutMs, o.streamIdleTimeoutMs]) if (t > 0 && t < shortest) shortest = t;
  return Math.min(1000, Math.max(50, Math.floor(shortest / 4)));
}

function sweep(server: Http1Server): void {
  server.checkTimeouts();
}

export class Http1Server {
  private readonly connections = new Set<Http1ServerConnection>();
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  /** The time of the last timeout check (or connection): a clock for what needs no precision. */
  now = Date.now();

  constructor(readonly options: Http1ServerOptions, readonly handler: Http1ServerHandler) {
    this.intervalMs = checkIntervalMs(options);
  }

  /** Serves an accepted socket (or a CONNECT tunnel's stream). */
  accept(socket: Duplex, destination?: OriginalDestination): void {
    this.now = Date.now();
    // A connection leaves the set on its socket's 'close' (or when it hands the socket over),
    // which never happens inside its constructor.
    this.connections.add(new Http1ServerConnection(this, socket, destination));
    this.timer ??= setInterval(sweep, this.intervalMs, this).unref();
  }

  onConnectionClosed(connection: Http1ServerConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  checkTimeouts(): void {
    const now = Date.now();
    this.now = now;
    for (const c of this.connections) c.checkTimeouts(now, this.intervalMs);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Closes the connections with no request in flight (busy ones finish; a draining HCM's responses say Connection: close). */
  closeIdleConnections(): void {
    for (const c of this.connections) if (c.idle) c.close();
  }

  closeAllConnections(): void {
    for (const c of this.connections) c.close();
  }
}
