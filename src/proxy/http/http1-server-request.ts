// One request read by the downstream HTTP/1.1 codec: the head as the stream routes it, and the
// body as a Readable fed by the parser (created only for requests that have a body, so the common
// bodiless request allocates no stream). Pausing the body pauses reading the connection.

import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { HeaderMap } from '../config/request-view.js';
import type { DownstreamRequest, DownstreamSocket } from './downstream.js';
import type { RequestHeadFacts } from './http1-request-headers.js';

/** What a request body needs from its connection: flow control. */
export interface BodySource {
  pauseReading(): void;
  resumeReading(): void;
}

/** The request body: the parser pushes chunks; a consumer's read() resumes a paused connection. */
export class Http1RequestBody extends Readable {
  constructor(private readonly source: BodySource) {
    super();
  }

  override _read(): void {
    this.source.resumeReading();
  }

  /** Hands a chunk to the consumer; stops reading the connection when the consumer is behind. */
  deliver(chunk: Buffer): void {
    if (!this.push(chunk)) this.source.pauseReading();
  }
}

const NO_BODY_HEADERS: HeaderMap = {};

export class Http1ServerRequest implements DownstreamRequest, RequestHeadFacts {
  headers: HeaderMap = NO_BODY_HEADERS;
  connection: string | undefined = undefined;
  expect: string | undefined = undefined;
  upgrade: string | undefined = undefined;
  transferEncoding = false;
  readonly hopByHopStripped = true;
  readonly httpVersion: string;
  hasBody = false;
  /** The whole request (head and body) has been read. */
  complete = false;
  private stream: Http1RequestBody | undefined;

  constructor(
    readonly socket: Duplex & DownstreamSocket,
    private readonly source: BodySource,
    readonly method: string,
    readonly url: string,
    readonly httpVersionMajor: number,
    readonly httpVersionMinor: number,
    /** Header lines as received (name, value, …), for WebSocket upgrades that forward them as sent. */
    readonly rawHeaders: readonly string[],
    readonly headerCount: number,
    /** llhttp's verdict: the client keeps the connection open after this exchange. */
    readonly keepAlive: boolean,
  ) {
    this.httpVersion = httpVersionMajor === 1 && httpVersionMinor === 1 ? '1.1' : `${httpVersionMajor}.${httpVersionMinor}`;
  }

  get body(): Readable {
    if (!this.stream) {
      this.stream = new Http1RequestBody(this.source);
      if (!this.hasBody || this.complete) this.stream.push(null);
    }
    return this.stream;
  }

  /** From the parser: a piece of the body. */
  onBody(chunk: Buffer): void {
    (this.stream ?? (this.body as Http1RequestBody)).deliver(chunk);
  }

  /** From the parser: the request is complete. */
  onComplete(): void {
    this.complete = true;
    if (this.stream && this.hasBody) this.stream.push(null);
  }

  /**
   * The connection went away (or gave up on the request) before the body was complete. As
   * node:http does, no 'error' is emitted (a piped body has no error listener): consumers see
   * 'close' without 'end'.
   */
  abort(): void {
    const s = this.stream;
    if (this.complete || !s || s.destroyed) return;
    s.destroy();
  }
}
