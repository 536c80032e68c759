// How an HTTP/1 connection manager refuses a request. Framing errors (CL+TE, duplicate
// Content-Length, bare LF, bad header characters, oversized headers) are found by node's parser
// (llhttp, strict mode) and answered by the codec (http1-server-connection.ts); what llhttp leaves
// to the application (the header count limit, HTTP/0.9, the request target's form) is checked
// here per request, so it is logged and counted like any other local reply.

import type { DownstreamRequest } from './downstream.js';

export interface RequestRejection {
  readonly status: number;
  /** Envoy's %RESPONSE_CODE_DETAILS% for the rejection. */
  readonly details: string;
}

const TOO_MANY_HEADERS: RequestRejection = { status: 431, details: 'http1.too_many_headers' };
const BAD_VERSION: RequestRejection = { status: 400, details: 'http1.codec_error' };
const INVALID_URL: RequestRejection = { status: 400, details: 'http1.invalid_url' };

/** host[:port] of an absolute-form URL: a reg-name or IPv4 address, or an IPv6 literal; port 0-65535. */
const AUTHORITY_RE = /^(?:[A-Za-z0-9\-._~%!$&'()*+,;=]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

function absoluteFormIsValid(url: string): boolean {
  // The stream reads only the http scheme's authority (the explicit proxy's absolute-form).
  if (!url.startsWith('http://')) return false;
  let end = url.length;
  for (let i = 7; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  const m = AUTHORITY_RE.exec(url.slice(7, end));
  return m !== null && (m[1] === undefined || Number(m[1]) <= 65535);
}

/**
 * Why an HTTP/1 request must be refused before it is routed, or undefined when it may proceed.
 * `maxHeadersCount` is Envoy's max_headers_count: more headers than that get 431.
 */
export function rejectHttp1Request(req: Pick<DownstreamRequest, 'headerCount' | 'httpVersionMajor' | 'url' | 'method'>, maxHeadersCount: number): RequestRejection | undefined {
  if (req.headerCount > maxHeadersCount) return TOO_MANY_HEADERS;
  // llhttp takes `GET /path` without a version as HTTP/0.9, which has no headers and no status line.
  if (req.httpVersionMajor !== 1) return BAD_VERSION;
  const url = req.url;
  if (url.charCodeAt(0) === 47 /* / */) return undefined;
  if (url === '*' && req.method === 'OPTIONS') return undefined;
  return absoluteFormIsValid(url) ? undefined : INVALID_URL;
}
