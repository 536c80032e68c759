// The HTTP/1.1 connection pool of one upstream host: idle keep-alive connections are reused (most
// recently used first), a request without one opens a connection up to the circuit breaker's
// max_connections and waits in a queue beyond it. It speaks undici's dispatch protocol, so the
// router drives it exactly as it drives undici's H2CClient for HTTP/2 hosts.
//
// Written for the request path's cost: one request is a header string, one socket write, node's
// native response parser, and no timers, promises or per-request closures. (undici's Pool spends
// about a third more CPU per request here, and its WebAssembly parser ~8 MB per proxy.)

import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { Http1Connection, type ConnectionLimits, type ConnectionOwner } from './http1-connection.js';
import { Http1Exchange } from './http1-exchange.js';
import type { Http1Request } from './http1-request-head.js';

/** Opens a connected socket (TLS upstreams hand one over after the handshake), undici's connector shape. */
export type Connector = (
  options: { hostname: string; host?: string; protocol: string; port: string; servername?: string },
  callback: (err: Error | null, socket: Socket | null) => void,
) => void;

export interface Http1PoolOptions extends ConnectionLimits {
  readonly address: string;
  readonly port: number;
  /** Most connections open at once; null for no limit. */
  readonly connections: number | null;
  readonly connectTimeoutMs: number;
  /** Plain TCP when absent. */
  readonly connect?: Connector;
}

function poolError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class Http1Pool extends EventEmitter implements ConnectionOwner {
  private readonly idle: Http1Connection[] = [];
  private readonly queue: Http1Exchange[] = [];
  /** Connections open or opening. */
  private count = 0;
  private readonly all = new Set<Http1Connection>();
  private readonly hostHeader: string;
  private closing = false;
  private destroyed = false;
  private closedWaiters: (() => void)[] = [];

  constructor(private readonly options: Http1PoolOptions) {
    super();
    this.hostHeader = options.address.includes(':') ? `[${options.address}]:${options.port}` : `${options.address}:${options.port}`;
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    let exchange: Http1Exchange;
    try {
      if (this.closing || this.destroyed) throw poolError(this.destroyed ? 'The client is destroyed' : 'The client is closed', this.destroyed ? 'UND_ERR_DESTROYED' : 'UND_ERR_CLOSED');
      exchange = new Http1Exchange(options as unknown as Http1Request, handler, this.hostHeader);
    } catch (err) {
      // As undici does: a request that cannot be sent is reported to its handler, not thrown.
      handler.onResponseError?.(undefined as never, err as Error);
      return false;
    }
    const connection = this.idle.pop();
    if (connection) connection.run(exchange);
    else if (this.options.connections === null || this.count < this.options.connections) this.open(exchange);
    else this.queue.push(exchange);
    return true;
  }

  /** Opens a connection for `exchange`; it then serves whatever is queued. */
  private open(exchange: Http1Exchange | undefined): void {
    this.count++;
    const { address, port, connectTimeoutMs } = this.options;
    let settled = false;
    let pending: Socket | undefined;
    const done = (err: Error | null, socket: Socket | null): void => {
      if (settled) {
        // A connector answering after the connect timeout: nobody wants that socket any more.
        socket?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err || !socket) {
        socket?.destroy();
        pending?.destroy();
        this.count--;
        this.emit('connectionError', err);
        if (exchange && !exchange.done) exchange.fail(err ?? poolError('connect failed', 'ECONNREFUSED'));
        this.openForQueue();
        this.checkClosed();
        return;
      }
      const connection = new Http1Connection(socket, this, this.options);
      this.all.add(connection);
      this.emit('connect');
      if (this.destroyed) {
        socket.destroy();
        return;
      }
      const next = exchange && !exchange.done ? exchange : this.nextQueued();
      if (next) connection.run(next);
      else this.onIdle(connection);
    };
    const timer = setTimeout(() => done(poolError(`Connect Timeout Error (attempted address: ${this.hostHeader}, timeout: ${connectTimeoutMs}ms)`, 'UND_ERR_CONNECT_TIMEOUT'), null), connectTimeoutMs);
    if (this.options.connect) {
      this.options.connect({ hostname: address, protocol: 'http:', port: String(port) }, done);
      return;
    }
    const socket = netConnect({ host: address, port });
    pending = socket;
    const onError = (err: Error) => done(err, null);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      pending = undefined;
      socket.setKeepAlive(true, 60_000);
      done(null, socket);
    });
  }

  private nextQueued(): Http1Exchange | undefined {
    while (this.queue.length > 0) {
      const ex = this.queue.shift()!;
      if (!ex.done) return ex;
    }
    return undefined;
  }

  /** A connection slot freed up (closed or failed to open): queued requests get a new one. */
  private openForQueue(): void {
    if (this.destroyed) return;
    while (this.queue.length > 0 && (this.options.connections === null || this.count < this.options.connections)) {
      const ex = this.nextQueued();
      if (!ex) return;
      this.open(ex);
    }
  }

  // ---- ConnectionOwner ----
  onIdle(connection: Http1Connection): void {
    const next = this.nextQueued();
    if (next) {
      connection.run(next);
      return;
    }
    if (this.closing) {
      connection.retire();
      return;
    }
    this.idle.push(connection);
  }

  onClosed(connection: Http1Connection): void {
    this.all.delete(connection);
    this.count--;
    const i = this.idle.indexOf(connection);
    if (i >= 0) this.idle.splice(i, 1);
    this.emit('disconnect');
    this.openForQueue();
    this.checkClosed();
  }

  // ---- lifecycle ----
  /** Lets requests in flight and queued finish, then closes every connection. */
  close(): Promise<void> {
    this.closing = true;
    for (const c of this.idle.splice(0)) c.retire();
    for (const c of this.all) if (!c.exchange) c.retire();
    return new Promise((resolve) => {
      this.closedWaiters.push(resolve);
      this.checkClosed();
    });
  }

  /** Closes every connection now; requests in flight or queued fail. */
  destroy(): Promise<void> {
    this.destroyed = true;
    this.closing = true;
    const err = poolError('The client is destroyed', 'UND_ERR_DESTROYED');
    for (const ex of this.queue.splice(0)) ex.fail(err);
    this.idle.length = 0;
    for (const c of this.all) c.socket.destroy(err);
    return new Promise((resolve) => {
      this.closedWaiters.push(resolve);
      this.checkClosed();
    });
  }

  private checkClosed(): void {
    if (!this.closing || this.count > 0 || this.queue.some((ex) => !ex.done)) return;
    for (const resolve of this.closedWaiters.splice(0)) resolve();
  }
}
