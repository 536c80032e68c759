// One downstream HTTP/1.1 connection on the proxy's own codec: node's llhttp parses requests
// straight from the socket's handle (as node:http's server does, with no 'data' event per read),
// each request head is handed to the server's handler with its response, responses go out in
// request order (pipelining), and the connection is kept alive, drained, timed out or refused
// here. Upgrade and CONNECT requests hand the socket over to the handler.

import type { Duplex } from 'node:stream';
import { HTTPParser, HTTP_METHODS, type NodeHttpParser, type StreamHandle } from '../upstream/http1-parser.js';
import { readRequestHead } from './http1-request-headers.js';
import { Http1ServerRequest, type BodySource } from './http1-server-request.js';
import { Http1ServerResponse, type ResponseCarrier } from './http1-server-response.js';
import type { Http1Server } from './http1-server.js';
import type { OriginalDestination } from './stream.js';

const kOnHeaders = HTTPParser.kOnHeaders | 0;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete | 0;
const kOnBody = HTTPParser.kOnBody | 0;
const kOnMessageComplete = HTTPParser.kOnMessageComplete | 0;
const kOnExecute = HTTPParser.kOnExecute | 0;

/** Responses written while earlier ones on the connection are unfinished are held up to this. */
const QUEUED_BYTES_LIMIT = 64 * 1024;

/** Pipelined requests in flight on one connection before reading pauses until some are answered. */
const PIPELINE_LIMIT = 16;

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const CONTINUE_TOKEN = /(?:^|\W)100-continue(?:$|\W)/i;

/** Answers to requests the codec refuses itself; the connection closes after each. */
export const REFUSAL = {
  badRequest: 'HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
  headersTooLarge: 'HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
  timeout: 'HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
  expectationFailed: 'HTTP/1.1 417 Expectation Failed\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
} as const;

interface Parser extends NodeHttpParser {
  owner: Http1ServerConnection;
}


type ServedSocket = Duplex & {
  _handle?: StreamHandle | null;
  destroySoon?: () => void;
  skiffHttp1?: Http1ServerConnection;
};

// Parser and socket callbacks are module functions (`this` is the parser or socket): no closures
// per connection or request.
function onHeaders(this: Parser, headers: string[], url: string): void {
  this.owner.onHeaders(headers, url);
}
function onHeadersComplete(
  this: Parser, major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined,
  _status: unknown, _statusText: unknown, upgrade: boolean, keepAlive: boolean,
): number {
  return this.owner.onHeadersComplete(major, minor, headers, method, url, upgrade, keepAlive);
}
function onBody(this: Parser, chunk: Buffer): void {
  this.owner.onBody(chunk);
}
function onMessageComplete(this: Parser): void {
  this.owner.onMessageComplete();
}
function onExecute(this: Parser, ret: number | Error): void {
  this.owner.onExecuted(ret, undefined);
}
function onSocketData(this: ServedSocket, chunk: Buffer): void {
  this.skiffHttp1?.onData(chunk);
}
function onSocketEnd(this: ServedSocket): void {
  this.skiffHttp1?.onEnd();
}
function onSocketClose(this: ServedSocket): void {
  this.skiffHttp1?.onClose();
}
function onSocketDrain(this: ServedSocket): void {
  this.skiffHttp1?.onDrain();
}
function onSocketError(this: ServedSocket): void {
  this.destroy();
}
function closeParser(parser: NodeHttpParser, consumed: boolean): void {
  if (consumed) parser.unconsume();
  parser.close();
}
function handOverLater(c: Http1ServerConnection): void {
  c.handOver();
}

