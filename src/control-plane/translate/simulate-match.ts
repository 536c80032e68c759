// Envoy's matching rules, for the simulation: virtual host domains, route matches, and filter
// chain matches, evaluated on generated config without sockets (as Istio's simulation package).
import type { Json } from './envoy-common.js';

export interface RequestView {
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  readonly scheme: string;
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** RE2 patterns as JavaScript understands them, matched against the whole string as Envoy does. */
export function fullRegex(pattern: string, flags = ''): RegExp {
  const js = pattern.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  const inlineCaseless = /^\(\?i\)/.test(js);
  return new RegExp(`^(?:${inlineCaseless ? js.slice(4) : js})$`, inlineCaseless ? `${flags}i` : flags);
}

export function stringMatcherMatches(m: Json, value: string): boolean {
  const ignoreCase = m.ignore_case === true;
  const v = ignoreCase ? value.toLowerCase() : value;
  const norm = (s: unknown) => (ignoreCase ? String(s).toLowerCase() : String(s));
  if (m.exact !== undefined) return v === norm(m.exact);
  if (m.prefix !== undefined) return v.startsWith(norm(m.prefix));
  if (m.suffix !== undefined) return v.endsWith(norm(m.suffix));
  if (m.contains !== undefined) return v.includes(norm(m.contains));
  if (m.safe_regex !== undefined) return fullRegex(String((m.safe_regex as Json).regex), ignoreCase ? 'i' : '').test(value);
  return false;
}

function headerValue(req: RequestView, name: string): string | undefined {
  switch (name) {
    case ':authority': return req.authority;
    case ':method': return req.method;
    case ':path': return req.path;
    case ':scheme': return req.scheme;
    default: return req.headers[name.toLowerCase()];
  }
}

function headerMatches(h: Json, req: RequestView): boolean {
  let value = headerValue(req, String(h.name));
  if (value === undefined && h.treat_missing_header_as_empty) value = '';
  let matched: boolean;
  if (h.present_match !== undefined) matched = value !== undefined;
  else if (value === undefined) matched = false;
  else if (h.string_match) matched = stringMatcherMatches(h.string_match as Json, value);
  else if (h.exact_match !== undefined) matched = value === h.exact_match;
  else matched = true;
  // Envoy: invert_match on a missing header still fails, unless it was treated as empty.
  if (h.invert_match) return value === undefined ? h.present_match !== undefined && !matched : !matched;
  return matched;
}

function queryParams(path: string): Map<string, string> {
  const q = path.indexOf('?');
  const out = new Map<string, string>();
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(path.slice(q + 1))) if (!out.has(k)) out.set(k, v);
  return out;
}

export function routeMatches(match: Json, req: RequestView): boolean {
  const q = req.path.indexOf('?');
  const path = q < 0 ? req.path : req.path.slice(0, q);
  const caseSensitive = match.case_sensitive !== false;
  const p = caseSensitive ? path : path.toLowerCase();
  const norm = (s: unknown) => (caseSensitive ? String(s) : String(s).toLowerCase());
  if (match.prefix !== undefined) { if (!p.startsWith(norm(match.prefix))) return false; }
  else if (match.path !== undefined) { if (p !== norm(match.path)) return false; }
  else if (match.safe_regex !== undefined) { if (!fullRegex(String((match.safe_regex as Json).regex), caseSensitive ? '' : 'i').test(path)) return false; }
  else if (match.path_separated_prefix !== undefined) {
    const pre = norm(match.path_separated_prefix);
    if (!(p === pre || p.startsWith(`${pre}/`))) return false;
  } else return false;
  for (const h of (match.headers as Json[] | undefined) ?? []) if (!headerMatches(h, req)) return false;
  const params = queryParams(req.path);
  for (const qp of (match.query_parameters as Json[] | undefined) ?? []) {
    const v = params.get(String(qp.name));
    if (qp.present_match) { if (v === undefined) return false; continue; }
    if (v === undefined || !stringMatcherMatches(qp.string_match as Json, v)) return false;
  }
  // Dynamic metadata (JWT claims) is not part of a simulated request: such routes never match.
  if ((match.dynamic_metadata as Json[] | undefined)?.length) return false;
  return true;
}

