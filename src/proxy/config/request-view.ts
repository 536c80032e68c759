// What route matching and hashing read from a request. The HTTP connection manager builds one per
// request from node:http's IncomingMessage; tests build them by hand, so matching needs no sockets.

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface RequestView {
  method: string;
  /** The :path pseudo-header: path plus query string, as sent. */
  path: string;
  /** The :authority / Host header, lower-cased. */
  authority: string;
  scheme: string;
  /** Lower-cased header names, as node:http presents them. */
  headers: HeaderMap;
  /** Downstream peer address, for source-ip hashing and x-forwarded-for. */
  remoteAddress: string;
  /** Parsed query string, filled on first use by `queryParam`. */
  query?: Map<string, string>;
}

/** A header's value as Envoy sees it: repeated headers joined with ','. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

/** Reads a request header or one of the HTTP/2 pseudo-headers Envoy matchers may name. */
export function requestHeader(req: RequestView, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* ':' */) {
    switch (name) {
      case ':authority':
        return req.authority;
      case ':path':
        return req.path;
      case ':method':
        return req.method;
      case ':scheme':
        return req.scheme;
      default:
        return undefined;
    }
  }
  return headerValue(req.headers, name);
}

/** First value of a query parameter, not percent-decoded (as Envoy matches it). */
export function queryParam(req: RequestView, name: string): string | undefined {
  let q = req.query;
  if (!q) {
    q = new Map();
    const qs = req.path.indexOf('?');
    if (qs >= 0) {
      const hash = req.path.indexOf('#', qs);
      const s = req.path.slice(qs + 1, hash < 0 ? undefined : hash);
      for (const part of s.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        const key = eq < 0 ? part : part.slice(0, eq);
        if (!q.has(key)) q.set(key, eq < 0 ? '' : part.slice(eq + 1));
      }
    }
    req.query = q;
  }
  return q.get(name);
}

/** The path without query string or fragment. */
export function pathOnly(path: string): string {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return path.slice(0, i);
  }
  return path;
}
