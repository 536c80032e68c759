// One keep-alive HTTP/1.1 connection to an upstream host, carrying one exchange at a time (no
// pipelining). Responses are parsed by node's llhttp; a connection is reused only after a complete
// response to a completely written request that both sides agreed to keep alive.

import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Http1Exchange, ExchangeCarrier } from './http1-exchange.js';
import { HTTPParser, type NodeHttpParser, type StreamHandle } from './http1-parser.js';
import { HopByHop, hopByHopField } from './http1-syntax.js';

/** What a connection reports to its pool. */
export interface ConnectionOwner {
  /** The connection finished an exchange and may take another. */
  onIdle(connection: Http1Connection): void;
  /** The socket is gone (after connecting or not). */
  onClosed(connection: Http1Connection): void;
}

export interface ConnectionLimits {
  /** Requests after which the connection retires (0: unlimited), Envoy's max_requests_per_connection. */
  readonly maxRequests: number;
  /** Idle keep-alive time when the upstream names none. */
  readonly keepAliveTimeoutMs: number;
  /** Ceiling on the upstream's `keep-alive: timeout=N` hint. */
  readonly keepAliveMaxTimeoutMs: number;
}

/** Close this long before the upstream's announced keep-alive timeout, so a request never races its close (undici's default). */
const KEEP_ALIVE_THRESHOLD_MS = 2000;
const KEEP_ALIVE_TIMEOUT = /timeout=(\d+)/;
/** The usual Connection header: it names no other header. */
const KEEP_ALIVE_OR_CLOSE = /^\s*(?:keep-alive|close)\s*$/i;

const kOnHeaders = HTTPParser.kOnHeaders | 0;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete | 0;
const kOnBody = HTTPParser.kOnBody | 0;
const kOnMessageComplete = HTTPParser.kOnMessageComplete | 0;
const kOnExecute = HTTPParser.kOnExecute | 0;

interface Parser extends NodeHttpParser {
  skiffConnection: Http1Connection;
  /** Header pairs delivered early (many headers) or as trailers. */
  pending: string[];
}

function socketError(message: string): Error {
  return Object.assign(new Error(message), { code: 'UND_ERR_SOCKET' });
}

/** A response that breaks HTTP/1.1 (named as undici names its parser errors, for classification). */
function protocolError(err: Error): Error {
  err.name = 'HTTPParserError';
  return err;
}

/** Lower-cased names; a repeated header becomes an array, as undici presents them. */
function headerObject(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) addHeader(out, raw[i]!.toLowerCase(), raw[i + 1]!);
  return out;
}

function addHeader(out: Record<string, string | string[]>, name: string, value: string): void {
  const existing = out[name];
  if (existing === undefined) out[name] = value;
  else if (typeof existing === 'string') out[name] = [existing, value];
  else existing.push(value);
}

/** The trailers of a response that has none (shared: handlers only read them). */
export const NO_TRAILERS: Record<string, string | string[]> = Object.freeze({}) as Record<string, string | string[]>;

/** A response head's end-to-end headers, and the hop-by-hop ones this connection acts on. */
interface ResponseHead {
  headers: Record<string, string | string[]>;
  connection: string | undefined;
  keepAlive: string | undefined;
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) end here: they are read for this connection's keep-alive
 * and never handed on, so the router need not strip them (the exchange says `hopByHopStripped`),
 * and no `delete` turns the object into a slow dictionary on every response.
 */
function responseHead(raw: readonly string[]): ResponseHead {
  const headers: Record<string, string | string[]> = {};
  let connection: string | undefined;
  let keepAlive: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    switch (hopByHopField(name)) {
      case 0:
        addHeader(headers, name, value);
        break;
      case HopByHop.connection:
        connection = connection === undefined ? value : `${connection}, ${value}`;
        break;
      case HopByHop.keepAlive:
        keepAlive = value;
        break;
      // te, expect, upgrade, http2-settings, proxy-connection, transfer-encoding: this hop's only
      // (llhttp already framed the body).
    }
  }
  if (connection !== undefined && !KEEP_ALIVE_OR_CLOSE.test(connection)) {
    // Headers the Connection header names are this hop's too (but never the body's length).
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'keep-alive' && name !== 'close' && name !== 'content-length' && headers[name] !== undefined) delete headers[name];
    }
  }
  return { headers, connection, keepAlive };
}

// Parser callbacks are module functions with the parser as `this`: no closures per connection.
function onHeaders(this: Parser, headers: string[]): void {
  for (let i = 0; i < headers.length; i++) this.pending.push(headers[i]!);
}

