// Per-route HTTP policies of a VirtualService: retries, fault injection and CORS.
import { z } from 'zod';
import { parseDurationMs } from '../common.js';
import { bool, enumOf, int, istioDuration, issue, list, percent, percentageProblem, str, strict } from './fields.js';
import { corsHeaderNameProblem } from './headers.js';
import { stringMatch } from './string-match.js';

/** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on policies, as Istio accepts them. */
export const RETRY_ON_POLICIES = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
] as const;

// The HTTP status codes with a registered meaning; Istio accepts these as retryOn entries.
const KNOWN_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
  307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
  418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
  510, 511,
]);

function retryOnProblem(policy: string): string | undefined {
  if (/^\d+$/.test(policy) && KNOWN_STATUS_CODES.has(Number(policy))) return undefined;
  if ((RETRY_ON_POLICIES as readonly string[]).includes(policy)) return undefined;
  return `"${policy}" is not a valid retryOn policy: expected HTTP status codes or ${RETRY_ON_POLICIES.join(', ')} (comma-separated, no spaces)`;
}

export const httpRetry = strict({
  attempts: int({ min: 0, max: 2147483647, what: 'a number of attempts' }).optional(),
  perTryTimeout: istioDuration.optional(),
  retryOn: str.optional(),
  retryRemoteLocalities: bool.optional(),
  retryIgnorePreviousHosts: bool.optional(),
  backoff: istioDuration.optional(),
}).superRefine((r, ctx) => {
  if (!r.attempts && (r.perTryTimeout !== undefined || r.retryOn || r.retryRemoteLocalities !== undefined)) {
    issue(ctx, ['attempts'], 'retries are disabled when attempts is 0: set attempts to use perTryTimeout, retryOn or retryRemoteLocalities');
  }
  if (r.retryOn) {
    for (const policy of r.retryOn.split(',')) {
      const problem = retryOnProblem(policy);
      if (problem) issue(ctx, ['retryOn'], problem);
    }
  }
});
export type HTTPRetry = z.infer<typeof httpRetry>;

/** gRPC status names (https://github.com/grpc/grpc/blob/master/doc/statuscodes.md). */
export const GRPC_STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

function checkPercentage(p: { value?: number } | undefined, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (!p) return;
  const problem = percentageProblem(p.value ?? 0);
  if (problem) issue(ctx, [...path, 'value'], problem);
}

const faultDelay = strict({
  percent: int({ min: 0, max: 100, what: 'a percentage' }).optional(),
  fixedDelay: istioDuration.optional(),
  exponentialDelay: istioDuration.optional(),
  percentage: percent.optional(),
}).superRefine((d, ctx) => {
  checkPercentage(d.percentage, ctx, ['percentage']);
  if (d.exponentialDelay !== undefined) issue(ctx, ['exponentialDelay'], 'exponentialDelay is not supported: use fixedDelay');
  else if (d.fixedDelay === undefined) issue(ctx, [], 'a delay fault needs "fixedDelay", e.g. "5s"');
});

const faultAbort = strict({
  httpStatus: int({ what: 'an HTTP status' }).optional(),
  grpcStatus: str.optional(),
  http2Error: str.optional(),
  percentage: percent.optional(),
}).superRefine((a, ctx) => {
  checkPercentage(a.percentage, ctx, ['percentage']);
  const kinds = (['httpStatus', 'grpcStatus', 'http2Error'] as const).filter((k) => a[k] !== undefined);
  if (kinds.length === 0) issue(ctx, [], 'an abort fault needs "httpStatus" (200-599) or "grpcStatus"');
  if (kinds.length > 1) issue(ctx, [kinds[1]!], `only one of "httpStatus", "grpcStatus" or "http2Error" may be set`);
  if (a.httpStatus !== undefined && (a.httpStatus < 200 || a.httpStatus > 599)) issue(ctx, ['httpStatus'], `expected an HTTP status between 200 and 599, got ${a.httpStatus}`);
  if (a.grpcStatus !== undefined && !(GRPC_STATUS_NAMES as readonly string[]).includes(a.grpcStatus)) {
    issue(ctx, ['grpcStatus'], `unknown gRPC status "${a.grpcStatus}": expected one of ${GRPC_STATUS_NAMES.join(', ')}`);
  }
  if (a.http2Error !== undefined) issue(ctx, ['http2Error'], 'http2Error aborts are not supported: use httpStatus or grpcStatus');
});

export const httpFaultInjection = strict({
  delay: faultDelay.optional(),
  abort: faultAbort.optional(),
}).superRefine((f, ctx) => {
  if (!f.delay && !f.abort) issue(ctx, [], 'a fault needs a "delay", an "abort" or both');
});
export type HTTPFaultInjection = z.infer<typeof httpFaultInjection>;
export type HTTPFaultInjectionDelay = z.infer<typeof faultDelay>;
export type HTTPFaultInjectionAbort = z.infer<typeof faultAbort>;

const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*'] as const;

export const corsPolicy = strict({
  allowOrigin: list(str).optional(),
  allowOrigins: list(stringMatch).optional(),
  allowMethods: list(str).optional(),
  allowHeaders: list(str).optional(),
  exposeHeaders: list(str).optional(),
  maxAge: istioDuration.optional(),
  allowCredentials: bool.optional(),
  unmatchedPreflights: enumOf(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
}).superRefine((c, ctx) => {
  (c.allowOrigins ?? []).forEach((o, i) => {
    if (!o.exact && !o.prefix && !o.regex) issue(ctx, ['allowOrigins', i], 'an allowed origin needs a non-empty "exact", "prefix" or "regex"');
  });
  (c.allowMethods ?? []).forEach((m, i) => {
    if (!(CORS_METHODS as readonly string[]).includes(m)) issue(ctx, ['allowMethods', i], `"${m}" is not a supported HTTP method: expected one of ${CORS_METHODS.join(', ')}`);
  });
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    (c[field] ?? []).forEach((h, i) => {
      const problem = corsHeaderNameProblem(h);
      if (problem) issue(ctx, [field, i], problem);
    });
  }
  if (c.maxAge !== undefined && (parseDurationMs(c.maxAge) ?? 0) % 1000 !== 0) {
    issue(ctx, ['maxAge'], 'maxAge is only accurate to whole seconds, e.g. "24h" or "3600s"');
  }
});
export type CorsPolicy = z.infer<typeof corsPolicy>;
