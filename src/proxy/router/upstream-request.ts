// The upstream side of one routed request: host choice, circuit breakers, the route and per-try
// timeouts, retries with backoff, and streaming the chosen response back downstream. Each try is
// an UpstreamAttempt; this object decides what happens between tries.

import { PassThrough, type Readable } from 'node:stream';
import type { RouteAction } from '../config/route-action.js';
import type { RetryPolicy } from '../config/retry-policy.js';
import type { HeaderMap } from '../config/request-view.js';
import type { HttpStream } from '../http/stream.js';
import { ResponseFlag } from '../telemetry/response-flags.js';
import { countStatus } from '../upstream/cluster-stats.js';
import type { Host } from '../upstream/host.js';
import type { UpstreamCluster } from '../upstream/upstream-cluster.js';
import { RetryState, type AttemptFailure } from './retry-state.js';
import { UpstreamAttempt, type AttemptOwner } from './upstream-attempt.js';
import { stripResponseHopByHop } from './hop-by-hop.js';
import { parseGrpcTimeoutMs } from './grpc-timeout.js';
import { sendMirror } from './mirror.js';

/** Envoy buffers at most this much request body for retries and mirrors (its default buffer limit). */
const RETRY_BUFFER_LIMIT = 1024 * 1024;

const RESET_BODY = 'upstream connect error or disconnect/reset before headers. reset reason: ';

// Timer callbacks are module functions given the request as an argument, so a request allocates
// no closures for its timers.
function globalTimeoutFired(r: UpstreamRequest): void {
  r.onGlobalTimeout();
}
function perTryTimeoutFired(r: UpstreamRequest): void {
  r.onPerTryTimeout();
}
function retryTimerFired(r: UpstreamRequest): void {
  r.onRetryTimer();
}
function flushHeldChunk(r: UpstreamRequest): void {
  r.flushHeld();
}

export class UpstreamRequest implements AttemptOwner {
  private retry: RetryState | undefined;
  private attempt: UpstreamAttempt | undefined;
  /** Replayable body (retries/mirrors), null for none, or the downstream stream itself. */
  private body: Buffer | null | 'stream' = null;
  private globalTimer: NodeJS.Timeout | undefined;
  private perTryTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private committed = false;
  private done = false;
  private readonly triedHosts: Host[] = [];
  private timeoutMs: number;
  private readonly mirrors: string[] = [];

  constructor(
    private readonly stream: HttpStream,
    private readonly cluster: UpstreamCluster,
    private readonly action: RouteAction,
    private readonly retryPolicy: RetryPolicy | undefined,
    private readonly path: string,
    private readonly hash: number | undefined,
  ) {
    this.timeoutMs = action.timeoutMs;
    if (action.grpcTimeoutHeaderMaxMs !== undefined) {
      const g = parseGrpcTimeoutMs(stream.view.headers['grpc-timeout']);
      if (g !== undefined) {
        const max = action.grpcTimeoutHeaderMaxMs;
        this.timeoutMs = max > 0 ? Math.min(g, max) : g;
      }
    }
  }

  /** Queues a shadow copy to another cluster once the body is known (request_mirror_policies). */
  mirrorTo(cluster: string): void {
    this.mirrors.push(cluster);
  }

  start(): void {
    const stream = this.stream;
    const policy = this.retryPolicy;
    if (policy && policy.retryOn !== 0 && policy.numRetries > 0) {
      const state = new RetryState(policy, this.cluster.resources.retries);
      if (state.requestIsRetriable(stream.view)) this.retry = state;
    }
    if (!this.stream.router.suppressEnvoyHeaders && this.timeoutMs > 0) {
      const perTry = policy?.perTryTimeoutMs ?? 0;
      stream.view.headers['x-envoy-expected-rq-timeout-ms'] = String(perTry > 0 ? Math.min(perTry, this.timeoutMs) : this.timeoutMs);
    }
    if (!stream.hasBody) {
      this.body = null;
      this.begin();
      return;
    }
    // Retries and mirrors need to replay the body: buffer it (bounded), as Envoy does.
    if (this.retry || this.mirrors.length > 0) this.bufferBody();
    else {
      this.body = 'stream';
      this.begin();
    }
  }

