// Envoy access log format strings (`%START_TIME%`, `%REQ(:METHOD)%`, ...) compiled into a list of
// literal and field parts, rendered per request without re-parsing.

import type { StreamInfo } from './stream-info.js';
import { formatResponseFlags } from './response-flags.js';
import { headerValue } from '../config/request-view.js';

export type FormatPart = string | ((s: StreamInfo) => string | number | undefined);

export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" ' +
  '"%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

function pseudoOrHeader(name: string, s: StreamInfo, response: boolean): string | undefined {
  if (response) return s.responseHeaders ? headerValue(s.responseHeaders, name) : undefined;
  switch (name) {
    case ':method':
      return s.method;
    case ':path':
      return s.path;
    case ':authority':
      return s.authority;
    case ':scheme':
      return 'http';
    default:
      return headerValue(s.requestHeaders, name);
  }
}

// Formatting a Date costs more than the rest of a log line: the part up to the second is
// formatted once per second and reused.
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `2024-01-02T03:04:05.678Z` for a millisecond timestamp. */
export function isoTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoSecond = second;
  }
  const millis = ms - second * 1000;
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const SIMPLE: Record<string, (s: StreamInfo) => string | number | undefined> = {
  START_TIME: (s) => isoTimestamp(s.startTime),
  PROTOCOL: (s) => s.protocol,
  RESPONSE_CODE: (s) => s.responseCode,
  RESPONSE_FLAGS: (s) => formatResponseFlags(s.responseFlags),
  RESPONSE_CODE_DETAILS: (s) => s.responseCodeDetails,
  BYTES_RECEIVED: (s) => s.bytesReceived,
  BYTES_SENT: (s) => s.bytesSent,
  DURATION: (s) => Math.round(s.durationMs),
  UPSTREAM_HOST: (s) => s.upstreamHost,
  UPSTREAM_CLUSTER: (s) => s.upstreamCluster,
  UPSTREAM_CLUSTER_RAW: (s) => s.upstreamCluster,
  UPSTREAM_TRANSPORT_FAILURE_REASON: (s) => s.upstreamTransportFailureReason,
  UPSTREAM_LOCAL_ADDRESS: () => undefined,
  DOWNSTREAM_LOCAL_ADDRESS: (s) => s.downstreamLocalAddress,
  DOWNSTREAM_REMOTE_ADDRESS: (s) => s.downstreamRemoteAddress,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (s) => stripPort(s.downstreamRemoteAddress),
  DOWNSTREAM_PEER_ADDRESS: (s) => s.downstreamRemoteAddress,
  REQUESTED_SERVER_NAME: () => undefined,
  ROUTE_NAME: (s) => s.routeName,
  CONNECTION_TERMINATION_DETAILS: () => undefined,
  UPSTREAM_REQUEST_ATTEMPT_COUNT: (s) => s.attemptCount,
  REQUEST_DURATION: (s) => Math.round(s.durationMs),
  RESPONSE_DURATION: (s) => s.upstreamServiceTimeMs,
  HOSTNAME: () => process.env.HOSTNAME,
  METHOD: (s) => s.method,
};

function stripPort(a: string): string {
  const i = a.lastIndexOf(':');
  return i > 0 && !a.endsWith(']') ? a.slice(0, i) : a;
}

function truncate(v: string, max: number | undefined): string {
  return max !== undefined && v.length > max ? v.slice(0, max) : v;
}

/** Compiles a format string; returns an error message for an operator the proxy cannot fill. */
export function compileFormat(format: string): FormatPart[] | string {
  const parts: FormatPart[] = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') { literal += c; i++; continue; }
    if (format[i + 1] === '%') { literal += '%'; i += 2; continue; }
    const end = format.indexOf('%', i + 1);
    if (end < 0) return `unterminated command operator at offset ${i}`;
    const token = format.slice(i + 1, end);
    const m = /^([A-Z_0-9]+)(?:\(([^)]*)\))?(?::(\d+))?$/.exec(token);
    if (!m) return `malformed command operator %${token}%`;
    const [, op, arg, maxText] = m;
    const max = maxText === undefined ? undefined : Number(maxText);
    let fn: ((s: StreamInfo) => string | number | undefined) | undefined;
    if (op === 'REQ' || op === 'RESP') {
      if (!arg) return `%${op}(...)% needs a header name`;
      const [first, fallback] = arg.split('?').map((h) => h.toLowerCase()) as [string, string | undefined];
      const response = op === 'RESP';
      fn = (s) => {
        const v = pseudoOrHeader(first, s, response) ?? (fallback ? pseudoOrHeader(fallback, s, response) : undefined);
        return v === undefined ? undefined : truncate(v, max);
      };
    } else if (op === 'START_TIME' && arg) {
      return '%START_TIME(format)% with a custom strftime format is not supported by the Skiff proxy';
    } else {
      const simple = SIMPLE[op!];
      if (!simple) return `command operator %${token}% is not supported by the Skiff proxy`;
      fn = max === undefined ? simple : (s) => {
        const v = simple(s);
        return v === undefined ? undefined : truncate(String(v), max);
      };
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push(fn);
    i = end + 1;
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Renders a text format; an absent value prints as `-`, as Envoy prints it. */
export function renderText(parts: readonly FormatPart[], s: StreamInfo): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (typeof p === 'string') out += p;
    else {
      const v = p(s);
      out += v === undefined || v === '' ? '-' : v;
    }
  }
  return out;
}

/** Renders a json_format: each key's format; single-operator values keep their type. */
export function renderJson(fields: readonly [string, readonly FormatPart[]][], s: StreamInfo, omitEmpty: boolean): string {
  const obj: Record<string, unknown> = {};
  for (const [key, parts] of fields) {
    let v: unknown;
    if (parts.length === 1 && typeof parts[0] !== 'string') v = parts[0]!(s);
    else v = renderText(parts, s);
    if (v === undefined || v === '') {
      if (omitEmpty) continue;
      v = null;
    }
    obj[key] = v;
  }
  return `${JSON.stringify(obj)}\n`;
}