function onHeadersComplete(
  this: Parser, _major: number, _minor: number, headers: string[] | undefined, _method: unknown, _url: unknown,
  statusCode: number, statusMessage: string, upgrade: boolean, shouldKeepAlive: boolean,
): number {
  let raw = headers;
  if (raw === undefined) {
    raw = this.pending;
    this.pending = [];
  }
  return this.skiffConnection.onResponseHead(statusCode, statusMessage, raw, upgrade, shouldKeepAlive);
}

function onBody(this: Parser, chunk: Buffer): void {
  this.skiffConnection.onResponseBody(chunk);
}

function onMessageComplete(this: Parser): void {
  const trailers = this.pending;
  if (trailers.length > 0) this.pending = [];
  this.skiffConnection.onResponseComplete(trailers);
}

function onExecute(this: Parser, ret: number | Error): void {
  if (typeof ret !== 'number') this.skiffConnection.onParseError(ret);
  else this.skiffConnection.exchange?.endOfRead();
}

function closeParser(parser: NodeHttpParser, consumed: boolean): void {
  if (consumed) parser.unconsume();
  parser.close();
}


type UpstreamSocket = Socket & { skiffConnection: Http1Connection; _handle?: StreamHandle | null };

function onSocketData(this: UpstreamSocket, chunk: Buffer): void {
  this.skiffConnection.onData(chunk);
}
function onSocketEnd(this: UpstreamSocket): void {
  this.skiffConnection.onEnd();
}
function onSocketError(this: UpstreamSocket, err: Error): void {
  this.skiffConnection.onError(err);
}
function onSocketClose(this: UpstreamSocket): void {
  this.skiffConnection.onClose();
}
function onSocketDrain(this: UpstreamSocket): void {
  this.skiffConnection.onDrain();
}
function idleTimeoutFired(c: Http1Connection): void {
  c.onIdleTimeout();
}

