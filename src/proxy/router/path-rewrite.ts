// Path changes the router makes: prefix_rewrite and regex_rewrite on forwarded requests, and the
// Location of redirects. The query string is kept unless a redirect strips it.

import type { RegexRewrite } from '../config/route-action.js';
import type { RedirectAction } from '../config/local-responses.js';
import type { RouteMatch } from '../config/route-match.js';
import type { RequestView } from '../config/request-view.js';

function splitQuery(path: string): [string, string] {
  const q = path.indexOf('?');
  return q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q)];
}

/** Length of the part of the path the route matched, which prefix_rewrite replaces. */
function matchedLength(match: RouteMatch, pathOnly: string): number {
  return match.kind === 'prefix' || match.kind === 'path_separated_prefix' ? match.value.length : pathOnly.length;
}

export function rewritePath(path: string, match: RouteMatch, prefixRewrite: string | undefined, regexRewrite: RegexRewrite | undefined): string {
  const [p, query] = splitQuery(path);
  if (prefixRewrite !== undefined) {
    const rest = p.slice(matchedLength(match, p));
    // Plain replacement, as Envoy does: "/prefix" → "/" turns "/prefix/x" into "//x".
    let out = prefixRewrite + rest;
    if (out === '') out = '/';
    return out + query;
  }
  if (regexRewrite) return p.replace(regexRewrite.re, regexRewrite.substitution) + query;
  return path;
}

function splitHostPort(authority: string): [string, string] {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return [authority.slice(0, end + 1), authority.slice(end + 1)];
  }
  const colon = authority.lastIndexOf(':');
  return colon < 0 ? [authority, ''] : [authority.slice(0, colon), authority.slice(colon)];
}

/** The Location header for a redirect route, following Envoy's RedirectAction rules. */
export function redirectLocation(r: RedirectAction, req: RequestView, match: RouteMatch): string {
  const originalScheme = req.scheme;
  const scheme = r.scheme ?? originalScheme;
  let [host, port] = splitHostPort(req.authority);
  if (r.host !== undefined) [host, port] = r.host.includes(':') && !r.host.startsWith('[') ? splitHostPort(r.host) : [r.host, port];
  if (r.port !== undefined) port = `:${r.port}`;
  else if (r.scheme !== undefined && r.scheme !== originalScheme && (port === ':80' || port === ':443')) {
    // A scheme change drops a standard port, or the redirect would loop back to it.
    port = '';
  }
  if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  let path: string;
  if (r.pathRedirect !== undefined) {
    path = r.pathRedirect.includes('?') || r.stripQuery ? r.pathRedirect : r.pathRedirect + splitQuery(req.path)[1];
  } else {
    path = rewritePath(req.path, match, r.prefixRewrite, r.regexRewrite);
    if (r.stripQuery) path = splitQuery(path)[0];
  }
  return `${scheme}://${host}${port}${path}`;
}
