// One response written by the downstream HTTP/1.1 codec. writeHead() only builds the head; it
// goes out with the first body bytes, so a response whose body arrives whole (most do) is one
// buffer and one socket write: head, body and (chunked) terminator together. Framing follows
// node:http's rules: the Content-Length given, else the length of a body given whole to end(),
// else chunked (HTTP/1.1) or close-delimited (HTTP/1.0); none for HEAD, 1xx, 204 and 304.

import { STATUS_CODES } from 'node:http';
import type { HeaderMap } from '../config/request-view.js';
import type { DownstreamResponse } from './downstream.js';
import type { Http1ServerRequest } from './http1-server-request.js';
import { INVALID_FIELD_VALUE as INVALID_VALUE, isFieldName } from '../upstream/http1-syntax.js';

/** What a response needs from its connection. */
export interface ResponseCarrier {
  /** Writes the response's bytes, or queues them behind earlier responses; false: wait for drain. */
  send(res: Http1ServerResponse, data: Buffer | string): boolean;
  /** The response is complete (all its bytes handed to send()). */
  onResponseEnd(res: Http1ServerResponse): void;
  /** Resets the connection (HTTP/1.1 has no other way to reset a stream). */
  destroySocket(): void;
}

/** What the response reports its end (or abort) to: the HttpStream. */
export interface ResponseObserver {
  onClose(): void;
}

/** Bodies up to this size are copied into one buffer with the head; larger ones go as a writev. */
const COALESCE_LIMIT = 16 * 1024;

const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;

const statusLines: string[] = [];
function statusLine(status: number): string {
  return (statusLines[status] ??= `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`);
}

// The Date header, formatted once a second (node:http's way: a cached string and a timer).
let dateLine = '';
function clearDate(): void {
  dateLine = '';
}
function dateHeader(): string {
  if (dateLine === '') {
    const now = Date.now();
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
    setTimeout(clearDate, 1000 - (now % 1000)).unref();
  }
  return dateLine;
}

function headerLines(name: string, value: string | string[]): string {
  if (typeof value === 'string') return INVALID_VALUE.test(value) ? '' : `${name}: ${value}\r\n`;
  let out = '';
  for (let i = 0; i < value.length; i++) if (!INVALID_VALUE.test(value[i]!)) out += `${name}: ${value[i]!}\r\n`;
  return out;
}

export class Http1ServerResponse implements DownstreamResponse {
  observer: ResponseObserver | undefined;
  destroyed = false;
  /** end() was called: every byte of the response is with the connection. */
  writableFinished = false;
  /** Some of this response reached the socket (it is no longer only queued). */
  started = false;
  /** The connection closes once this response is written. */
  closeAfter: boolean;
  /** Bytes written while earlier responses on the connection were still being sent. */
  pending: (Buffer | string)[] | undefined;
  pendingBytes = 0;
  /** A write returned false: 'drain' listeners wait. */
  needDrain = false;
  private headers: HeaderMap | undefined;
  /** The head without its framing lines and final CRLF, until the first body bytes (or end). */
  private head: string | undefined;
  private headSent = false;
  private hasLength = false;
  /** The caller gave a Connection header (it is written as given). */
  private connectionGiven = false;
  private chunked = false;
  /** The status allows a body and the request was not HEAD. */
  private bodyAllowed = true;
  private trailers: Record<string, string | string[]> | undefined;
  private drainListeners: (() => void)[] | undefined;

  constructor(private readonly carrier: ResponseCarrier, readonly request: Http1ServerRequest) {
    this.closeAfter = !request.keepAlive;
  }

  getHeader(name: string): unknown {
    return this.headers?.[name];
  }