export class Http1Connection implements ExchangeCarrier {
  private readonly parser: Parser;
  /** The socket handle the parser reads directly, when it does. */
  private readonly handle: StreamHandle | undefined;
  exchange: Http1Exchange | undefined;
  /** The request (head and body) is completely written. */
  private requestWritten = false;
  private body: Readable | undefined;
  /** The exchange in flight is the last: close afterwards. */
  private retiring = false;
  private requests = 0;
  /** A 1xx response is being skipped; the final one follows. */
  private informational = false;
  private keepAliveMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** When the connection last became idle (performance.now()). */
  private idleSince = 0;
  idle = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly owner: ConnectionOwner,
    private readonly limits: ConnectionLimits,
  ) {
    this.keepAliveMs = limits.keepAliveTimeoutMs;
    const parser = new HTTPParser() as Parser;
    parser.initialize(HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone | 0);
    parser.skiffConnection = this;
    parser.pending = [];
    parser[kOnHeaders] = onHeaders;
    parser[kOnHeadersComplete] = onHeadersComplete;
    parser[kOnBody] = onBody;
    parser[kOnMessageComplete] = onMessageComplete;
    this.parser = parser;
    (socket as UpstreamSocket).skiffConnection = this;
    socket.setNoDelay(true);
    // As node:http's server reads requests: the parser reads the socket's handle in C++, with no
    // 'data' event (and stream bookkeeping) per read. A socket without such a handle feeds it.
    const handle = (socket as UpstreamSocket)._handle ?? undefined;
    if (handle?.isStreamBase && !handle._consumed && socket.readableLength === 0) {
      handle._consumed = true;
      this.handle = handle;
      parser[kOnExecute] = onExecute;
      parser.consume(handle);
      if (!handle.reading) {
        handle.reading = true;
        handle.readStart();
      }
    } else socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
  }

  /** Sends an exchange; the connection is idle (or fresh) when called. */
  run(exchange: Http1Exchange): void {
    this.idle = false;
    this.requestWritten = false;
    if (!exchange.start(this)) {
      // The handler gave up before anything was written: the connection is still clean.
      this.idle = true;
      this.owner.onIdle(this);
      return;
    }
    this.exchange = exchange;
    this.requests++;
    if (this.limits.maxRequests > 0 && this.requests >= this.limits.maxRequests) this.retiring = true;
    const head = exchange.head;
    // As undici does: a HEAD response may wrongly carry a body, so that connection is not reused.
    if (exchange.request.method === 'HEAD') this.retiring = true;
    const headText = `${head.line}${this.retiring ? 'connection: close\r\n' : 'connection: keep-alive\r\n'}${head.fields}`;
    const body = exchange.request.body;
    const socket = this.socket;
    if (body === null || (Buffer.isBuffer(body) && body.length === 0)) {
      socket.write(head.expectsPayload ? `${headText}content-length: 0\r\n\r\n` : `${headText}\r\n`, 'latin1');
      this.requestWritten = true;
    } else if (Buffer.isBuffer(body)) {
      socket.cork();
      socket.write(`${headText}content-length: ${body.length}\r\n\r\n`, 'latin1');
      socket.write(body);
      socket.uncork();
      // A body on a method that does not expect one can confuse servers: do not reuse (undici's rule).
      if (!head.expectsPayload) this.retiring = true;
      this.requestWritten = true;
    } else {
      this.streamBody(body, headText);
    }
  }

  // ---- streamed request bodies (chunked unless a Content-Length was given) ----
  private bodyHead: string | undefined;
  private bodyBytes = 0;

  private streamBody(body: Readable, headText: string): void {
    this.body = body;
    this.bodyHead = headText;
    this.bodyBytes = 0;
    body.on('data', this.onBodyData);
    body.once('end', this.onBodyEnd);
    body.once('error', this.onBodyError);
    body.once('close', this.onBodyClose);
    body.resume();
  }

  private readonly onBodyData = (chunk: Buffer): void => {
    const socket = this.socket;
    const ex = this.exchange;
    if (!ex || socket.destroyed) return;
    const chunked = ex.head.contentLength === null;
    socket.cork();
    if (this.bodyHead !== undefined) {
      socket.write(chunked ? `${this.bodyHead}transfer-encoding: chunked\r\n\r\n` : `${this.bodyHead}content-length: ${ex.head.contentLength}\r\n\r\n`, 'latin1');
      this.bodyHead = undefined;
      if (!ex.head.expectsPayload) this.retiring = true;
    }
    this.bodyBytes += chunk.length;
    if (chunked) socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    const more = socket.write(chunk);
    if (chunked) socket.write('\r\n', 'latin1');
    socket.uncork();
    if (!more) this.body?.pause();
  };

  private readonly onBodyEnd = (): void => {
    const ex = this.exchange;
    const socket = this.socket;
    this.detachBody();
    if (!ex || socket.destroyed) return;
    if (this.bodyHead !== undefined) {
      socket.write(ex.head.expectsPayload ? `${this.bodyHead}content-length: 0\r\n\r\n` : `${this.bodyHead}\r\n`, 'latin1');
      this.bodyHead = undefined;
    } else if (ex.head.contentLength === null) {
      socket.write('0\r\n\r\n', 'latin1');
    } else if (this.bodyBytes !== ex.head.contentLength) {
      this.failExchange(Object.assign(new Error('Request body length does not match content-length header'), { code: 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' }));
      return;
    }
    this.requestWritten = true;
    // The response may have completed while the body was still being sent.
    if (ex.done) this.afterExchange();
  };

  private readonly onBodyError = (err: Error): void => {
    this.detachBody();
    this.failExchange(err);
  };

  private readonly onBodyClose = (): void => {
    if (!this.body) return;
    this.detachBody();
    this.failExchange(Object.assign(new Error('Request aborted'), { code: 'UND_ERR_ABORTED' }));
  };

  private detachBody(): void {
    const body = this.body;
    if (!body) return;
    this.body = undefined;
    body.off('data', this.onBodyData);
    body.off('end', this.onBodyEnd);
    body.off('error', this.onBodyError);
    body.off('close', this.onBodyClose);
  }

  onDrain(): void {
    this.body?.resume();
  }

  // ---- the response, from the parser ----
  onData(chunk: Buffer): void {
    const r = this.parser.execute(chunk);
    if (r instanceof Error) this.failExchange(protocolError(r));
    else this.exchange?.endOfRead();
  }

  onParseError(err: Error): void {
    this.failExchange(protocolError(err));
  }

  /** Returns the parser's instruction: 0 parse the body, 1 no body follows, -1 stop. */
  onResponseHead(status: number, statusText: string, raw: string[], upgrade: boolean, shouldKeepAlive: boolean): number {
    const ex = this.exchange;
    if (!ex || ex.done) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.retiring = true;
      this.socket.destroy();
      return -1;
    }
    if (status < 200 && status !== 101) {
      this.informational = true;
      return 1;
    }
    if (upgrade || status === 101) {
      this.failExchange(protocolError(new Error('bad upgrade: the upstream switched protocols unasked')));
      return -1;
    }
    const { headers, connection, keepAlive: hint } = responseHead(raw);
    const keepAlive = shouldKeepAlive || (ex.request.method === 'HEAD' && connection !== undefined && connection.toLowerCase() === 'keep-alive');
    if (!keepAlive) this.retiring = true;
    else {
      const m = hint !== undefined ? KEEP_ALIVE_TIMEOUT.exec(hint) : null;
      if (m) {
        const ms = Math.min(Number(m[1]) * 1000 - KEEP_ALIVE_THRESHOLD_MS, this.limits.keepAliveMaxTimeoutMs);
        if (ms <= 0) this.retiring = true;
        else this.keepAliveMs = ms;
      } else this.keepAliveMs = this.limits.keepAliveTimeoutMs;
    }
    ex.responseStart(status, headers, statusText);
    return ex.request.method === 'HEAD' ? 1 : 0;
  }

  onResponseBody(chunk: Buffer): void {
    this.exchange?.data(chunk);
  }

  onResponseComplete(trailers: string[]): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const ex = this.exchange;
    if (!ex) return;
    ex.end(trailers.length > 0 ? headerObject(trailers) : NO_TRAILERS);
    if (this.requestWritten) this.afterExchange();
    // else: the upstream answered before the request body was all sent; onBodyEnd finishes up.
  }

  /** The exchange is complete both ways: reuse the connection, or close it. */
  private afterExchange(): void {
    this.exchange = undefined;
    if (this.retiring || this.closed) {
      this.socket.destroy();
      return;
    }
    // A handler may have paused reading for backpressure and finished before resuming.
    if (this.readingPaused) this.resumeReading();
    this.idle = true;
    this.armIdleTimer();
    this.owner.onIdle(this);
  }

  // ---- socket events ----
  onEnd(): void {
    const ex = this.exchange;
    if (ex && !ex.done) {
      if (!ex.responseStarted) this.failExchange(socketError('other side closed'));
      else {
        // A body read until close ends here; a truncated one is a protocol error.
        const r = this.parser.finish();
        if (r instanceof Error) this.failExchange(protocolError(r));
      }
    }
    this.socket.destroy();
  }

  onError(err: Error): void {
    this.failExchange(err);
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle = false;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.detachBody();
    if (this.exchange && !this.exchange.done) this.exchange.fail(socketError('other side closed'));
    this.exchange = undefined;
    // The parser may be on the stack (close from inside a callback): free it once that unwinds.
    setImmediate(closeParser, this.parser, this.handle !== undefined);
    this.owner.onClosed(this);
  }

  /** Fails the exchange in flight; the socket cannot carry another request. */
  private failExchange(err: Error): void {
    const ex = this.exchange;
    this.detachBody();
    if (ex && !ex.done) ex.fail(err);
    this.retiring = true;
    this.socket.destroy();
  }

  // ---- ExchangeCarrier ----
  abortExchange(exchange: Http1Exchange): void {
    if (exchange !== this.exchange) return;
    this.detachBody();
    // Part of the request may be on the wire and its response unread: the connection is spent.
    this.retiring = true;
    this.socket.destroy();
  }

  private readingPaused = false;

  pauseReading(): void {
    this.readingPaused = true;
    const h = this.handle;
    if (!h) this.socket.pause();
    else if (h.reading) {
      h.reading = false;
      h.readStop();
    }
  }

  resumeReading(): void {
    this.readingPaused = false;
    const h = this.handle;
    if (!h) this.socket.resume();
    else if (!h.reading && !this.closed) {
      h.reading = true;
      h.readStart();
    }
  }

  // ---- idle keep-alive ----
  /**
   * The idle timer is armed once and not moved per request (re-inserting a timer costs more than
   * the rest of a small exchange's bookkeeping): when it fires early it re-arms for the rest.
   */
  private armIdleTimer(): void {
    this.idleSince = performance.now();
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(idleTimeoutFired, this.keepAliveMs, this);
    this.idleTimer.unref();
  }

  onIdleTimeout(): void {
    this.idleTimer = undefined;
    if (!this.idle || this.closed) return;
    const left = this.idleSince + this.keepAliveMs - performance.now();
    if (left <= 0) {
      this.socket.destroy();
      return;
    }
    this.idleTimer = setTimeout(idleTimeoutFired, left, this);
    this.idleTimer.unref();
  }

  /** Closes now if idle, else once the exchange in flight completes. */
  retire(): void {
    this.retiring = true;
    if (this.idle || !this.exchange) this.socket.destroy();
  }
}
