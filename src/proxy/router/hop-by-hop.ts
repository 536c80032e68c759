// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. undici
// also refuses some of them outright (connection, keep-alive, transfer-encoding, upgrade, expect).

import type { HeaderMap } from '../config/request-view.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'expect', 'http2-settings'];

/** Strips hop-by-hop headers in place, including those the Connection header names. */
export function stripHopByHop(headers: HeaderMap): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    const tokens = (typeof connection === 'string' ? connection : connection.join(',')).split(',');
    for (const t of tokens) {
      const name = t.trim().toLowerCase();
      // Never let a client strip headers the proxy itself relies on.
      if (name && name !== 'host' && name !== 'content-length' && !name.startsWith(':')) delete headers[name];
    }
  }
  for (let i = 0; i < HOP_BY_HOP.length; i++) {
    const name = HOP_BY_HOP[i]!;
    if (headers[name] !== undefined) delete headers[name];
  }
  const te = headers.te;
  if (te !== undefined) {
    // "te: trailers" is the one TE value that may travel upstream (gRPC needs it).
    const v = typeof te === 'string' ? te : te.join(',');
    if (v.split(',').some((t) => t.trim().toLowerCase() === 'trailers')) headers.te = 'trailers';
    else delete headers.te;
  }
}

/** Response headers node:http must not be handed (it frames the body itself). */
export function stripResponseHopByHop(headers: HeaderMap): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    const tokens = (typeof connection === 'string' ? connection : connection.join(',')).split(',');
    for (const t of tokens) {
      const name = t.trim().toLowerCase();
      if (name && name !== 'content-length') delete headers[name];
    }
  }
  for (let i = 0; i < HOP_BY_HOP.length; i++) {
    const name = HOP_BY_HOP[i]!;
    if (headers[name] !== undefined) delete headers[name];
  }
  if (headers.te !== undefined) delete headers.te;
}
