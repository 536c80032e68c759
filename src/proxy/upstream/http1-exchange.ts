// One request/response on the upstream HTTP/1.1 pool, and the controller its handler is given:
// undici's dispatch protocol (onRequestStart, onResponseStart, onResponseData, onResponseEnd,
// onResponseError), so the router's attempts speak to this pool and to undici's H2CClient alike.
// One addition: after the body pieces of one socket read, a handler that has onResponseReadEnd
// hears so (the controller says `readEnds`), so it can hold a piece until then and send it
// together with the response's end when both came in the same read.

import type { Dispatcher } from 'undici';
import { buildRequestHead, type Http1Request, type Http1RequestHead } from './http1-request-head.js';

type Handler = Dispatcher.DispatchHandler & {
  /** The body pieces of one socket read have all been delivered (the response is not over). */
  onResponseReadEnd?(controller: DispatchController): void;
};
/** The controller type the handler methods declare; an exchange stands in for it. */
export type DispatchController = Parameters<NonNullable<Handler['onRequestStart']>>[0];

/** What an exchange needs from the connection carrying it. */
export interface ExchangeCarrier {
  /** The exchange was aborted mid-flight: the connection cannot be reused. */
  abortExchange(exchange: Http1Exchange, reason: Error): void;
  pauseReading(): void;
  resumeReading(): void;
}

export class Http1Exchange {
  readonly head: Http1RequestHead;
  carrier: ExchangeCarrier | undefined;
  /** Response head delivered to the handler (a final, non-1xx status). */
  responseStarted = false;
  done = false;
  aborted = false;
  reason: Error | undefined;
  paused = false;
  /** The controller reports the end of each read (onResponseReadEnd). */
  readonly readEnds = true;
  /** Response headers come without hop-by-hop headers (the connection read and dropped them). */
  readonly hopByHopStripped = true;
  /** Body was delivered since the last read ended. */
  private unreported = false;

  constructor(
    readonly request: Http1Request,
    readonly handler: Handler,
    defaultHost: string,
  ) {
    this.head = buildRequestHead(request, defaultHost);
  }

  private get controller(): DispatchController {
    return this as unknown as DispatchController;
  }

  // ---- the controller the handler sees ----
  abort(reason?: Error): void {
    if (this.done) return;
    const err = reason ?? Object.assign(new Error('Request aborted'), { code: 'UND_ERR_ABORTED' });
    this.aborted = true;
    this.reason = err;
    const carrier = this.carrier;
    this.fail(err);
    carrier?.abortExchange(this, err);
  }

  pause(): void {
    this.paused = true;
    this.carrier?.pauseReading();
  }

  resume(): void {
    this.paused = false;
    this.carrier?.resumeReading();
  }

  // ---- events from the connection, forwarded to the handler ----
  /** The request got a connection; false when the handler aborted it there. */
  start(carrier: ExchangeCarrier): boolean {
    this.carrier = carrier;
    this.handler.onRequestStart?.(this.controller, {});
    return !this.aborted;
  }

  responseStart(status: number, headers: Record<string, string | string[]>, statusText: string): void {
    this.responseStarted = true;
    this.handler.onResponseStart?.(this.controller, status, headers, statusText);
  }

  data(chunk: Buffer): void {
    if (this.done) return;
    this.unreported = true;
    this.handler.onResponseData?.(this.controller, chunk);
  }

  /** The connection parsed all it read. */
  endOfRead(): void {
    if (!this.unreported || this.done) return;
    this.unreported = false;
    this.handler.onResponseReadEnd?.(this.controller);
  }

  end(trailers: Record<string, string | string[]>): void {
    if (this.done) return;
    this.done = true;
    this.carrier = undefined;
    this.handler.onResponseEnd?.(this.controller, trailers);
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.carrier = undefined;
    this.handler.onResponseError?.(this.controller, err);
  }
}
