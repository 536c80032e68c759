// A request head's raw header lines (name, value, name, value, … as llhttp reports them) become
// the header object the stream routes on: names lower-cased, repeated headers folded as node:http
// folds them, and hop-by-hop headers (RFC 9110 §7.6.1) left out as they are met — the codec reads
// what it needs of them (Connection, Expect, Transfer-Encoding, Upgrade) and nothing else sees
// them. Leaving them out, rather than deleting them afterwards, keeps the object in V8's fast
// mode (a `delete` turns it into a slow dictionary for the rest of the request).

import type { HeaderMap } from '../config/request-view.js';
import { HopByHop, hopByHopField } from '../upstream/http1-syntax.js';

/** What the head says about the connection and framing, besides the end-to-end headers. */
export interface RequestHeadFacts {
  headers: HeaderMap;
  /** The Connection header's value (repeats joined with `, `). */
  connection: string | undefined;
  /** The Expect header's value. */
  expect: string | undefined;
  /** The Upgrade header's value. */
  upgrade: string | undefined;
  /** A Transfer-Encoding header was present (llhttp already refused any but a final chunked). */
  transferEncoding: boolean;
}

/** Headers whose repeats node:http drops (the first value wins): their semantics allow only one. */
const SINGLE_VALUED = new Set([
  'content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization',
  'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag',
  'last-modified', 'server', 'age', 'expires',
]);

function add(headers: HeaderMap, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) {
    headers[name] = value;
    return;
  }
  if (name === 'set-cookie') {
    if (typeof existing === 'string') headers[name] = [existing, value];
    else existing.push(value);
  } else if (name === 'cookie') headers[name] = `${existing as string}; ${value}`;
  else if (!SINGLE_VALUED.has(name)) headers[name] = `${existing as string}, ${value}`;
}

function hasTrailersToken(te: string): boolean {
  const parts = te.split(',');
  for (let i = 0; i < parts.length; i++) if (parts[i]!.trim().toLowerCase() === 'trailers') return true;
  return false;
}

/** Fills `out` from `raw`; `limit` bounds how many lines are kept (the rest only counted by the caller). */
export function readRequestHead(raw: readonly string[], limit: number, out: RequestHeadFacts): void {
  const headers: HeaderMap = {};
  let connection: string | undefined;
  let te: string | undefined;
  const end = Math.min(raw.length, 2 * limit);
  for (let i = 0; i < end; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    switch (hopByHopField(name)) {
      case 0:
        add(headers, name, value);
        break;
      case HopByHop.te:
        te = te === undefined ? value : `${te}, ${value}`;
        break;
      case HopByHop.expect:
        out.expect = value;
        break;
      case HopByHop.upgrade:
        out.upgrade = value;
        break;
      case HopByHop.connection:
        connection = connection === undefined ? value : `${connection}, ${value}`;
        break;
      case HopByHop.transferEncoding:
        out.transferEncoding = true;
        break;
      // keep-alive, http2-settings, proxy-connection: this hop's only, and nothing here needs them.
    }
  }
  // "te: trailers" is the one TE value that may travel upstream (gRPC needs it).
  if (te !== undefined && hasTrailersToken(te)) headers.te = 'trailers';
  if (connection !== undefined) {
    // Headers the Connection header names are this hop's too; never Host or the body's length.
    const tokens = connection.split(',');
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!.trim().toLowerCase();
      if (token !== '' && token !== 'host' && token !== 'content-length' && headers[token] !== undefined) delete headers[token];
    }
  }
  out.headers = headers;
  out.connection = connection;
}