/** Envoy's virtual host selection: exact domain, longest `*.suffix`, longest `prefix*`, then `*`. */
export function selectVirtualHost(vhosts: readonly Json[], authority: string, ignorePort: boolean): Json | undefined {
  let host = authority.toLowerCase();
  if (ignorePort) {
    const colon = host.lastIndexOf(':');
    if (colon > 0 && !host.endsWith(']') && /^\d+$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  }
  let suffixBest: { vh: Json; len: number } | undefined;
  let prefixBest: { vh: Json; len: number } | undefined;
  let any: Json | undefined;
  for (const vh of vhosts) {
    for (const raw of (vh.domains as string[]) ?? []) {
      const d = raw.toLowerCase();
      if (d === host) return vh;
      if (d === '*') { any ??= vh; continue; }
      if (d.startsWith('*')) {
        const suffix = d.slice(1);
        if (host.length > suffix.length && host.endsWith(suffix) && (!suffixBest || suffix.length > suffixBest.len)) suffixBest = { vh, len: suffix.length };
      } else if (d.endsWith('*')) {
        const prefix = d.slice(0, -1);
        if (host.length > prefix.length && host.startsWith(prefix) && (!prefixBest || prefix.length > prefixBest.len)) prefixBest = { vh, len: prefix.length };
      }
    }
  }
  return suffixBest?.vh ?? prefixBest?.vh ?? any;
}

export interface ConnectionView {
  readonly destinationPort: number;
  readonly destinationAddress: string;
  readonly sni?: string;
  readonly transportProtocol: 'tls' | 'raw_buffer';
  readonly applicationProtocols: readonly string[];
}

function serverNameMatches(names: readonly string[], sni: string | undefined): number {
  if (!sni) return -1;
  let best = -1;
  for (const n of names) {
    if (n === sni) return Number.MAX_SAFE_INTEGER;
    if (n.startsWith('*.') && sni.endsWith(n.slice(1)) && n.length > best) best = n.length;
  }
  return best;
}

function ipInPrefix(ip: string, range: Json): boolean {
  const prefix = String(range.address_prefix);
  const len = Number(range.prefix_len ?? 32);
  const toInt = (a: string) => a.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(prefix)) return ip === prefix;
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return (toInt(ip) & mask) === (toInt(prefix) & mask);
}

/**
 * Envoy's filter chain selection: narrow by destination port, destination IP, server name,
 * transport protocol, then application protocol, at each step preferring chains that name the
 * value over chains that leave it open.
 */
export function selectFilterChain(chains: readonly Json[], conn: ConnectionView): Json | undefined {
  const m = (c: Json) => (c.filter_chain_match ?? {}) as Json;
  let candidates = [...chains];
  const step = (specific: (c: Json) => boolean, open: (c: Json) => boolean) => {
    const s = candidates.filter(specific);
    candidates = s.length ? s : candidates.filter(open);
  };
  step((c) => m(c).destination_port === conn.destinationPort, (c) => m(c).destination_port === undefined);
  step((c) => ((m(c).prefix_ranges as Json[] | undefined) ?? []).some((r) => ipInPrefix(conn.destinationAddress, r)), (c) => !(m(c).prefix_ranges as Json[] | undefined)?.length);
  const best = Math.max(-1, ...candidates.map((c) => serverNameMatches((m(c).server_names as string[] | undefined) ?? [], conn.sni)));
  if (best >= 0) candidates = candidates.filter((c) => serverNameMatches((m(c).server_names as string[] | undefined) ?? [], conn.sni) === best);
  else candidates = candidates.filter((c) => !(m(c).server_names as string[] | undefined)?.length);
  step((c) => m(c).transport_protocol === conn.transportProtocol, (c) => m(c).transport_protocol === undefined);
  step((c) => ((m(c).application_protocols as string[] | undefined) ?? []).some((p) => conn.applicationProtocols.includes(p)), (c) => !(m(c).application_protocols as string[] | undefined)?.length);
  return candidates[0];
}