export class Http1ServerConnection implements BodySource, ResponseCarrier {
  private readonly parser: Parser;
  /** The parser reads the socket's handle itself (else it is fed from 'data' events). */
  private readonly consumed: boolean;
  /** parser.consume() was called (undone when the parser is freed). */
  private parserConsumes = false;
  private readonly handle: StreamHandle | undefined;
  /** Responses in request order; only the first writes to the socket. */
  private readonly queue: Http1ServerResponse[] = [];
  /** The request whose head or body is being read. */
  private current: Http1ServerRequest | undefined;
  /** Header lines and URL delivered before the head completed (many headers, long URLs). */
  private earlyHeaders: string[] | undefined;
  private earlyHeaderCount = 0;
  private earlyUrl = '';
  /** Nothing was read yet: request_headers_timeout runs from the connection's start. */
  private fresh = true;
  private readonly connectedAt: number;
  /**
   * When the head now being read began, as a timeout check saw it (the parser itself times a
   * head: no callback per request); for request_timeout, which runs from the request's start.
   */
  private headStart: number | undefined;
  /** When the request whose body is being read began. */
  private messageStart: number;
  /** When the connection last had nothing in flight, for idle_timeout. */
  private idleSince: number;
  /** Bytes moved since the last timeout check, for stream_idle_timeout. */
  private activity = false;
  private lastActivity: number;
  /** No further requests are read: the connection closes once the responses in flight are out. */
  private closing = false;
  /** A refusal (400, 408, 431) was written: nothing else may be. */
  private refused = false;
  private closed = false;
  private readPaused = false;
  /** Reading paused because PIPELINE_LIMIT requests await their responses. */
  private pipelineFull = false;
  /** An Upgrade/CONNECT request whose head completed in the current parse. */
  private upgradeRequest: Http1ServerRequest | undefined;
  /** An ordinary request carried an Upgrade header: llhttp stops after it, the rest is re-parsed. */
  private resumeAfterUpgrade = false;
  private handover: { req: Http1ServerRequest; head: Buffer } | undefined;

  constructor(
    private readonly server: Http1Server,
    readonly socket: ServedSocket,
    readonly destination: OriginalDestination | undefined,
  ) {
    const now = server.now;
    this.connectedAt = now;
    this.messageStart = now;
    this.idleSince = now;
    this.lastActivity = now;
    const parser = new HTTPParser() as Parser;
    // Strict parsing (no lenient flags) whatever NODE_OPTIONS says: lenient parsers smuggle requests.
    parser.initialize(HTTPParser.REQUEST, {}, server.options.maxHeaderBytes, HTTPParser.kLenientNone | 0);
    parser.owner = this;
    parser[kOnHeaders] = onHeaders;
    parser[kOnHeadersComplete] = onHeadersComplete;
    parser[kOnBody] = onBody;
    parser[kOnMessageComplete] = onMessageComplete;
    this.parser = parser;
    socket.skiffHttp1 = this;
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
    socket.on('error', onSocketError);
    const handle = socket._handle ?? undefined;
    this.handle = handle;
    // node:http's server reads the same way, and only from a handle nobody consumed before.
    this.consumed = !!handle?.isStreamBase && !handle._consumed;
    // Bytes a listener filter already read (protocol sniffing put them back) are parsed first.
    const buffered = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
    if (buffered) this.onData(buffered);
    if (this.closing || this.handover || this.upgradeRequest) return;
    if (this.consumed && handle) {
      handle._consumed = true;
      parser[kOnExecute] = onExecute;
      parser.consume(handle);
      this.parserConsumes = true;
      if (!this.readPaused && !handle.reading) {
        handle.reading = true;
        handle.readStart();
      }
    } else {
      socket.on('data', onSocketData);
      if (!this.readPaused) socket.resume();
    }
  }

  // ---- reading ----
  onData(chunk: Buffer): void {
    this.onExecuted(this.parser.execute(chunk), chunk);
  }

  onHeaders(headers: string[], url: string): void {
    // Only what max_headers_count can use is kept; the rest is counted (max_request_headers_kb
    // bounds how much of it there can be).
    const lines = (this.earlyHeaders ??= []);
    const keep = 2 * (this.server.options.maxHeadersCount + 1);
    for (let i = 0; i < headers.length && lines.length < keep; i++) lines.push(headers[i]!);
    this.earlyHeaderCount += headers.length >> 1;
    if (url) this.earlyUrl += url;
  }

