// envoy.config.route.v3.RetryPolicy. retry_on conditions become bit flags so the retry layer tests
// a response with a few integer operations.

import { compileHeaderMatcher, type HeaderMatcher } from './header-matcher.js';
import { interned } from './intern.js';
import { anyTypeName, ErrorSink, MessageReader } from './reader.js';

export const RetryOn = {
  FIVE_XX: 1 << 0,
  GATEWAY_ERROR: 1 << 1,
  RESET: 1 << 2,
  CONNECT_FAILURE: 1 << 3,
  RETRIABLE_4XX: 1 << 4,
  REFUSED_STREAM: 1 << 5,
  RETRIABLE_STATUS_CODES: 1 << 6,
  RETRIABLE_HEADERS: 1 << 7,
  RESET_BEFORE_REQUEST: 1 << 8,
  ENVOY_RATELIMITED: 1 << 9,
  HTTP3_POST_CONNECT_FAILURE: 1 << 10,
  GRPC_CANCELLED: 1 << 11,
  GRPC_DEADLINE_EXCEEDED: 1 << 12,
  GRPC_INTERNAL: 1 << 13,
  GRPC_RESOURCE_EXHAUSTED: 1 << 14,
  GRPC_UNAVAILABLE: 1 << 15,
} as const;

const RETRY_ON_NAMES: Record<string, number> = {
  '5xx': RetryOn.FIVE_XX,
  'gateway-error': RetryOn.GATEWAY_ERROR,
  reset: RetryOn.RESET,
  'reset-before-request': RetryOn.RESET_BEFORE_REQUEST,
  'connect-failure': RetryOn.CONNECT_FAILURE,
  'retriable-4xx': RetryOn.RETRIABLE_4XX,
  'refused-stream': RetryOn.REFUSED_STREAM,
  'retriable-status-codes': RetryOn.RETRIABLE_STATUS_CODES,
  'retriable-headers': RetryOn.RETRIABLE_HEADERS,
  'envoy-ratelimited': RetryOn.ENVOY_RATELIMITED,
  'http3-post-connect-failure': RetryOn.HTTP3_POST_CONNECT_FAILURE,
  cancelled: RetryOn.GRPC_CANCELLED,
  'deadline-exceeded': RetryOn.GRPC_DEADLINE_EXCEEDED,
  internal: RetryOn.GRPC_INTERNAL,
  'resource-exhausted': RetryOn.GRPC_RESOURCE_EXHAUSTED,
  unavailable: RetryOn.GRPC_UNAVAILABLE,
};

export interface RetryPolicy {
  readonly retryOn: number;
  readonly numRetries: number;
  /** 0 means the route timeout alone bounds each try. */
  readonly perTryTimeoutMs: number;
  readonly perTryIdleTimeoutMs: number;
  readonly retriableStatusCodes: ReadonlySet<number>;
  readonly retriableHeaders: readonly HeaderMatcher[];
  readonly retriableRequestHeaders: readonly HeaderMatcher[];
  readonly baseIntervalMs: number;
  readonly maxIntervalMs: number;
  /** envoy.retry_host_predicates.previous_hosts: avoid hosts already tried. */
  readonly avoidPreviousHosts: boolean;
  readonly hostSelectionMaxAttempts: number;
}

const RETRY_POLICY_SPEC = {
  fields: [
    'retry_on', 'num_retries', 'per_try_timeout', 'per_try_idle_timeout', 'retry_priority',
    'retry_host_predicate', 'retry_options_predicates', 'host_selection_retry_max_attempts',
    'retriable_status_codes', 'retry_back_off', 'rate_limited_retry_back_off', 'retriable_headers',
    'retriable_request_headers',
  ],
};

const PREVIOUS_HOSTS = 'envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';

/** Equal retry policies (Istio gives every outbound route the same one) share one object. */
export function compileRetryPolicy(value: unknown, path: string, sink: ErrorSink): RetryPolicy | undefined {
  return interned('retry_policy', value, sink, () => compileNewRetryPolicy(value, path, sink));
}

function compileNewRetryPolicy(value: unknown, path: string, sink: ErrorSink): RetryPolicy | undefined {
  const r = MessageReader.of(value, path, sink, RETRY_POLICY_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  let retryOn = 0;
  const retryOnText = r.string('retry_on') ?? '';
  for (const raw of retryOnText.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const bit = RETRY_ON_NAMES[name];
    if (bit === undefined) r.error('retry_on', `unknown retry condition ${JSON.stringify(name)}`);
    else retryOn |= bit;
  }
  const numRetries = r.int('num_retries', 1, 0, 0xffffffff);
  const perTryTimeoutMs = r.durationMs('per_try_timeout') ?? 0;
  const perTryIdleTimeoutMs = r.durationMs('per_try_idle_timeout') ?? 0;
  const codes = new Set<number>();
  for (const { value: c, path: p } of r.list('retriable_status_codes')) {
    if (typeof c === 'number' && Number.isInteger(c) && c >= 100 && c < 600) codes.add(c);
    else sink.add(p, `expected an HTTP status code, got ${JSON.stringify(c)}`);
  }
  const retriableHeaders = r.list('retriable_headers').map((h) => compileHeaderMatcher(h.value, h.path, sink)).filter((h) => h !== undefined);
  const retriableRequestHeaders = r
    .list('retriable_request_headers')
    .map((h) => compileHeaderMatcher(h.value, h.path, sink))
    .filter((h) => h !== undefined);

  let baseIntervalMs = 25;
  let maxIntervalMs = 250;
  const backOff = r.message('retry_back_off', { fields: ['base_interval', 'max_interval'] });
  if (backOff) {
    baseIntervalMs = backOff.durationMs('base_interval') ?? 25;
    if (baseIntervalMs <= 0) backOff.error('base_interval', 'must be greater than 0');
    maxIntervalMs = backOff.durationMs('max_interval') ?? baseIntervalMs * 10;
    if (maxIntervalMs < baseIntervalMs) backOff.error('max_interval', 'must not be less than base_interval');
  }
  if (r.has('rate_limited_retry_back_off')) r.error('rate_limited_retry_back_off', 'is not supported by the Skiff proxy');
  if (r.has('retry_priority')) r.error('retry_priority', 'retry priority extensions are not supported by the Skiff proxy');
  if (r.list('retry_options_predicates').length > 0) r.error('retry_options_predicates', 'are not supported by the Skiff proxy');

  let avoidPreviousHosts = false;
  for (const p of r.list('retry_host_predicate')) {
    const pr = MessageReader.of(p.value, p.path, sink, { fields: ['name', 'typed_config'] });
    if (!pr) continue;
    const type = anyTypeName(pr.raw('typed_config'));
    const name = pr.string('name');
    if (type === PREVIOUS_HOSTS || (type === undefined && name === 'envoy.retry_host_predicates.previous_hosts')) avoidPreviousHosts = true;
    else pr.error('typed_config', `retry host predicate ${type ?? name ?? '(unnamed)'} is not supported by the Skiff proxy`);
  }
  const hostSelectionMaxAttempts = r.int('host_selection_retry_max_attempts', 1, 1);
  if (sink.count > before) return undefined;
  return {
    retryOn,
    numRetries,
    perTryTimeoutMs,
    perTryIdleTimeoutMs,
    retriableStatusCodes: codes,
    retriableHeaders,
    retriableRequestHeaders,
    baseIntervalMs,
    maxIntervalMs,
    avoidPreviousHosts,
    hostSelectionMaxAttempts,
  };
}
