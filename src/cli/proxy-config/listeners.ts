// `proxy-config listener`: istioctl's verbose listener table (ADDRESSES, PORT, MATCH,
// DESTINATION), one row per filter chain: what the chain matches (SNI, transport, ALPN, address)
// and where it sends traffic (a route configuration, a cluster, an inline route).
import { str, type Json } from './config-dump.js';
import { describeMatch } from './routes.js';
import { tabWrite } from './tab-writer.js';

export interface ListenerFilter {
  readonly address?: string;
  readonly port?: number;
  /** HTTP, TCP, HTTP+TCP or UNKNOWN. */
  readonly type?: string;
}

const HCM = 'envoy.filters.network.http_connection_manager';
const TCP_PROXY = 'envoy.filters.network.tcp_proxy';
const BLACKHOLE = 'BlackHoleCluster';

/** The ALPN sets Istio uses, by the name istioctl gives them. */
const ALPN_NAMES: readonly [string, readonly string[]][] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

function filterChains(l: Json): Json[] {
  const chains = [...((l.filter_chains as Json[] | undefined) ?? [])];
  if (l.default_filter_chain) chains.push(l.default_filter_chain as Json);
  return chains;
}

function socketAddress(l: Json): Json {
  return (((l.address as Json | undefined)?.socket_address) ?? {}) as Json;
}

export function listenerAddress(l: Json): string {
  const sa = (l.address as Json | undefined)?.socket_address as Json | undefined;
  if (sa) return str(sa.address);
  return str(((l.address as Json | undefined)?.pipe as Json | undefined)?.path);
}

function additionalAddresses(l: Json): string[] {
  return ((l.additional_addresses as Json[] | undefined) ?? []).map((a) => str((((a.address as Json | undefined)?.socket_address) as Json | undefined)?.address));
}

export function listenerPort(l: Json): number {
  return Number(socketAddress(l).port_value ?? 0);
}

function tcpCluster(filter: Json): string | undefined {
  const cluster = (filter.typed_config as Json | undefined)?.cluster;
  return typeof cluster === 'string' ? cluster : undefined;
}

/** HTTP, TCP, HTTP+TCP or UNKNOWN, by the filters of its chains (black hole TCP chains do not count). */
export function listenerType(l: Json): string {
  let http = 0;
  let tcp = 0;
  for (const fc of filterChains(l)) {
    for (const f of (fc.filters as Json[] | undefined) ?? []) {
      if (f.name === HCM) http++;
      else if (f.name === TCP_PROXY && tcpCluster(f) !== BLACKHOLE) tcp++;
    }
  }
  if (http > 0) return tcp === 0 ? 'HTTP' : 'HTTP+TCP';
  return tcp > 0 ? 'TCP' : 'UNKNOWN';
}

export function listenerMatches(f: ListenerFilter, l: Json): boolean {
  if (f.address && ![listenerAddress(l), ...additionalAddresses(l)].some((a) => a.toLowerCase() === f.address!.toLowerCase())) return false;
  if (f.port && listenerPort(l) !== f.port) return false;
  if (f.type && listenerType(l).toLowerCase() !== f.type.toLowerCase()) return false;
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function describeChainMatch(match: Json | undefined): string {
  const m = match ?? {};
  const descrs: string[] = [];
  const names = (m.server_names as string[] | undefined) ?? [];
  if (names.length) descrs.push(`SNI: ${names.join(',')}`);
  if (str(m.transport_protocol) !== '') descrs.push(`Trans: ${m.transport_protocol}`);
  const alpn = (m.application_protocols as string[] | undefined) ?? [];
  if (alpn.length) descrs.push(ALPN_NAMES.find(([, set]) => sameList(set, alpn))?.[0] ?? `App: ${alpn.join(',')}`);
  const port = m.destination_port !== undefined ? `:${m.destination_port}` : '';
  const ranges = (m.prefix_ranges as Json[] | undefined) ?? [];
  if (ranges.length) descrs.push(`Addr: ${ranges.map((r) => `${r.address_prefix}/${r.prefix_len ?? 0}`).join(',')}${port}`);
  else if (port) descrs.push(`Addr: *${port}`);
  return descrs.length ? descrs.join('; ') : 'ALL';
}

function matchAllCluster(rc: Json): string {
  const vhosts = (rc.virtual_hosts as Json[] | undefined) ?? [];
  if (vhosts.length !== 1) return '';
  const vh = vhosts[0]!;
  const domains = (vh.domains as string[] | undefined) ?? [];
  const routes = (vh.routes as Json[] | undefined) ?? [];
  if (!sameList(domains, ['*']) || routes.length !== 1) return '';
  const r = routes[0]!;
  if ((r.match as Json | undefined)?.prefix !== '/') return '';
  const cluster = (r.route as Json | undefined)?.cluster;
  if (typeof cluster !== 'string') return '';
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
}

function describeInlineRoute(rc: Json): string {
  const all = matchAllCluster(rc);
  if (all) return all;
  const parts = ((rc.virtual_hosts as Json[] | undefined) ?? []).map((vh) => {
    const domains = (vh.domains as string[] | undefined) ?? [];
    const routes = ((vh.routes as Json[] | undefined) ?? []).map((r) => describeMatch(r.match as Json | undefined)).join(', ');
    return sameList(domains, ['*']) ? routes : `${domains.join('/')} ${routes}`;
  });
  return `Inline Route: ${parts.join('; ')}`;
}

export function describeDestination(filters: readonly Json[]): string {
  for (const f of filters) {
    if (f.name === HCM) {
      const hcm = (f.typed_config ?? {}) as Json;
      if (hcm.route_config) return describeInlineRoute(hcm.route_config as Json);
      const rds = str((hcm.rds as Json | undefined)?.route_config_name);
      return rds !== '' ? `Route: ${rds}` : 'HTTP';
    }
    if (f.name === TCP_PROXY) {
      const cluster = tcpCluster(f);
      if (cluster !== undefined && cluster !== BLACKHOLE) return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
    }
  }
  return 'Non-HTTP/Non-TCP';
}

export function listenerSummary(listeners: readonly Json[], filter: ListenerFilter): string {
  const chosen = listeners.filter((l) => listenerMatches(filter, l)).sort((a, b) =>
    listenerPort(a) - listenerPort(b) || listenerAddress(a).localeCompare(listenerAddress(b)) || listenerType(a).localeCompare(listenerType(b)));
  const rows: string[][] = [['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']];
  for (const l of chosen) {
    const addresses = [listenerAddress(l), ...additionalAddresses(l)].join(',');
    const chains = filterChains(l).map((fc) => ({ match: describeChainMatch(fc.filter_chain_match as Json | undefined), destination: describeDestination((fc.filters as Json[] | undefined) ?? []) }));
    // istioctl lists a listener's chains by destination, descending.
    chains.sort((a, b) => (a.destination > b.destination ? -1 : a.destination < b.destination ? 1 : 0));
    for (const c of chains) rows.push([addresses, String(listenerPort(l)), c.match, c.destination]);
  }
  return tabWrite(rows, 1);
}
