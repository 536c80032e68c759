// What an HttpStream needs from the downstream side of a request, whichever codec carries it: the
// proxy's own HTTP/1.1 codec (http1-server-*.ts) or node:http2's compatibility request and
// response for h2c (http2-downstream.ts). The response side is the subset of node's response API
// the stream and router use, so node:http2's Http2ServerResponse provides it as it is.

import type { Readable } from 'node:stream';
import type { HeaderMap } from '../config/request-view.js';

/** The connection a request came on: addresses, and TLS when the listener terminated it. */
export interface DownstreamSocket {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  /** Set on TLS sockets. */
  readonly encrypted?: boolean;
  getPeerCertificate?(): object;
}

export interface DownstreamRequest {
  readonly method: string;
  /** The request target as sent (origin-form, absolute-form, authority-form or `*`). */
  readonly url: string;
  /**
   * Lower-cased header names. The HTTP/1.1 codec has already dropped the hop-by-hop headers
   * (`hopByHopStripped`); HTTP/2 requests still carry their pseudo-headers.
   */
  readonly headers: HeaderMap;
  readonly hopByHopStripped: boolean;
  /** `1.0`, `1.1` or `2.0`. */
  readonly httpVersion: string;
  /** 0 for an HTTP/0.9 request line, which is refused. */
  readonly httpVersionMajor: number;
  /** Header lines as received, for max_headers_count. */
  readonly headerCount: number;
  /** A body follows the head (Content-Length > 0, chunked, or an HTTP/2 stream left open). */
  readonly hasBody: boolean;
  readonly socket: DownstreamSocket;
  /** The body as a stream; ends at once when there is none. */
  readonly body: Readable;
}

export interface DownstreamResponse {
  /** The response can no longer be written: the connection is gone or the stream was reset. */
  readonly destroyed: boolean;
  /** The response was completely handed to the connection. */
  readonly writableFinished: boolean;
  writeHead(status: number, headers: HeaderMap): unknown;
  /** False when the caller should wait for 'drain' before writing more. */
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  /** Resets the stream (on HTTP/1.1, the connection). */
  destroy(): unknown;
  once(event: 'drain', listener: () => void): unknown;
  /** A header given to writeHead (to learn whether trailers were announced). */
  getHeader(name: string): unknown;
  addTrailers(trailers: Record<string, string | string[]>): void;
}