  private bufferBody(): void {
    const req = this.stream.req.body;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > RETRY_BUFFER_LIMIT) {
        // Too big to replay: no retries or mirrors; stream what we have plus the rest.
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        this.retry = undefined;
        this.mirrors.length = 0;
        this.prefix = chunks;
        this.body = 'stream';
        this.begin();
      }
    };
    const onEnd = () => {
      this.body = Buffer.concat(chunks, size);
      this.begin();
    };
    req.on('data', onData);
    req.once('end', onEnd);
  }

  /** Body bytes already read from downstream before streaming took over. */
  private prefix: Buffer[] | undefined;

  private begin(): void {
    if (this.stream.aborted || this.done) return;
    if (this.timeoutMs > 0) {
      this.globalTimer = setTimeout(globalTimeoutFired, this.timeoutMs, this);
    }
    for (const m of this.mirrors) {
      const target = this.stream.hcm.proxy.clusters.get(m);
      if (target && this.body !== 'stream') sendMirror(target, this.stream, this.path, this.body);
    }
    this.sendAttempt();
  }

  private chooseHost(): Host | undefined {
    const c = this.cluster;
    if (c.config.type === 'ORIGINAL_DST') return this.originalDestinationHost();
    const policy = this.retryPolicy;
    const maxAttempts = this.retry && policy?.avoidPreviousHosts ? policy.hostSelectionMaxAttempts : 1;
    let host: Host | undefined;
    for (let i = 0; i < maxAttempts; i++) {
      // Consistent-hash balancers read the attempt number to step to another host on retries.
      host = c.chooseHost(this.hash, this.triedHosts.length + i);
      if (!host || !policy?.avoidPreviousHosts || !this.triedHosts.includes(host)) break;
    }
    return host;
  }

  private originalDestinationHost(): Host | undefined {
    const c = this.cluster;
    const od = c.config.originalDst;
    if (od.useHttpHeader) {
      const v = this.stream.view.headers[od.headerName];
      if (typeof v !== 'string') return undefined;
      const colon = v.lastIndexOf(':');
      const port = Number(v.slice(colon + 1));
      return colon > 0 && port > 0 ? c.originalDstHost(v.slice(0, colon).replace(/^\[|\]$/g, ''), port) : undefined;
    }
    const dest = this.stream.originalDestination;
    return dest ? c.originalDstHost(dest.host, dest.port) : undefined;
  }

  private sendAttempt(): void {
    const stream = this.stream;
    const c = this.cluster;
    if (!c.resources.requests.canCreate()) {
      c.stats.rqPendingOverflow.value++;
      this.finishWithReply(503, `${RESET_BODY}overflow`, ResponseFlag.UpstreamOverflow, 'upstream_reset_before_response_started{overflow}');
      return;
    }
    const host = this.chooseHost();
    if (!host) {
      c.stats.cxNoneHealthy.value++;
      this.finishWithReply(503, 'no healthy upstream', ResponseFlag.NoHealthyUpstream, 'no_healthy_upstream');
      return;
    }
    // A request waits in the pool (is pending) unless an idle connection is ready for it.
    const willWait = host.activeRequests >= host.activeConnections;
    if (willWait && !c.resources.pendingRequests.canCreate()) {
      c.stats.rqPendingOverflow.value++;
      this.finishWithReply(503, `${RESET_BODY}overflow`, ResponseFlag.UpstreamOverflow, 'upstream_reset_before_response_started{overflow}');
      return;
    }
    const isRetry = this.triedHosts.length > 0;
    this.triedHosts.push(host);
    const attempt = new UpstreamAttempt(this, host, isRetry);
    this.attempt = attempt;
    stream.attemptCount++;
    stream.upstreamHost = host.key;
    host.activeRequests++;
    host.requestsTotal++;
    c.resources.requests.inc();
    c.stats.rqTotal.value++;
    c.stats.rqActive.value++;
    if (isRetry) c.resources.retries.inc();
    if (willWait) {
      attempt.pendingCounted = true;
      c.resources.pendingRequests.inc();
      c.stats.rqPendingTotal.value++;
      c.stats.rqPendingActive.value++;
    }
    const headers = stream.view.headers;
    if (stream.route?.virtualHost.includeRequestAttemptCount) headers['x-envoy-attempt-count'] = String(stream.attemptCount);
    const perTry = this.retryPolicy?.perTryTimeoutMs ?? 0;
    if (perTry > 0) this.perTryTimer = setTimeout(perTryTimeoutFired, perTry, this);
    let body: Buffer | Readable | null;
    if (this.body === 'stream') {
      // undici destroys a body stream it gives up on; a pass-through keeps the client socket safe.
      const pass = new PassThrough();
      if (this.prefix) for (const chunk of this.prefix) pass.write(chunk);
      this.prefix = undefined;
      stream.req.body.pipe(pass);
      body = pass;
    } else body = this.body;
    c.dispatcherFor(host, stream.isHttp2).dispatch(
      { origin: `http://${host.key}`, path: this.path, method: stream.view.method, headers: headers as Record<string, string | string[]>, body },
      attempt,
    );
  }

  /** Releases what a try held: in-flight counts, pending slot, retry slot. Runs once per try. */
  private releaseAttempt(a: UpstreamAttempt): void {
    if (a.released) return;
    a.released = true;
    const c = this.cluster;
    a.host.activeRequests--;
    c.resources.requests.dec();
    c.stats.rqActive.value--;
    if (a.isRetry) c.resources.retries.dec();
    this.releasePending(a);
  }

  private releasePending(a: UpstreamAttempt): void {
    if (!a.pendingCounted) return;
    a.pendingCounted = false;
    this.cluster.resources.pendingRequests.dec();
    this.cluster.stats.rqPendingActive.value--;
  }

  onAttemptStarted(a: UpstreamAttempt): void {
    this.releasePending(a);
    this.cluster.outlier?.reportLocalOriginSuccess(a.host);
  }

  onAttemptHeaders(a: UpstreamAttempt, status: number, headers: Record<string, string | string[]>): void {
    if (a !== this.attempt || this.done) return;
    const c = this.cluster;
    c.outlier?.reportStatus(a.host, status);
    if (status >= 500) a.host.requestsError++;
    if (this.retry && !this.committed && this.body !== 'stream' && this.retry.wouldRetryResponse(status, headers)) {
      if (this.tryRetry(a)) return;
      this.stream.addResponseFlag(ResponseFlag.UpstreamRetryLimitExceeded);
    }
    this.clearPerTryTimer();
    countStatus(c.stats, status);
    if (a.isRetry && status < 500) c.stats.rqRetrySuccess.value++;
    this.committed = true;
    const stream = this.stream;
    stream.upstreamServiceTimeMs = Math.round(performance.now() - a.startedAt);
    const out = headers as HeaderMap;
    if (!a.hopByHopStripped) stripResponseHopByHop(out);
    const mx = stream.hcm.proxy.metadataExchange;
    if (mx && stream.hcm.direction !== 'INBOUND') stream.peer = mx.take(out);
    if (!stream.router.suppressEnvoyHeaders) out['x-envoy-upstream-service-time'] = String(stream.upstreamServiceTimeMs);
    stream.finalizeResponseHeaders(out);
    stream.responded = true;
    stream.responseCode = status;
    stream.responseHeaders = out;
    stream.responseCodeDetails = 'via_upstream';
    if (stream.res.destroyed) return;
    stream.res.writeHead(status, out);
  }

  /**
   * The latest body chunk, held until the end of the upstream read that brought it (our HTTP/1.1
   * pool says when that is; else the end of the tick): a response whose body and end arrive
   * together (most do) then goes out as one res.end(chunk) instead of write() plus end().
   */
  private held: Buffer | undefined;

  onAttemptData(a: UpstreamAttempt, chunk: Buffer): void {
    if (a !== this.attempt || !this.committed || this.done) return;
    this.stream.bytesSent += chunk.length;
    if (this.held !== undefined) this.writeDownstream(this.held);
    else if (!a.readEnds) process.nextTick(flushHeldChunk, this);
    this.held = chunk;
  }

  onAttemptReadEnd(a: UpstreamAttempt): void {
    if (a === this.attempt) this.flushHeld();
  }

  /** The read (or tick) ended without the response's end: the held chunk goes out now. */
  flushHeld(): void {
    const chunk = this.held;
    if (chunk === undefined) return;
    this.held = undefined;
    if (!this.done) this.writeDownstream(chunk);
  }

  private writeDownstream(chunk: Buffer): void {
    const res = this.stream.res;
    if (!res.write(chunk)) {
      const a = this.attempt;
      if (!a) return;
      a.pause();
      res.once('drain', () => a.resume());
    }
  }

  onAttemptEnd(a: UpstreamAttempt, trailers: Record<string, string | string[]>): void {
    if (a !== this.attempt || this.done) return;
    this.releaseAttempt(a);
    this.done = true;
    this.clearTimers();
    const res = this.stream.res;
    if (!this.committed) return;
    const held = this.held;
    this.held = undefined;
    // HTTP/2 carries trailers natively (gRPC status lives there); HTTP/1.1 only when announced.
    if ((this.stream.isHttp2 || res.getHeader('trailer') !== undefined) && Object.keys(trailers).length > 0) {
      if (held) res.write(held);
      res.addTrailers(trailers);
      res.end();
      return;
    }
    res.end(held);
  }

  onAttemptError(a: UpstreamAttempt, failure: AttemptFailure, err: Error): void {
    if (a !== this.attempt || this.done) return;
    this.releaseAttempt(a);
    const c = this.cluster;
    a.host.requestsError++;
    c.outlier?.reportLocalOriginFailure(a.host, failure === 'connect-failure' ? 'connect-failure' : 'reset');
    if (failure !== 'connect-failure') c.stats.rqRxReset.value++;
    this.stream.upstreamTransportFailureReason = err.message;
    if (this.committed) {
      this.resetDownstream(
        failure === 'connect-failure' ? ResponseFlag.UpstreamConnectionFailure : failure === 'protocol-error' ? ResponseFlag.UpstreamProtocolError : ResponseFlag.UpstreamConnectionTermination,
      );
      return;
    }
    if (this.retry && this.body !== 'stream' && this.retry.wouldRetryFailure(failure)) {
      if (this.tryRetry(a)) return;
      this.stream.addResponseFlag(ResponseFlag.UpstreamRetryLimitExceeded);
    }
    if (failure === 'connect-failure') {
      this.finishWithReply(503, `${RESET_BODY}connection failure`, ResponseFlag.UpstreamConnectionFailure, 'upstream_reset_before_response_started{connection_failure}');
    } else if (failure === 'protocol-error') {
      this.finishWithReply(502, `${RESET_BODY}protocol error`, ResponseFlag.UpstreamProtocolError, 'upstream_reset_before_response_started{protocol_error}');
    } else {
      this.finishWithReply(503, `${RESET_BODY}connection termination`, ResponseFlag.UpstreamConnectionTermination, 'upstream_reset_before_response_started{connection_termination}');
    }
  }

  /** Schedules another try after backoff; false when count or circuit breaker forbid it. */
  private tryRetry(a: UpstreamAttempt): boolean {
    const decision = this.retry!.consume();
    const stats = this.cluster.stats;
    if (decision === 'overflow') {
      stats.rqRetryOverflow.value++;
      return false;
    }
    if (decision === 'limit') {
      stats.rqRetryLimitExceeded.value++;
      return false;
    }
    stats.rqRetry.value++;
    a.discard();
    this.releaseAttempt(a);
    this.clearPerTryTimer();
    this.attempt = undefined;
    this.retryTimer = setTimeout(retryTimerFired, this.retry!.backoffMs(), this);
    return true;
  }

  onRetryTimer(): void {
    this.retryTimer = undefined;
    if (!this.done && !this.stream.aborted) this.sendAttempt();
  }

  onPerTryTimeout(): void {
    this.perTryTimer = undefined;
    const a = this.attempt;
    if (!a || this.done) return;
    this.cluster.stats.rqPerTryTimeout.value++;
    this.cluster.outlier?.reportLocalOriginFailure(a.host, 'timeout');
    if (this.committed) {
      a.discard();
      this.releaseAttempt(a);
      this.resetDownstream(ResponseFlag.UpstreamRequestTimeout);
      return;
    }
    if (this.retry && this.body !== 'stream' && this.retry.wouldRetryFailure('per-try-timeout') && this.tryRetry(a)) return;
    a.discard();
    this.releaseAttempt(a);
    this.finishWithReply(504, 'upstream request timeout', ResponseFlag.UpstreamRequestTimeout, 'upstream_per_try_timeout');
  }

  onGlobalTimeout(): void {
    this.globalTimer = undefined;
    if (this.done) return;
    this.cluster.stats.rqTimeout.value++;
    const a = this.attempt;
    if (a) {
      a.discard();
      this.releaseAttempt(a);
      this.cluster.outlier?.reportLocalOriginFailure(a.host, 'timeout');
    }
    if (this.committed) {
      this.resetDownstream(ResponseFlag.UpstreamRequestTimeout);
      return;
    }
    this.finishWithReply(504, 'upstream request timeout', ResponseFlag.UpstreamRequestTimeout, 'upstream_response_timeout');
  }

  /** The downstream went away: stop everything upstream. */
  onDownstreamReset(): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    const a = this.attempt;
    if (a) {
      a.discard();
      this.releaseAttempt(a);
    }
  }

  private finishWithReply(status: number, body: string, flag: number, details: string): void {
    this.done = true;
    this.clearTimers();
    this.attempt = undefined;
    this.stream.sendLocalReply(status, body, flag, details);
  }

  private resetDownstream(flag: number): void {
    // What arrived before the failure is sent, then the stream is reset (as before chunks were held).
    const held = this.held;
    this.held = undefined;
    if (held) this.stream.res.write(held);
    this.done = true;
    this.clearTimers();
    this.stream.addResponseFlag(flag);
    this.stream.res.destroy();
  }

  private clearPerTryTimer(): void {
    if (this.perTryTimer) clearTimeout(this.perTryTimer);
    this.perTryTimer = undefined;
  }

  private clearTimers(): void {
    this.clearPerTryTimer();
    if (this.globalTimer) clearTimeout(this.globalTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.globalTimer = undefined;
    this.retryTimer = undefined;
  }
}
