// HTTPRoute (gateway.networking.k8s.io/v1, standard channel): the CRD's schema and CEL rules.
import { z } from 'zod';
import { oneOf, port, re2Problem, strictObject } from '../common.js';
import {
  backendObjectReferenceFields, backendWeight, checkFilterType, checkNotRepeated, checkServicePort, headerModifierSchema,
  hostnames, localObjectReferenceSchema, nameValueMatches, parentReferences, preciseHostname, requestMirrorSchema, sectionName,
} from './shared.js';

// ---- matches ----------------------------------------------------------------------------------

export const PATH_MATCH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'] as const;
const PATH_CHARS_RE = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Exact and PathPrefix values are absolute, normalized paths (the CRD's CEL rules). */
function pathValueProblem(type: string, value: string): string | undefined {
  if (type === 'RegularExpression') return re2Problem(value);
  if (!value.startsWith('/')) return 'value must be an absolute path and start with "/"';
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) {
    if (value.includes(bad)) return `value must not contain "${bad}"`;
  }
  if (value.endsWith('/..') || value.endsWith('/.')) return 'value must not end with "/." or "/.."';
  if (!PATH_CHARS_RE.test(value)) return 'value must only contain valid path characters (RFC 3986 pchar and "/")';
  return undefined;
}

export const httpPathMatchSchema = strictObject({
  type: oneOf(PATH_MATCH_TYPES).optional(),
  value: z.string().max(1024, 'value is at most 1024 characters').optional(),
}).superRefine((m, ctx) => {
  const problem = pathValueProblem(m.type ?? 'PathPrefix', m.value ?? '/');
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
});
export type HTTPPathMatch = z.infer<typeof httpPathMatchSchema>;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

export const httpRouteMatchSchema = strictObject({
  path: httpPathMatchSchema.optional(),
  headers: nameValueMatches({ valueMax: 4096, caseInsensitive: true }).optional(),
  queryParams: nameValueMatches({ valueMax: 1024, caseInsensitive: false }).optional(),
  method: oneOf(HTTP_METHODS).optional(),
});
export type HTTPRouteMatch = z.infer<typeof httpRouteMatchSchema>;

// ---- filters ----------------------------------------------------------------------------------

export const httpPathModifierSchema = strictObject({
  type: oneOf(['ReplaceFullPath', 'ReplacePrefixMatch']),
  replaceFullPath: z.string().max(1024).optional(),
  replacePrefixMatch: z.string().max(1024).optional(),
}).superRefine((p, ctx) => {
  for (const [type, field] of [['ReplaceFullPath', 'replaceFullPath'], ['ReplacePrefixMatch', 'replacePrefixMatch']] as const) {
    if (p.type === type && p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} must be specified when type is ${type}` });
    if (p.type !== type && p[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is only allowed when type is ${type}` });
  }
});
export type HTTPPathModifier = z.infer<typeof httpPathModifierSchema>;

export const requestRedirectSchema = strictObject({
  scheme: oneOf(['http', 'https']).optional(),
  hostname: preciseHostname.optional(),
  path: httpPathModifierSchema.optional(),
  port: port.optional(),
  statusCode: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)], {
    error: 'statusCode must be one of 301, 302, 303, 307, 308',
  }).optional(),
});
export type HTTPRequestRedirect = z.infer<typeof requestRedirectSchema>;

export const urlRewriteSchema = strictObject({
  hostname: preciseHostname.optional(),
  path: httpPathModifierSchema.optional(),
});
export type HTTPURLRewrite = z.infer<typeof urlRewriteSchema>;