  onHeadersComplete(major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined, upgrade: boolean, keepAlive: boolean): number {
    // The server's coarse clock (set by each timeout check): no clock read per request.
    this.messageStart = this.headStart ?? this.server.now;
    this.headStart = undefined;
    let raw = headers ?? [];
    let count = raw.length >> 1;
    if (this.earlyHeaders) {
      count += this.earlyHeaderCount;
      raw = raw.length > 0 ? this.earlyHeaders.concat(raw) : this.earlyHeaders;
      this.earlyHeaders = undefined;
      this.earlyHeaderCount = 0;
    }
    let target = url ?? '';
    if (this.earlyUrl !== '') {
      target = this.earlyUrl + target;
      this.earlyUrl = '';
    }
    const req = new Http1ServerRequest(this.socket, this, HTTP_METHODS[method] ?? '', target, major, minor, raw, count, keepAlive);
    readRequestHead(raw, this.server.options.maxHeadersCount + 1, req);
    const cl = req.headers['content-length'];
    req.hasBody = req.transferEncoding || (typeof cl === 'string' && cl !== '0' && Number(cl) > 0);
    // A request without a body is whole once its head is: answering it keeps the connection.
    req.complete = !req.hasBody;
    if (upgrade) {
      if (req.method === 'CONNECT' || !this.server.options.upgradesAreRequests) {
        // The rest of the connection belongs to another protocol: stop reading until handed over.
        this.upgradeRequest = req;
        this.pauseReading();
        return 2;
      }
      this.resumeAfterUpgrade = true;
    }
    if (this.closing) return 0;
    const res = new Http1ServerResponse(this, req);
    if (this.queue.push(res) >= PIPELINE_LIMIT) {
      this.pipelineFull = true;
      this.pauseReading();
    }
    this.current = req;
    this.activity = true;
    if (req.expect !== undefined && major === 1 && minor === 1) {
      if (!CONTINUE_TOKEN.test(req.expect)) {
        this.refuse(REFUSAL.expectationFailed);
        return 0;
      }
      this.send(res, CONTINUE);
    }
    try {
      this.server.handler.onRequest(req, res, this.destination);
    } catch (err) {
      this.server.handler.onError?.(err);
      if (!res.started && !res.writableFinished) res.writeHead(500, { 'content-length': '0' }).end();
      else this.destroySocket();
    }
    return 0;
  }

  onBody(chunk: Buffer): void {
    this.activity = true;
    const req = this.current;
    if (req && !this.closing) req.onBody(chunk);
  }

  onMessageComplete(): void {
    const req = this.current;
    if (!req) return;
    this.current = undefined;
    // Trailers of a chunked request were delivered as early headers; requests carry none upstream.
    this.earlyHeaders = undefined;
    this.earlyHeaderCount = 0;
    req.onComplete();
    if (!req.keepAlive) this.stopReading();
  }

  /** After each parse: errors, and what an Upgrade or CONNECT head left behind. */
  onExecuted(ret: number | Error, chunk: Buffer | undefined): void {
    if (typeof ret !== 'number') {
      this.onParseError(ret as Error & { code?: string });
      return;
    }
    this.activity = true;
    this.fresh = false;
    const upgrade = this.upgradeRequest;
    if (upgrade) {
      this.upgradeRequest = undefined;
      const buffer = chunk ?? this.parser.getCurrentBuffer();
      this.handover = { req: upgrade, head: buffer.subarray(ret) };
      // Never from inside the parser: hand over once this parse has unwound.
      if (this.queue.length === 0) process.nextTick(handOverLater, this);
      return;
    }
    if (this.resumeAfterUpgrade) {
      // llhttp stops after a request carrying Upgrade even when it is served as an ordinary one.
      this.resumeAfterUpgrade = false;
      const buffer = chunk ?? this.parser.getCurrentBuffer();
      if (ret > 0 && ret < buffer.length && !this.closing && !this.closed) this.onData(buffer.subarray(ret));
    }
  }

  private onParseError(err: Error & { code?: string }): void {
    if (err.code === 'HPE_CLOSED_CONNECTION') {
      // Bytes after a request that asked to close: ignored; the responses in flight still go out.
      this.stopReading();
      return;
    }
    this.refuse(err.code === 'HPE_HEADER_OVERFLOW' ? REFUSAL.headersTooLarge : REFUSAL.badRequest);
  }

