// envoy.config.route.v3.RouteMatch compiled into a matcher that reads a RequestView.

import {
  compileHeaderMatcher,
  compileQueryParameterMatcher,
  headerMatches,
  queryParameterMatches,
  type HeaderMatcher,
  type QueryParameterMatcher,
} from './header-matcher.js';
import { interned } from './intern.js';
import { compileFullMatch } from './re2.js';
import { ErrorSink, MessageReader } from './reader.js';
import { fractionalPercent } from './percent.js';
import { headerValue, pathOnly, type RequestView } from './request-view.js';

export type PathMatchKind = 'prefix' | 'path' | 'safe_regex' | 'path_separated_prefix' | 'connect_matcher';

export interface RouteMatch {
  readonly kind: PathMatchKind;
  /** prefix/path/path_separated_prefix value, lower-cased when not case sensitive. */
  readonly value: string;
  readonly regex?: RegExp;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: readonly QueryParameterMatcher[];
  readonly grpc: boolean;
  /** Probability in [0, 1] that the route is considered; undefined means always. */
  readonly runtimeFraction?: number;
}

const ROUTE_MATCH_SPEC = {
  fields: [
    'prefix', 'path', 'safe_regex', 'connect_matcher', 'path_separated_prefix', 'path_match_policy',
    'case_sensitive', 'runtime_fraction', 'headers', 'query_parameters', 'grpc', 'tls_context',
    'dynamic_metadata', 'filter_state',
  ],
};

const PATH_SPECIFIERS = ['prefix', 'path', 'safe_regex', 'connect_matcher', 'path_separated_prefix', 'path_match_policy'];

/** Equal matches (`prefix: /` on most routes) share one object. */
export function compileRouteMatch(value: unknown, path: string, sink: ErrorSink): RouteMatch | undefined {
  return interned('route_match', value, sink, () => compileNewRouteMatch(value, path, sink));
}

function compileNewRouteMatch(value: unknown, path: string, sink: ErrorSink): RouteMatch | undefined {
  const r = MessageReader.of(value, path, sink, ROUTE_MATCH_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const kind = r.oneof(PATH_SPECIFIERS, true) as PathMatchKind | 'path_match_policy' | undefined;
  const caseSensitive = r.bool('case_sensitive', true);
  let matchValue = '';
  let regex: RegExp | undefined;
  switch (kind) {
    case 'prefix':
      matchValue = r.string('prefix') ?? '';
      break;
    case 'path':
      matchValue = r.string('path') ?? '';
      break;
    case 'path_separated_prefix': {
      matchValue = r.string(kind, { required: true }) ?? '';
      if (!/^[^?#]+[^?#/]$/.test(matchValue)) r.error(kind, 'must not contain ? or # and must not end in /');
      break;
    }
    case 'safe_regex': {
      const rr = r.message('safe_regex', { fields: ['regex'], ignored: { google_re2: 'no RE2 program limits in JavaScript' } });
      const pattern = rr?.string('regex', { required: true });
      if (rr && pattern !== undefined) {
        const re = compileFullMatch(pattern);
        if (typeof re === 'string') rr.error('regex', re);
        else regex = re;
      }
      break;
    }
    case 'connect_matcher':
      r.message('connect_matcher', { fields: [] });
      break;
    case 'path_match_policy':
      r.error('path_match_policy', 'path match policy extensions (URI templates) are not supported by the Skiff proxy');
      break;
    default:
      break;
  }
  if (!caseSensitive) matchValue = matchValue.toLowerCase();

  const headers: HeaderMatcher[] = [];
  for (const h of r.list('headers')) {
    const m = compileHeaderMatcher(h.value, h.path, sink);
    if (m) headers.push(m);
  }
  const queryParameters: QueryParameterMatcher[] = [];
  for (const q of r.list('query_parameters')) {
    const m = compileQueryParameterMatcher(q.value, q.path, sink);
    if (m) queryParameters.push(m);
  }
  let grpc = false;
  if (r.has('grpc')) {
    r.message('grpc', { fields: [] });
    grpc = true;
  }
  let runtimeFraction: number | undefined;
  if (r.has('runtime_fraction')) {
    const rf = r.message('runtime_fraction', { fields: ['default_value', 'runtime_key'] });
    if (rf) runtimeFraction = fractionalPercent(rf, 'default_value') ?? 0;
  }
  for (const unsupported of ['tls_context', 'dynamic_metadata', 'filter_state']) {
    if (r.has(unsupported)) r.error(unsupported, 'matching on this is not supported by the Skiff proxy');
  }
  if (sink.count > before || kind === undefined || kind === 'path_match_policy') return undefined;
  return { kind, value: matchValue, regex, caseSensitive, headers, queryParameters, grpc, runtimeFraction };
}

function pathMatches(m: RouteMatch, req: RequestView): boolean {
  if (m.kind === 'connect_matcher') return req.method === 'CONNECT';
  // A CONNECT request has no path; only a connect_matcher route can take it.
  if (req.method === 'CONNECT') return false;
  switch (m.kind) {
    case 'prefix': {
      const p = req.path;
      if (m.caseSensitive) return p.startsWith(m.value);
      return p.length >= m.value.length && p.slice(0, m.value.length).toLowerCase() === m.value;
    }
    case 'path': {
      const p = pathOnly(req.path);
      return m.caseSensitive ? p === m.value : p.toLowerCase() === m.value;
    }
    case 'safe_regex':
      return m.regex!.test(pathOnly(req.path));
    case 'path_separated_prefix': {
      const p = pathOnly(req.path);
      const v = m.value;
      if (p.length < v.length) return false;
      const head = p.slice(0, v.length);
      if ((m.caseSensitive ? head : head.toLowerCase()) !== v) return false;
      return p.length === v.length || p.charCodeAt(v.length) === 47 /* / */;
    }
    default:
      return false;
  }
}

export function routeMatches(m: RouteMatch, req: RequestView): boolean {
  if (!pathMatches(m, req)) return false;
  if (m.grpc) {
    const ct = headerValue(req.headers, 'content-type');
    if (ct === undefined || !ct.startsWith('application/grpc')) return false;
  }
  for (let i = 0; i < m.headers.length; i++) if (!headerMatches(m.headers[i]!, req)) return false;
  for (let i = 0; i < m.queryParameters.length; i++) if (!queryParameterMatches(m.queryParameters[i]!, req)) return false;
  if (m.runtimeFraction !== undefined && Math.random() >= m.runtimeFraction) return false;
  return true;
}