const ALL_METHODS = [...HTTP_METHODS, '*'] as const;
const HEADER_OR_STAR_RE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const ORIGIN_RE = /^(?:\*|https?:\/\/(?:(?:\*\.)?(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(?::[0-9]{1,5})?)$/;

/** `*` means "any" and stands alone in its list. */
function starAlone(field: string) {
  return (items: readonly string[], ctx: z.RefinementCtx) => {
    if (items.includes('*') && items.length > 1) ctx.addIssue({ code: 'custom', message: `${field} cannot contain "*" alongside other values` });
  };
}

export const corsSchema = strictObject({
  allowOrigins: z.array(z.string().max(253).regex(ORIGIN_RE, 'origin must be "*" or scheme://host[:port], e.g. "https://example.com"')).max(64).superRefine(starAlone('allowOrigins')).optional(),
  allowCredentials: z.boolean().optional(),
  allowMethods: z.array(oneOf(ALL_METHODS)).max(9).superRefine(starAlone('allowMethods')).optional(),
  allowHeaders: z.array(z.string().min(1).max(256).regex(HEADER_OR_STAR_RE, 'expected an HTTP header name')).max(64).superRefine(starAlone('allowHeaders')).optional(),
  exposeHeaders: z.array(z.string().min(1).max(256).regex(HEADER_OR_STAR_RE, 'expected an HTTP header name')).max(64).optional(),
  maxAge: z.number().int().min(1, 'maxAge must be at least 1 second').optional(),
});
export type HTTPCORSFilter = z.infer<typeof corsSchema>;

export const HTTP_FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'] as const;
const HTTP_FILTER_FIELD: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier', ResponseHeaderModifier: 'responseHeaderModifier', RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect', URLRewrite: 'urlRewrite', ExtensionRef: 'extensionRef', CORS: 'cors',
};

export const httpRouteFilterSchema = strictObject({
  type: oneOf(HTTP_FILTER_TYPES),
  requestHeaderModifier: headerModifierSchema.optional(),
  responseHeaderModifier: headerModifierSchema.optional(),
  requestMirror: requestMirrorSchema.optional(),
  requestRedirect: requestRedirectSchema.optional(),
  urlRewrite: urlRewriteSchema.optional(),
  extensionRef: localObjectReferenceSchema.optional(),
  cors: corsSchema.optional(),
}).superRefine((f, ctx) => checkFilterType(f, HTTP_FILTER_FIELD, ctx));
export type HTTPRouteFilter = z.infer<typeof httpRouteFilterSchema>;

const httpFilters = z.array(httpRouteFilterSchema).max(16, 'at most 16 filters').superRefine((filters, ctx) => {
  checkNotRepeated(filters, ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'], ctx);
  const redirect = filters.findIndex((f) => f.type === 'RequestRedirect');
  const rewrite = filters.findIndex((f) => f.type === 'URLRewrite');
  if (redirect >= 0 && rewrite >= 0) ctx.addIssue({ code: 'custom', path: [Math.max(redirect, rewrite), 'type'], message: 'a rule may have a RequestRedirect or a URLRewrite filter, not both' });
});

// ---- rules ------------------------------------------------------------------------------------

export const httpBackendRefSchema = strictObject({
  ...backendObjectReferenceFields,
  weight: backendWeight.optional(),
  filters: httpFilters.optional(),
}).superRefine(checkServicePort);
export type HTTPBackendRef = z.infer<typeof httpBackendRefSchema>;

/** Gateway API durations: up to four `<1-5 digits><h|m|s|ms>` groups, e.g. `1h30m` or `500ms`. */
const GATEWAY_DURATION_RE = /^(?:[0-9]{1,5}(?:h|m|s|ms)){1,4}$/;
const gatewayDuration = z.string().regex(GATEWAY_DURATION_RE, 'expected a duration such as "10s", "500ms" or "1h30m"');

function gatewayDurationMs(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|h|m|s)/g)) ms += Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return ms;
}

export const httpRouteTimeoutsSchema = strictObject({
  request: gatewayDuration.optional(),
  backendRequest: gatewayDuration.optional(),
}).superRefine((t, ctx) => {
  if (t.request && t.backendRequest && gatewayDurationMs(t.request) !== 0 && gatewayDurationMs(t.backendRequest) > gatewayDurationMs(t.request)) {
    ctx.addIssue({ code: 'custom', path: ['backendRequest'], message: 'backendRequest timeout cannot be longer than request timeout' });
  }
});
export type HTTPRouteTimeouts = z.infer<typeof httpRouteTimeoutsSchema>;

/** ReplacePrefixMatch rewrites the matched prefix, so there must be exactly one PathPrefix match. */
function usesReplacePrefix(filters: readonly HTTPRouteFilter[] | undefined): boolean {
  return (filters ?? []).some((f) => (f.requestRedirect ?? f.urlRewrite)?.path?.type === 'ReplacePrefixMatch');
}

export const httpRouteRuleSchema = strictObject({
  name: sectionName.optional(),
  matches: z.array(httpRouteMatchSchema).max(64, 'at most 64 matches per rule').optional(),
  filters: httpFilters.optional(),
  backendRefs: z.array(httpBackendRefSchema).max(16, 'at most 16 backendRefs').optional(),
  timeouts: httpRouteTimeoutsSchema.optional(),
}).superRefine((rule, ctx) => {
  const redirect = (rule.filters ?? []).findIndex((f) => f.type === 'RequestRedirect');
  if (redirect >= 0 && (rule.backendRefs?.length ?? 0) > 0) {
    ctx.addIssue({ code: 'custom', path: ['filters', redirect], message: 'a RequestRedirect filter must not be used together with backendRefs' });
  }
  if (usesReplacePrefix(rule.filters) || (rule.backendRefs ?? []).some((b) => usesReplacePrefix(b.filters))) {
    // An omitted match list, path or type defaults to a single PathPrefix "/" match.
    const matches = rule.matches ?? [{}];
    if (matches.length !== 1 || (matches[0]!.path?.type ?? 'PathPrefix') !== 'PathPrefix') {
      ctx.addIssue({ code: 'custom', path: ['matches'], message: 'a filter with path.replacePrefixMatch needs exactly one match, of type PathPrefix' });
    }
  }
});
export type HTTPRouteRule = z.infer<typeof httpRouteRuleSchema>;

export const httpRouteSpec = strictObject({
  parentRefs: parentReferences.optional(),
  hostnames: hostnames.optional(),
  rules: z.array(httpRouteRuleSchema).min(1, 'rules must not be empty: omit it for the default rule').max(16, 'at most 16 rules').superRefine((rules, ctx) => {
    const total = rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0);
    if (total > 128) ctx.addIssue({ code: 'custom', message: `at most 128 matches across all rules, found ${total}` });
  }).optional(),
});
export type HTTPRouteSpec = z.infer<typeof httpRouteSpec>;

export const httpRoute = strictObject({ spec: httpRouteSpec, status: z.unknown().optional() });