  writeHead(status: number, headers: HeaderMap): this {
    if (this.head !== undefined || this.headSent || this.destroyed) return this;
    this.headers = headers;
    const req = this.request;
    this.bodyAllowed = req.method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
    let head = statusLine(status);
    let connection: string | undefined;
    let date = false;
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || !isFieldName(name)) continue;
      switch (name.length) {
        case 4:
          if (name === 'date') date = true;
          break;
        case 10:
          if (name === 'connection') connection = typeof value === 'string' ? value : value.join(', ');
          break;
        case 14:
          if (name === 'content-length') this.hasLength = true;
          break;
        case 17:
          if (name === 'transfer-encoding') {
            // A caller naming chunked framing gets it done for it, as node:http does.
            const te = typeof value === 'string' ? value : value.join(', ');
            this.chunked = /(?:^|,)\s*chunked\s*$/i.test(te);
            this.hasLength = true;
          }
          break;
      }
      head += headerLines(name, value);
    }
    if (!date) head += dateHeader();
    // A response that starts before its request was read whole ends the connection: what is left
    // of the request cannot be told apart from a next request.
    if (!req.complete) this.closeAfter = true;
    if (connection !== undefined) {
      this.connectionGiven = true;
      if (CLOSE_TOKEN.test(connection)) this.closeAfter = true;
    }
    this.head = head;
    return this;
  }

  /** The head's framing lines, once it is known whether the body comes whole (`wholeLength`). */
  private finishHead(wholeLength: number | undefined): string {
    if (this.head === undefined) this.writeHead(200, {});
    let head = this.head!;
    this.head = undefined;
    this.headSent = true;
    if (this.bodyAllowed && !this.hasLength) {
      if (wholeLength !== undefined) head += `content-length: ${wholeLength}\r\n`;
      else if (this.request.httpVersion === '1.1') {
        head += 'transfer-encoding: chunked\r\n';
        this.chunked = true;
      } else {
        // An HTTP/1.0 client reads such a body until the connection closes.
        this.closeAfter = true;
      }
    }
    if (!this.connectionGiven) {
      if (this.closeAfter) head += 'connection: close\r\n';
      else if (this.request.httpVersion === '1.0') head += 'connection: keep-alive\r\n';
    }
    return `${head}\r\n`;
  }

  write(chunk: Buffer): boolean {
    if (this.writableFinished || this.destroyed) return false;
    if (chunk.length === 0 || (this.headSent && !this.bodyAllowed)) return true;
    const head = this.headSent ? '' : this.finishHead(undefined);
    if (!this.bodyAllowed) return this.carrier.send(this, head);
    if (this.chunked) return this.emit(`${head}${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
    return this.emit(head, chunk, '');
  }

  end(chunk?: Buffer): this {
    if (this.writableFinished || this.destroyed) return this;
    const body = chunk !== undefined && chunk.length > 0 && this.bodyAllowed ? chunk : undefined;
    let head = '';
    if (!this.headSent) head = this.finishHead(this.chunked ? undefined : (body?.length ?? 0));
    let prefix = head;
    let suffix = '';
    if (this.chunked && this.bodyAllowed) {
      if (body) prefix += `${body.length.toString(16)}\r\n`;
      suffix = `${body ? '\r\n' : ''}0\r\n${this.trailerLines()}\r\n`;
    }
    if (body) this.emit(prefix, body, suffix);
    else if (prefix !== '' || suffix !== '') this.carrier.send(this, prefix + suffix);
    this.writableFinished = true;
    this.carrier.onResponseEnd(this);
    this.observer?.onClose();
    return this;
  }

  private trailerLines(): string {
    const t = this.trailers;
    if (!t) return '';
    let out = '';
    for (const name in t) if (isFieldName(name)) out += headerLines(name, t[name]!);
    return out;
  }

  addTrailers(trailers: Record<string, string | string[]>): void {
    this.trailers = trailers;
  }

  /** Head, body and framing as one buffer when small, else as separate writes (one writev). */
  private emit(prefix: string, body: Buffer, suffix: string): boolean {
    const total = prefix.length + body.length + suffix.length;
    if (total <= COALESCE_LIMIT) {
      const out = Buffer.allocUnsafe(total);
      let at = prefix.length > 0 ? out.write(prefix, 0, 'latin1') : 0;
      at += body.copy(out, at);
      if (suffix.length > 0) out.write(suffix, at, 'latin1');
      return this.carrier.send(this, out);
    }
    if (prefix.length > 0) this.carrier.send(this, prefix);
    const more = this.carrier.send(this, body);
    return suffix.length > 0 ? this.carrier.send(this, suffix) && more : more;
  }

  destroy(): this {
    if (!this.destroyed) this.carrier.destroySocket();
    return this;
  }

  once(_event: 'drain', listener: () => void): this {
    (this.drainListeners ??= []).push(listener);
    return this;
  }

  /** The connection caught up with this response's writes. */
  emitDrain(): void {
    this.needDrain = false;
    const listeners = this.drainListeners;
    if (!listeners) return;
    this.drainListeners = undefined;
    for (let i = 0; i < listeners.length; i++) listeners[i]!();
  }

  /** The connection closed before the response was complete. */
  abort(): void {
    if (this.writableFinished || this.destroyed) return;
    this.destroyed = true;
    this.drainListeners = undefined;
    this.observer?.onClose();
  }
}
