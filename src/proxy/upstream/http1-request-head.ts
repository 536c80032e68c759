// The head of an upstream HTTP/1.1 request: request line, Host and the end-to-end headers, checked
// so that nothing a route or filter put in a header can split the request. The connection adds the
// Connection header (keep-alive unless the connection is retiring) and the body framing.

import type { Readable } from 'node:stream';
import { INVALID_FIELD_VALUE as INVALID_VALUE, isFieldName, isToken } from './http1-syntax.js';

export interface Http1Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** A complete body, none, or a stream written as it arrives. */
  body: Buffer | Readable | null;
}

export interface Http1RequestHead {
  /** `METHOD path HTTP/1.1\r\nhost: …\r\n`. */
  readonly line: string;
  /** The other header lines, each ending in CRLF. */
  readonly fields: string;
  /** The Content-Length header's value; null when absent. */
  readonly contentLength: number | null;
  /** Methods whose semantics anticipate a body: an empty one is sent as `content-length: 0`. */
  readonly expectsPayload: boolean;
}

/** Thrown for a request the client refuses to write; it never reaches the upstream. */
export class InvalidRequestError extends Error {
  readonly code = 'UND_ERR_INVALID_ARG';
}

const INVALID_PATH = /[^\u0021-\u00ff]/;

/** Headers the connection writes itself, or that belong to one connection only. */
const CONNECTION_OWNED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

function expectsPayload(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'QUERY' || method === 'PROPFIND' || method === 'PROPPATCH';
}

function headerLine(name: string, value: string): string {
  if (INVALID_VALUE.test(value)) throw new InvalidRequestError(`invalid ${name} header`);
  return `${name}: ${value}\r\n`;
}

/** `defaultHost` is the upstream's host:port, sent when the request carries no Host. */
export function buildRequestHead(request: Http1Request, defaultHost: string): Http1RequestHead {
  const { method, path, headers } = request;
  if (!isToken(method)) throw new InvalidRequestError('invalid request method');
  if (path.charCodeAt(0) !== 47 /* / */ && path !== '*') throw new InvalidRequestError('path must start with a slash');
  if (INVALID_PATH.test(path)) throw new InvalidRequestError('invalid request path');
  let host = defaultHost;
  let contentLength: number | null = null;
  let fields = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (CONNECTION_OWNED.has(name)) {
      if (name === 'host') {
        const h = typeof value === 'string' ? value : value[0];
        if (h !== undefined) host = h;
      } else if (name === 'content-length') {
        const n = Number.parseInt(typeof value === 'string' ? value : (value[0] ?? ''), 10);
        if (!Number.isFinite(n)) throw new InvalidRequestError('invalid content-length header');
        contentLength = n;
      }
      continue;
    }
    if (!isFieldName(name)) throw new InvalidRequestError(`invalid header name ${JSON.stringify(name)}`);
    if (typeof value === 'string') fields += headerLine(name, value);
    else for (let i = 0; i < value.length; i++) fields += headerLine(name, value[i]!);
  }
  if (INVALID_VALUE.test(host)) throw new InvalidRequestError('invalid host header');
  return { line: `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`, fields, contentLength, expectsPayload: expectsPayload(method) };
}
