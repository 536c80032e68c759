// HTTPMatchRequest → Envoy RouteMatch (Istio's TranslateRouteMatch): path by exact / prefix /
// regex, case sensitivity, header and query parameter matchers, `withoutHeaders` as inverted
// matchers, method/authority/scheme as pseudo-header matchers, JWT claims as metadata matchers.
import type { HTTPMatchRequest, StringMatch } from '../model/api-types.js';
import type { Json } from './envoy-common.js';

/** Istio treats an empty match, and the regex `*`, as "the header is present". */
function isPresentMatch(m: StringMatch | undefined): boolean {
  if (!m) return true;
  if (m.exact === undefined && m.prefix === undefined && m.regex === undefined) return true;
  return m.regex === '*';
}

/** StringMatch → envoy.type.matcher.v3.StringMatcher. */
export function stringMatcher(m: StringMatch): Json | undefined {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return undefined;
}

function headerMatcher(name: string, m: StringMatch | undefined): Json {
  if (isPresentMatch(m)) return { name, present_match: true };
  return { name, string_match: stringMatcher(m!) };
}

// `@request.auth.claims.groups` or `@request.auth.claims[groups][0]` → ['groups', '0'].
const CLAIM_DOT = /^@request\.auth\.claims\.(.+)$/;
const CLAIM_BRACKETS = /^@request\.auth\.claims((?:\[[^\]]+\])+)$/;

function jwtClaimPath(name: string): string[] | undefined {
  const brackets = CLAIM_BRACKETS.exec(name);
  if (brackets) return [...brackets[1]!.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
  const dot = CLAIM_DOT.exec(name);
  return dot ? dot[1]!.split('.') : undefined;
}

/** A route match on a JWT claim reads the claims Istio's authn filter put in dynamic metadata. */
function claimMatcher(claims: string[], m: StringMatch | undefined): Json {
  const matcher = m ? stringMatcher(m) : undefined;
  return {
    filter: 'istio_authn',
    path: [{ key: 'request.auth.claims' }, ...claims.map((key) => ({ key }))],
    value: { list_match: { one_of: matcher ? { string_match: matcher } : { present_match: true } } },
  };
}

export function translateRouteMatch(match: HTTPMatchRequest | undefined): Json {
  const out: Json = { prefix: '/' };
  if (!match) return out;
  const headers: Json[] = [];
  const dynamicMetadata: Json[] = [];
  for (const [name, m] of Object.entries(match.headers ?? {})) {
    const claims = jwtClaimPath(name);
    if (claims) dynamicMetadata.push(claimMatcher(claims, m));
    else headers.push(headerMatcher(name, m));
  }
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
    const claims = jwtClaimPath(name);
    if (claims) { dynamicMetadata.push({ ...claimMatcher(claims, m), invert: true }); continue; }
    const h = headerMatcher(name, m);
    h.invert_match = true;
    // A request without the header is "not matching" too (present_match already says so).
    if (!isPresentMatch(m)) h.treat_missing_header_as_empty = true;
    headers.push(h);
  }
  headers.sort((a, b) => (a.name as string).localeCompare(b.name as string));
  if (match.uri) {
    delete out.prefix;
    if (match.uri.exact !== undefined) out.path = match.uri.exact;
    else if (match.uri.prefix !== undefined) out.prefix = match.uri.prefix;
    else if (match.uri.regex !== undefined) out.safe_regex = { regex: match.uri.regex };
    else out.prefix = '/';
  }
  out.case_sensitive = !match.ignoreUriCase;
  if (match.method) headers.push(headerMatcher(':method', match.method));
  if (match.authority) headers.push(headerMatcher(':authority', match.authority));
  if (match.scheme) headers.push(headerMatcher(':scheme', match.scheme));
  if (headers.length) out.headers = headers;
  const query = Object.entries(match.queryParams ?? {}).map(([name, m]) =>
    isPresentMatch(m) ? { name, present_match: true } : { name, string_match: stringMatcher(m) });
  if (query.length) out.query_parameters = query;
  if (dynamicMetadata.length) out.dynamic_metadata = dynamicMetadata;
  return out;
}

/** Istio's IsCatchAllRoute: `/` prefix (or `.*` regex) and nothing else to match. */
export function isCatchAllMatch(match: Json): boolean {
  const pathAll = match.prefix === '/' || (match.safe_regex as Json | undefined)?.regex === '.*';
  return pathAll && !match.headers && !match.query_parameters && !match.dynamic_metadata;
}