  /**
   * Answers with a refusal and closes, as node:http does for a request its parser rejects: unless
   * a response is already on the wire, where the only signal left is closing the connection.
   */
  refuse(answer: string): void {
    if (this.refused || this.closed) return;
    this.refused = true;
    this.stopReading();
    const socket = this.socket;
    if (socket.writable && !(this.queue[0]?.started ?? false)) socket.end(answer, 'latin1');
    else socket.destroy();
  }

  onEnd(): void {
    if (this.closed) return;
    // The client sent all it will: a request cut short is gone; answers in flight may still go out.
    if (this.readingHead() || this.current || !this.socket.writable) {
      this.socket.destroy();
      return;
    }
    this.stopReading();
    if (this.queue.length === 0) this.endSocket();
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.current?.abort();
    this.current = undefined;
    const queue = this.queue.splice(0);
    for (let i = 0; i < queue.length; i++) queue[i]!.abort();
    this.detach();
    this.server.onConnectionClosed(this);
  }

  private detach(): void {
    const socket = this.socket;
    socket.skiffHttp1 = undefined;
    socket.off('data', onSocketData);
    socket.off('end', onSocketEnd);
    socket.off('close', onSocketClose);
    socket.off('drain', onSocketDrain);
    socket.off('error', onSocketError);
    // The parser may be on the stack (a close from inside a callback): free it once that unwinds.
    setImmediate(closeParser, this.parser, this.parserConsumes);
    this.parserConsumes = false;
  }

  /** Gives the socket's handle back to its stream now (never from inside a parser callback). */
  private unconsume(): void {
    if (!this.parserConsumes) return;
    this.parserConsumes = false;
    this.parser.unconsume();
    // A CONNECT tunnel's inner connection is served by a codec again, which may consume it.
    if (this.handle) this.handle._consumed = false;
  }

