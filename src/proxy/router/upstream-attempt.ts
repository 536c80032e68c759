// One try of a request against one host: an undici dispatch handler that reports to its owner.
// Once the owner discards a try (retry, timeout, downstream reset) every later event is ignored.

import type { Dispatcher } from 'undici';
import type { Host } from '../upstream/host.js';
import type { AttemptFailure } from './retry-state.js';

type DispatchController = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

export interface AttemptOwner {
  onAttemptStarted(attempt: UpstreamAttempt): void;
  onAttemptHeaders(attempt: UpstreamAttempt, status: number, headers: Record<string, string | string[]>): void;
  onAttemptData(attempt: UpstreamAttempt, chunk: Buffer): void;
  /** The body pieces of one upstream read were delivered (only when `readEnds`). */
  onAttemptReadEnd(attempt: UpstreamAttempt): void;
  onAttemptEnd(attempt: UpstreamAttempt, trailers: Record<string, string | string[]>): void;
  onAttemptError(attempt: UpstreamAttempt, failure: AttemptFailure, err: Error): void;
}

const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL',
]);

export function classifyFailure(err: Error, started: boolean): AttemptFailure {
  const code = (err as { code?: string }).code;
  if (code !== undefined && CONNECT_FAILURE_CODES.has(code)) return 'connect-failure';
  if ((err as { tlsHandshake?: boolean }).tlsHandshake) return 'connect-failure';
  if (!started && code === 'ECONNRESET') return 'connect-failure';
  if (code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(err.message)) return 'refused-stream';
  // A response that breaks HTTP/1.1 framing (garbage status line, CL+TE, bad chunk): Envoy's UPE.
  // (undici's parser errors, or node's llhttp codes HPE_* from an HTTP/1.1 client built on it).
  if (err.name === 'HTTPParserError' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code?.startsWith('HPE_')) return 'protocol-error';
  return 'reset';
}

export class UpstreamAttempt implements Dispatcher.DispatchHandler {
  controller: DispatchController | undefined;
  /** The request reached a connection (it was pending until then). */
  started = false;
  discarded = false;
  /** Whether this try counted as pending in the circuit breaker. */
  pendingCounted = false;
  /** The owner released this try's in-flight counts. */
  released = false;
  readonly startedAt = performance.now();
  /** The pool reports the end of each read (our HTTP/1.1 pool does; undici's H2CClient does not). */
  readEnds = false;
  /** The pool hands over response headers without hop-by-hop ones (our HTTP/1.1 pool does). */
  hopByHopStripped = false;

  constructor(
    private readonly owner: AttemptOwner,
    readonly host: Host,
    readonly isRetry: boolean,
  ) {}

  /** Drops this try: aborts it now, or as soon as undici hands it a connection. */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.controller?.abort(new Error('upstream attempt discarded by the proxy'));
  }

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
    if (this.discarded) {
      controller.abort(new Error('upstream attempt discarded by the proxy'));
      return;
    }
    this.started = true;
    const c = controller as { readEnds?: boolean; hopByHopStripped?: boolean };
    this.readEnds = c.readEnds === true;
    this.hopByHopStripped = c.hopByHopStripped === true;
    this.owner.onAttemptStarted(this);
  }

  onResponseStart(controller: DispatchController, statusCode: number, headers: Record<string, string | string[]>): void {
    // 1xx informational responses (100 Continue) are not forwarded; the final response follows.
    if (this.discarded || statusCode < 200) return;
    this.owner.onAttemptHeaders(this, statusCode, headers);
  }

  onResponseData(_controller: DispatchController, chunk: Buffer): void {
    if (!this.discarded) this.owner.onAttemptData(this, chunk);
  }

  onResponseReadEnd(): void {
    if (!this.discarded) this.owner.onAttemptReadEnd(this);
  }

  onResponseEnd(controller: DispatchController, trailers: Record<string, string | string[]>): void {
    if (this.discarded) return;
    // undici's HTTP/2 client hands node's trailer object where raw [name, value, ...] pairs are
    // expected, so the parsed trailers come out empty; read them from the raw form instead.
    const raw = (controller as { rawTrailers?: unknown }).rawTrailers;
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(trailers).length === 0) {
      const fixed: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v === 'string' || Array.isArray(v)) fixed[k] = v as string | string[];
      }
      trailers = fixed;
    }
    this.owner.onAttemptEnd(this, trailers);
  }

  onResponseError(_controller: DispatchController, err: Error): void {
    if (!this.discarded) this.owner.onAttemptError(this, classifyFailure(err, this.started), err);
  }

  pause(): void {
    this.controller?.pause();
  }

  resume(): void {
    this.controller?.resume();
  }
}
