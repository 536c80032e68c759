// HTTPRoute: one rule of a VirtualService's `http` list, and what it may do with a request
// (route, redirect, direct response, delegate, rewrite, mirror).
import { z } from 'zod';
import { port } from '../common.js';
import { enumOf, int, istioDuration, issue, list, percent, str, strict, uint32 } from './fields.js';
import { authorityHeaderValues, headers } from './headers.js';
import { checkWeights, destination, httpRouteDestination } from './destination.js';
import { httpMatchRequest } from './http-match.js';
import { corsPolicy, httpFaultInjection, httpRetry } from './http-policies.js';
import { regexProblem } from './string-match.js';

export const httpRedirect = strict({
  uri: str.optional(),
  authority: str.optional(),
  port: port.optional(),
  derivePort: enumOf(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
  scheme: str.optional(),
  redirectCode: int({ what: 'a redirect status code' }).optional(),
  prefixRewrite: str.optional(),
}).superRefine((r, ctx) => {
  if (r.uri && r.prefixRewrite) issue(ctx, ['prefixRewrite'], 'a redirect may set only one of "uri" or "prefixRewrite"');
  if (r.port !== undefined && r.derivePort !== undefined) issue(ctx, ['derivePort'], 'a redirect may set only one of "port" or "derivePort"');
  if (!r.uri && !r.prefixRewrite && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
    issue(ctx, [], 'a redirect must set "uri", "prefixRewrite", "authority", "scheme" or "port"');
  }
  if (r.redirectCode !== undefined && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    issue(ctx, ['redirectCode'], `expected a 3xx redirect code, got ${r.redirectCode}`);
  }
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') issue(ctx, ['scheme'], `unknown redirect scheme "${r.scheme}": expected "http" or "https"`);
});
export type HTTPRedirect = z.infer<typeof httpRedirect>;

const MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;

export const httpBody = strict({
  string: str.optional(),
  bytes: str.optional(),
}).superRefine((b, ctx) => {
  if (b.string !== undefined && b.bytes !== undefined) issue(ctx, ['bytes'], 'a body may set only one of "string" or "bytes"');
  if (b.bytes !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(b.bytes)) issue(ctx, ['bytes'], 'expected base64-encoded bytes');
  const size = b.string !== undefined ? Buffer.byteLength(b.string) : b.bytes !== undefined ? Math.floor(b.bytes.length * 3 / 4) : 0;
  // Every proxy gets the body in its route table, so large bodies weigh on every push.
  if (size > MAX_DIRECT_RESPONSE_BODY) issue(ctx, [b.string !== undefined ? 'string' : 'bytes'], 'a direct response body must be smaller than 1MB');
});
export type HTTPBody = z.infer<typeof httpBody>;

export const httpDirectResponse = strict({
  status: int({ what: 'an HTTP status' }),
  body: httpBody.optional(),
}).superRefine((d, ctx) => {
  if (d.status < 200 || d.status > 599) issue(ctx, ['status'], `expected an HTTP status between 200 and 599, got ${d.status}`);
});
export type HTTPDirectResponse = z.infer<typeof httpDirectResponse>;

export const regexRewrite = strict({
  match: str.optional(),
  rewrite: str.optional(),
}).superRefine((r, ctx) => {
  if (!r.match) issue(ctx, ['match'], 'uriRegexRewrite needs both "match" and "rewrite"');
  else {
    const problem = regexProblem(r.match);
    if (problem) issue(ctx, ['match'], problem);
  }
  if (r.rewrite === undefined || r.rewrite === '') issue(ctx, ['rewrite'], 'uriRegexRewrite needs both "match" and "rewrite"');
});
export type RegexRewrite = z.infer<typeof regexRewrite>;

export const httpRewrite = strict({
  uri: str.optional(),
  authority: str.optional(),
  uriRegexRewrite: regexRewrite.optional(),
}).superRefine((r, ctx) => {
  if (r.uri && r.uriRegexRewrite) issue(ctx, ['uriRegexRewrite'], 'a rewrite may set only one of "uri" or "uriRegexRewrite"');
  if (!r.uri && !r.uriRegexRewrite && !r.authority) issue(ctx, [], 'a rewrite must set "uri", "uriRegexRewrite" or "authority"');
});
export type HTTPRewrite = z.infer<typeof httpRewrite>;

function outOfPercentRange(value: number | undefined): boolean {
  return value !== undefined && (value < 0 || value > 100);
}

export const httpMirrorPolicy = strict({
  destination,
  percentage: percent.optional(),
}).superRefine((m, ctx) => {
  if (outOfPercentRange(m.percentage?.value)) issue(ctx, ['percentage', 'value'], 'expected a number between 0 and 100');
});
export type HTTPMirrorPolicy = z.infer<typeof httpMirrorPolicy>;

export const delegate = strict({
  name: str,
  namespace: str.optional(),
}).superRefine((d, ctx) => {
  if (d.name === '') issue(ctx, ['name'], 'delegate must name a VirtualService');
});
export type Delegate = z.infer<typeof delegate>;

export const httpRoute = strict({
  name: str.optional(),
  match: list(httpMatchRequest).optional(),
  route: list(httpRouteDestination).optional(),
  redirect: httpRedirect.optional(),
  directResponse: httpDirectResponse.optional(),
  delegate: delegate.optional(),
  rewrite: httpRewrite.optional(),
  timeout: istioDuration.optional(),
  retries: httpRetry.optional(),
  fault: httpFaultInjection.optional(),
  mirror: destination.optional(),
  mirrors: list(httpMirrorPolicy).optional(),
  mirrorPercent: uint32.optional(),
  mirrorPercentage: percent.optional(),
  corsPolicy: corsPolicy.optional(),
  headers: headers.optional(),
}).superRefine((r, ctx) => {
  checkWeights(r.route, ctx, ['route']);
  if (r.mirror && r.mirrors?.length) issue(ctx, ['mirrors'], 'a route may set only one of "mirror" or "mirrors"');
  if (r.mirrorPercent !== undefined && r.mirrorPercent > 100) issue(ctx, ['mirrorPercent'], 'expected a number between 0 and 100');
  if (outOfPercentRange(r.mirrorPercentage?.value)) issue(ctx, ['mirrorPercentage', 'value'], 'expected a number between 0 and 100');
  if (r.redirect?.prefixRewrite && r.match?.some((m) => m.uri && m.uri.prefix === undefined)) {
    issue(ctx, ['redirect', 'prefixRewrite'], 'redirect prefixRewrite needs every uri match of the route to be a prefix match');
  }
  const authorities = [...(r.rewrite?.authority ? [r.rewrite.authority] : []), ...authorityHeaderValues(r.headers)];
  if (authorities.length > 1) issue(ctx, ['headers'], `the authority is set more than once (${authorities.map((a) => `"${a}"`).join(', ')}): set it in one place`);
});
export type HTTPRoute = z.infer<typeof httpRoute>;

/**
 * What a rule may combine, which depends on its VirtualService: a rule of a delegate
 * VirtualService (one without hosts) cannot delegate again, and a rule that delegates hands the
 * request on, so it cannot also route or redirect it.
 */
export function checkHttpRouteActions(r: HTTPRoute, inDelegate: boolean, ctx: z.RefinementCtx, path: readonly (string | number)[]): void {
  const at = (field?: string) => (field ? [...path, field] : [...path]);
  if (r.delegate && !inDelegate) {
    if (r.redirect) issue(ctx, at('redirect'), 'a rule with "delegate" must not also set "redirect"');
    if (r.route?.length) issue(ctx, at('route'), 'a rule with "delegate" must not also set "route"');
    return;
  }
  if (r.delegate && inDelegate) issue(ctx, at('delegate'), 'a delegate VirtualService (one without hosts) cannot delegate again');
  if (r.redirect) {
    if (r.route?.length) issue(ctx, at(), 'a rule may set only one of "route" or "redirect"');
    if (r.fault) issue(ctx, at('fault'), 'a rule with "redirect" cannot inject a fault');
    if (r.rewrite) issue(ctx, at('rewrite'), 'a rule with "redirect" cannot also "rewrite"');
    if (r.directResponse) issue(ctx, at(), 'a rule may set only one of "redirect" or "directResponse"');
  } else if (r.directResponse) {
    if (r.route?.length) issue(ctx, at(), 'a rule may set only one of "route" or "directResponse"');
    if (r.fault) issue(ctx, at('fault'), 'a rule with "directResponse" cannot inject a fault');
    if (r.rewrite) issue(ctx, at('rewrite'), 'a rule with "directResponse" cannot also "rewrite"');
  } else if (!r.route?.length) {
    issue(ctx, at(), 'a route must have "route", "redirect" or "directResponse"');
  }
}