  // ---- flow control ----
  pauseReading(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    const h = this.handle;
    if (this.consumed && h) {
      if (h.reading) {
        h.reading = false;
        h.readStop();
      }
    } else this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readPaused || this.closing || this.closed || this.handover || this.upgradeRequest) return;
    this.readPaused = false;
    const h = this.handle;
    if (this.consumed && h) {
      if (!h.reading) {
        h.reading = true;
        h.readStart();
      }
    } else this.socket.resume();
  }

  /** No more requests on this connection. */
  private stopReading(): void {
    this.closing = true;
    this.pauseReading();
  }

  onDrain(): void {
    this.queue[0]?.emitDrain();
  }

  // ---- ResponseCarrier ----
  send(res: Http1ServerResponse, data: Buffer | string): boolean {
    if (this.refused || this.closed) return false;
    if (res !== this.queue[0]) {
      // Behind an unfinished response: held until that one is out.
      (res.pending ??= []).push(data);
      res.pendingBytes += data.length;
      if (res.pendingBytes <= QUEUED_BYTES_LIMIT) return true;
      res.needDrain = true;
      return false;
    }
    res.started = true;
    this.activity = true;
    const ok = typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
    if (!ok) res.needDrain = true;
    return ok;
  }

  onResponseEnd(res: Http1ServerResponse): void {
    if (res !== this.queue[0]) return;
    this.queue.shift();
    if (this.finishResponse(res)) return;
    if (this.pipelineFull && this.queue.length < PIPELINE_LIMIT) {
      this.pipelineFull = false;
      this.resumeReading();
    }
    // Responses that were written behind this one go out now, in order.
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const pending = next.pending;
      if (pending) {
        next.pending = undefined;
        next.pendingBytes = 0;
        next.started = true;
        const socket = this.socket;
        socket.cork();
        let ok = true;
        for (let i = 0; i < pending.length; i++) {
          const d = pending[i]!;
          ok = typeof d === 'string' ? socket.write(d, 'latin1') : socket.write(d);
        }
        socket.uncork();
        if (next.needDrain && ok) next.emitDrain();
      }
      if (!next.writableFinished) return;
      this.queue.shift();
      if (this.finishResponse(next)) return;
    }
    if (!this.current) {
      this.idleSince = this.server.now;
      if (this.handover) this.handOver();
      else if (this.closing) this.endSocket();
    }
  }

  /** True when the connection ends with this response. */
  private finishResponse(res: Http1ServerResponse): boolean {
    // What is left of a request answered before it was read whole cannot be parsed as the next.
    if (!res.closeAfter && !res.request.complete) res.closeAfter = true;
    if (!res.closeAfter) return false;
    this.stopReading();
    this.endSocket();
    return true;
  }

  /** Closes once what was written is flushed. */
  private endSocket(): void {
    const socket = this.socket;
    if (typeof socket.destroySoon === 'function') socket.destroySoon();
    else socket.end();
  }

  destroySocket(): void {
    this.socket.destroy();
  }

  // ---- upgrades ----
  /** The socket goes to the handler's Upgrade/CONNECT code with the bytes read past the head. */
  handOver(): void {
    const h = this.handover;
    if (!h || this.closed || this.queue.length > 0) return;
    this.handover = undefined;
    this.closed = true;
    // Handed over from a later tick or another parser's callback, never from inside this parser's.
    this.unconsume();
    this.detach();
    this.server.onConnectionClosed(this);
    const socket = this.socket;
    (socket as { readableFlowing: boolean | null }).readableFlowing = null;
    const handle = this.handle;
    if (this.consumed && handle && !handle.reading) {
      // The socket's own stream still believes a read is under way (the parser took the bytes),
      // so it would never start one: start it here; the bytes wait in its buffer for the new owner.
      handle.reading = true;
      handle.readStart();
    }
    this.server.handler.onUpgrade(h.req, socket, h.head, this.destination);
  }

  // ---- timeouts (checked by the server every few hundred milliseconds) ----
  /**
   * Start times are read from the server's clock, which may lag by one check interval; `slack`
   * makes a timeout fire late rather than early (between its limit and two intervals past it).
   */
  checkTimeouts(now: number, slack: number): void {
    if (this.activity) {
      this.activity = false;
      this.lastActivity = now;
    }
    const o = this.server.options;
    const readingHead = this.readingHead();
    if (readingHead) {
      // The parser knows, to the microsecond, when the head it is reading began.
      const elapsed = this.parser.duration();
      this.headStart ??= now - elapsed;
      if (o.headersTimeoutMs > 0 && elapsed >= o.headersTimeoutMs) {
        this.refuse(REFUSAL.timeout);
        return;
      }
    }
    now -= slack;
    const inFlight = this.queue.length > 0 || this.current !== undefined;
    if (this.fresh) {
      if (o.headersTimeoutMs > 0 && now - this.connectedAt >= o.headersTimeoutMs) this.refuse(REFUSAL.timeout);
      return;
    }
    if (!readingHead) {
      if (this.current && !(this.queue[this.queue.length - 1]?.started ?? false)) {
        // request_timeout: the whole request must arrive in time, unless its response has begun.
        if (o.requestTimeoutMs > 0 && now - this.messageStart >= o.requestTimeoutMs) {
          this.refuse(REFUSAL.timeout);
          return;
        }
      } else if (!inFlight) {
        if (o.idleTimeoutMs > 0 && now - this.idleSince >= o.idleTimeoutMs) this.socket.destroy();
        return;
      }
    }
    if (o.streamIdleTimeoutMs > 0 && now - this.lastActivity >= o.streamIdleTimeoutMs) this.socket.destroy();
  }

  /** A request head is being read (bytes of it came; it is not complete). */
  private readingHead(): boolean {
    return !this.fresh && this.current === undefined && !this.parser.headersCompleted();
  }

  /** No request in flight (drain closes such connections; a fresh one has sent nothing yet). */
  get idle(): boolean {
    return this.queue.length === 0 && this.current === undefined && !this.readingHead();
  }

  close(): void {
    this.socket.destroy();
  }
}
