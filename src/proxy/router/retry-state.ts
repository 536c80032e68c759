// Whether and when to retry, per Envoy's RetryState: retry_on conditions checked against a
// response or a failure, the retry count, the cluster's max_retries circuit breaker and jittered
// exponential backoff. It decides; the upstream request acts.

import { RetryOn, type RetryPolicy } from '../config/retry-policy.js';
import { headerMatches } from '../config/header-matcher.js';
import type { HeaderMap, RequestView } from '../config/request-view.js';
import type { ResourceLimit } from '../upstream/circuit-breaker.js';

/** Why an attempt failed without a response. */
export type AttemptFailure = 'connect-failure' | 'reset' | 'protocol-error' | 'refused-stream' | 'per-try-timeout' | 'overflow';

const GRPC_RETRY: [number, number][] = [
  [RetryOn.GRPC_CANCELLED, 1],
  [RetryOn.GRPC_DEADLINE_EXCEEDED, 4],
  [RetryOn.GRPC_RESOURCE_EXHAUSTED, 8],
  [RetryOn.GRPC_INTERNAL, 13],
  [RetryOn.GRPC_UNAVAILABLE, 14],
];

export type RetryDecision = 'retry' | 'no-retry' | 'overflow' | 'limit';

export class RetryState {
  private retriesUsed = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly retryBudget: ResourceLimit,
    private readonly random: () => number = Math.random,
  ) {}

  get retries(): number {
    return this.retriesUsed;
  }

  /** Retriable-request-header matchers must all match for the request to be retried at all. */
  requestIsRetriable(req: RequestView): boolean {
    const m = this.policy.retriableRequestHeaders;
    for (let i = 0; i < m.length; i++) if (!headerMatches(m[i]!, req)) return false;
    return true;
  }

  /** Does this response meet a retry_on condition? */
  wouldRetryResponse(status: number, headers: HeaderMap): boolean {
    const on = this.policy.retryOn;
    if (on & RetryOn.FIVE_XX && status >= 500) return true;
    if (on & RetryOn.GATEWAY_ERROR && (status === 502 || status === 503 || status === 504)) return true;
    if (on & RetryOn.RETRIABLE_4XX && status === 409) return true;
    if (on & RetryOn.RETRIABLE_STATUS_CODES && this.policy.retriableStatusCodes.has(status)) return true;
    if (on & RetryOn.ENVOY_RATELIMITED && headers['x-envoy-ratelimited'] !== undefined) return true;
    if (on & RetryOn.RETRIABLE_HEADERS && this.policy.retriableHeaders.length > 0) {
      const view: RequestView = { method: '', path: '', authority: '', scheme: '', headers, remoteAddress: '' };
      if (this.policy.retriableHeaders.some((m) => headerMatches(m, view))) return true;
    }
    if (on & (RetryOn.GRPC_CANCELLED | RetryOn.GRPC_DEADLINE_EXCEEDED | RetryOn.GRPC_INTERNAL | RetryOn.GRPC_RESOURCE_EXHAUSTED | RetryOn.GRPC_UNAVAILABLE)) {
      const g = headers['grpc-status'];
      if (typeof g === 'string') {
        const code = Number(g);
        for (const [bit, grpcCode] of GRPC_RETRY) if (on & bit && code === grpcCode) return true;
      }
    }
    return false;
  }

  /** Does this failure meet a retry_on condition? A reset reads as a 5xx, as Envoy counts it. */
  wouldRetryFailure(failure: AttemptFailure): boolean {
    const on = this.policy.retryOn;
    if (failure === 'overflow') return false;
    if (on & (RetryOn.FIVE_XX | RetryOn.GATEWAY_ERROR | RetryOn.RESET)) return true;
    if (failure === 'connect-failure') return (on & (RetryOn.CONNECT_FAILURE | RetryOn.RESET_BEFORE_REQUEST)) !== 0;
    if (failure === 'refused-stream') return (on & RetryOn.REFUSED_STREAM) !== 0;
    return false;
  }

  /** Takes one retry if the count and the cluster's retry circuit breaker allow it. */
  consume(): RetryDecision {
    if (this.retriesUsed >= this.policy.numRetries) return 'limit';
    if (!this.retryBudget.canCreate()) return 'overflow';
    this.retriesUsed++;
    return 'retry';
  }

  /** Fully jittered exponential backoff: random in [0, base × (2^n − 1)], capped at max. */
  backoffMs(): number {
    const upper = Math.min(this.policy.baseIntervalMs * (2 ** this.retriesUsed - 1), this.policy.maxIntervalMs);
    return Math.floor(this.random() * upper);
  }
}
