// Per-route policies of a VirtualService rule as Istio translates them (route/route.go and
// route/retry): retries, fault injection and CORS (as typed_per_filter_config), header
// manipulation, mirroring and the consistent-hash policy a DestinationRule asks for.
import type { ConsistentHashLB, CorsPolicy, HTTPFaultInjection, HTTPRetry, Headers } from '../model/api-types.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { fractionalPercent, integerPercent, protoDuration, typed, type Json } from './envoy-common.js';
import { stringMatcher } from './route-match.js';

export interface TranslationProblem {
  readonly resource: string;
  readonly message: string;
}

const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

function previousHosts(): Json[] {
  return [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: typed(TYPE_URL.PREVIOUS_HOSTS_PREDICATE) }];
}

/**
 * Istio's retry.ConvertPolicy. No policy → 2 retries on connection failures and retriable status
 * codes (Istio 1.24 stopped retrying 503 by default; `retryOn` can list codes again). `attempts: 0`
 * turns retries off. With consistent hashing, retries stay on the same host.
 */
export function retryPolicy(policy: HTTPRetry | undefined, consistentHash: boolean, problems: TranslationProblem[], resource: string): Json | undefined {
  const out: Json = { retry_on: DEFAULT_RETRY_ON, num_retries: 2 };
  if (!consistentHash) out.retry_host_predicate = previousHosts();
  out.host_selection_retry_max_attempts = '5';
  if (!policy) return out;
  if (!policy.attempts || policy.attempts <= 0) return undefined;
  out.num_retries = policy.attempts;
  if (policy.retryOn) {
    const codes: number[] = [];
    const conditions: string[] = [];
    for (const part of policy.retryOn.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      if (/^\d+$/.test(part) && Number(part) >= 100 && Number(part) <= 599) codes.push(Number(part));
      else conditions.push(part);
    }
    let retryOn = conditions.join(',');
    if (codes.length && !retryOn.includes('retriable-status-codes')) retryOn = retryOn ? `${retryOn},retriable-status-codes` : 'retriable-status-codes';
    out.retry_on = retryOn;
    if (codes.length) out.retriable_status_codes = codes;
  }
  if (policy.perTryTimeout) out.per_try_timeout = protoDuration(policy.perTryTimeout);
  if (policy.retryIgnorePreviousHosts !== undefined) {
    if (policy.retryIgnorePreviousHosts) out.retry_host_predicate = previousHosts();
    else delete out.retry_host_predicate;
  }
  if (policy.retryRemoteLocalities) {
    problems.push({ resource, message: 'retries.retryRemoteLocalities is not supported by Skiff yet (the previous_priorities retry extension is not loaded); retries stay in any locality' });
  }
  if (policy.backoff) out.retry_back_off = { base_interval: protoDuration(policy.backoff) };
  return out;
}

// gRPC status names Istio accepts in `abort.grpcStatus`, by code.
const GRPC_STATUS: Record<string, number> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/** Istio's TranslateFault → envoy.extensions.filters.http.fault.v3.HTTPFault, or undefined. */
export function faultConfig(fault: HTTPFaultInjection, problems: TranslationProblem[], resource: string): Json | undefined {
  const out: Json = {};
  if (fault.delay) {
    if (fault.delay.fixedDelay) {
      out.delay = {
        fixed_delay: protoDuration(fault.delay.fixedDelay),
        percentage: fault.delay.percentage ? fractionalPercent(fault.delay.percentage.value ?? 0) : integerPercent(fault.delay.percent ?? 0),
      };
    } else {
      problems.push({ resource, message: 'fault.delay.exponentialDelay is not supported (Istio does not support it either); the delay is ignored' });
    }
  }
  if (fault.abort) {
    const abort: Json = {};
    if (fault.abort.percentage) abort.percentage = fractionalPercent(fault.abort.percentage.value ?? 0);
    if (fault.abort.httpStatus !== undefined) abort.http_status = fault.abort.httpStatus;
    else if (fault.abort.grpcStatus !== undefined) {
      const code = GRPC_STATUS[fault.abort.grpcStatus];
      if (code === undefined) problems.push({ resource, message: `fault.abort.grpcStatus "${fault.abort.grpcStatus}" is not a gRPC status name` });
      else abort.grpc_status = code;
    } else {
      problems.push({ resource, message: 'fault.abort.http2Error is not supported (Istio supports only httpStatus and grpcStatus); the abort is ignored' });
    }
    if (abort.http_status !== undefined || abort.grpc_status !== undefined) out.abort = abort;
  }
  if (!out.delay && !out.abort) return undefined;
  return typed(TYPE_URL.HTTP_FAULT, out);
}

