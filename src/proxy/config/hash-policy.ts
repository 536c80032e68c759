// RouteAction.hash_policy: what a consistent-hash load balancer (RING_HASH, MAGLEV) hashes.
// Hashes of several policies combine as Envoy combines them (rotate left, xor); a terminal
// policy that produced a hash stops the walk.

import { compileSearch, translateSubstitution } from './re2.js';
import { ErrorSink, MessageReader } from './reader.js';
import { headerValue, queryParam, type RequestView } from './request-view.js';
import { hashString } from '../upstream/hash.js';

export type HashPolicy =
  | { kind: 'header'; name: string; rewrite?: { re: RegExp; substitution: string }; terminal: boolean }
  | { kind: 'cookie'; name: string; ttlMs?: number; path?: string; terminal: boolean }
  | { kind: 'source_ip'; terminal: boolean }
  | { kind: 'query_parameter'; name: string; terminal: boolean };

const HASH_POLICY_SPEC = { fields: ['header', 'cookie', 'connection_properties', 'query_parameter', 'filter_state', 'terminal'] };

export function compileHashPolicy(value: unknown, path: string, sink: ErrorSink): HashPolicy | undefined {
  const r = MessageReader.of(value, path, sink, HASH_POLICY_SPEC);
  if (!r) return undefined;
  const terminal = r.bool('terminal', false);
  const kind = r.oneof(['header', 'cookie', 'connection_properties', 'query_parameter', 'filter_state'], true);
  switch (kind) {
    case 'header': {
      const h = r.message('header', { fields: ['header_name', 'regex_rewrite'] });
      const name = h?.string('header_name', { required: true });
      if (!h || name === undefined) return undefined;
      let rewrite: { re: RegExp; substitution: string } | undefined;
      const rw = h.message('regex_rewrite', { fields: ['pattern', 'substitution'] });
      if (rw) {
        const p = rw.message('pattern', { fields: ['regex'], ignored: { google_re2: 'no RE2 program limits in JavaScript' } });
        const pattern = p?.string('regex', { required: true });
        if (pattern === undefined) return undefined;
        const re = compileSearch(pattern);
        if (typeof re === 'string') return p!.error('regex', re);
        rewrite = { re, substitution: translateSubstitution(rw.string('substitution') ?? '') };
      }
      return { kind, name: name.toLowerCase(), rewrite, terminal };
    }
    case 'cookie': {
      const c = r.message('cookie', { fields: ['name', 'ttl', 'path', 'attributes'] });
      const name = c?.string('name', { required: true });
      if (!c || name === undefined) return undefined;
      if (c.list('attributes').length > 0) return c.error('attributes', 'cookie attributes are not supported by the Skiff proxy');
      return { kind, name, ttlMs: c.durationMs('ttl'), path: c.string('path'), terminal };
    }
    case 'connection_properties': {
      const c = r.message('connection_properties', { fields: ['source_ip'] });
      if (!c) return undefined;
      if (!c.bool('source_ip', false)) return c.error('source_ip', 'must be true: source_ip is the only connection property');
      return { kind: 'source_ip', terminal };
    }
    case 'query_parameter': {
      const q = r.message('query_parameter', { fields: ['name'] });
      const name = q?.string('name', { required: true });
      if (name === undefined) return undefined;
      return { kind, name, terminal };
    }
    case 'filter_state':
      return r.error('filter_state', 'hashing on filter state is not supported by the Skiff proxy');
    default:
      return undefined;
  }
}

/** Reads one cookie from a Cookie header without parsing the others. */
export function cookieValue(req: RequestView, name: string): string | undefined {
  const header = headerValue(req.headers, 'cookie');
  if (header === undefined) return undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > 0 && eq < end && header.slice(start, eq).trim() === name) {
      const v = header.slice(eq + 1, end).trim();
      // A quoted cookie value means the same as the bare one (RFC 6265 cookie-value).
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    }
    start = end + 1;
  }
  return undefined;
}

export interface HashResult {
  hash: number | undefined;
  /** A cookie Envoy generates when a cookie policy with a ttl finds none (set on the response). */
  setCookie?: string;
}

/** The request's hash for consistent-hash load balancing, or undefined when no policy applied. */
export function computeHash(policies: readonly HashPolicy[], req: RequestView, generatedCookieValue: () => string): HashResult {
  let hash: number | undefined;
  let setCookie: string | undefined;
  for (const p of policies) {
    let key: string | undefined;
    switch (p.kind) {
      case 'header': {
        key = headerValue(req.headers, p.name);
        if (key !== undefined && p.rewrite) key = key.replace(p.rewrite.re, p.rewrite.substitution);
        break;
      }
      case 'cookie': {
        key = cookieValue(req, p.name);
        if (key === undefined && p.ttlMs !== undefined) {
          key = generatedCookieValue();
          const maxAge = Math.floor(p.ttlMs / 1000);
          setCookie = `${p.name}="${key}"${maxAge > 0 ? `; Max-Age=${maxAge}` : ''}${p.path ? `; Path=${p.path}` : ''}; HttpOnly`;
        }
        break;
      }
      case 'source_ip':
        key = req.remoteAddress || undefined;
        break;
      case 'query_parameter':
        key = queryParam(req, p.name);
        break;
    }
    if (key === undefined) continue;
    const h = hashString(key);
    hash = hash === undefined ? h : (((hash << 1) | (hash >>> 31)) ^ h) >>> 0;
    if (p.terminal) break;
  }
  return { hash, setCookie };
}