/** Istio's TranslateCORSPolicy → envoy.extensions.filters.http.cors.v3.CorsPolicy. */
export function corsConfig(cors: CorsPolicy): Json {
  const out: Json = {};
  if (cors.allowOrigins) out.allow_origin_string_match = cors.allowOrigins.flatMap((m) => stringMatcher(m) ?? []);
  else if (cors.allowOrigin) out.allow_origin_string_match = cors.allowOrigin.map((o) => ({ exact: o }));
  if (cors.allowMethods?.length) out.allow_methods = cors.allowMethods.join(',');
  if (cors.allowHeaders?.length) out.allow_headers = cors.allowHeaders.join(',');
  if (cors.exposeHeaders?.length) out.expose_headers = cors.exposeHeaders.join(',');
  if (cors.maxAge) out.max_age = String(Math.floor(Number(protoDuration(cors.maxAge).slice(0, -1))));
  if (cors.allowCredentials !== undefined) out.allow_credentials = cors.allowCredentials;
  out.filter_enabled = { default_value: integerPercent(100) };
  out.forward_not_matching_preflights = cors.unmatchedPreflights !== 'IGNORE';
  return typed(TYPE_URL.CORS_POLICY, out);
}

export interface HeaderOperationsJson {
  request_headers_to_add: Json[];
  request_headers_to_remove: string[];
  response_headers_to_add: Json[];
  response_headers_to_remove: string[];
  /** A `:authority`/`host` set or added: becomes a host rewrite, not a header. */
  authority?: string;
}

function isInternalHeader(name: string): boolean {
  return name.startsWith(':') || name.toLowerCase() === 'host';
}

function isAuthorityHeader(name: string): boolean {
  const l = name.toLowerCase();
  return l === ':authority' || l === 'host';
}

function headerOptions(headers: Readonly<Record<string, string>> | undefined, append: boolean): { options: Json[]; authority?: string } {
  let authority: string | undefined;
  const options: Json[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (isAuthorityHeader(key)) authority = value;
    if (isInternalHeader(key)) continue;
    options.push({ header: { key, value }, append_action: append ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD' });
  }
  options.sort((a, b) => ((a.header as Json).key as string).localeCompare((b.header as Json).key as string));
  return { options, authority };
}

/** Istio's TranslateHeadersOperations: `set` overwrites, `add` appends, sorted by name. */
export function headerOperations(headers: Headers | undefined): HeaderOperationsJson {
  const reqSet = headerOptions(headers?.request?.set, false);
  const reqAdd = headerOptions(headers?.request?.add, true);
  const respSet = headerOptions(headers?.response?.set, false);
  const respAdd = headerOptions(headers?.response?.add, true);
  return {
    request_headers_to_add: [...reqSet.options, ...reqAdd.options],
    request_headers_to_remove: (headers?.request?.remove ?? []).filter((h) => !isInternalHeader(h)),
    response_headers_to_add: [...respSet.options, ...respAdd.options],
    response_headers_to_remove: (headers?.response?.remove ?? []).filter((h) => !isInternalHeader(h)),
    authority: reqSet.authority ?? reqAdd.authority,
  };
}

/** Copies non-empty header operations onto a route or weighted cluster. */
export function applyHeaderOperations(target: Json, ops: HeaderOperationsJson): void {
  for (const key of ['request_headers_to_add', 'request_headers_to_remove', 'response_headers_to_add', 'response_headers_to_remove'] as const) {
    const list = ops[key];
    if (list.length) target[key] = [...((target[key] as unknown[] | undefined) ?? []), ...list];
  }
}

export function mirrorPolicy(cluster: string, percent: number | 'integer-100' | { integer: number }): Json {
  const value = typeof percent === 'number' ? fractionalPercent(percent) : integerPercent(percent === 'integer-100' ? 100 : percent.integer);
  return { cluster, runtime_fraction: { default_value: value }, trace_sampled: false };
}

/** Istio's ConsistentHashToHashPolicy: the route-side half of a consistent-hash load balancer. */
export function hashPolicy(hash: ConsistentHashLB | undefined): Json | undefined {
  if (!hash) return undefined;
  if (hash.httpHeaderName) return { header: { header_name: hash.httpHeaderName } };
  if (hash.httpCookie) {
    const cookie: Json = { name: hash.httpCookie.name };
    if (hash.httpCookie.ttl) cookie.ttl = protoDuration(hash.httpCookie.ttl);
    if (hash.httpCookie.path) cookie.path = hash.httpCookie.path;
    return { cookie };
  }
  if (hash.useSourceIp) return { connection_properties: { source_ip: true } };
  if (hash.httpQueryParameterName) return { query_parameter: { name: hash.httpQueryParameterName } };
  return undefined;
}
