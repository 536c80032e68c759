// Envoy's filter chain selection: criteria are applied in a fixed order (destination port,
// destination IP, server name, transport protocol, application protocols, source IP, source port);
// at each step the most specific chains that match survive, and chains that do not constrain the
// criterion survive only when no specific chain matched. No survivor → the default filter chain.

import { cidrContains, parseIp, type Cidr } from '../config/cidr.js';
import type { FilterChain, Listener } from '../config/listener.js';

export interface ConnectionInfo {
  readonly destinationPort: number;
  readonly destinationIp?: string;
  /** SNI for TLS; for an explicit-proxy CONNECT, the requested host name. */
  readonly serverName?: string;
  readonly transportProtocol: string;
  readonly applicationProtocols: readonly string[];
  readonly sourceIp?: string;
  readonly sourcePort?: number;
}

function longestPrefix(ranges: readonly Cidr[], ip: Uint8Array | undefined): number {
  if (!ip) return -1;
  let best = -1;
  for (const r of ranges) if (r.prefixLen > best && cidrContains(r, ip)) best = r.prefixLen;
  return best;
}

/** Keeps the chains that match best by `score` (−1 = no match, 0 = unconstrained, higher = more specific). */
function narrow(chains: FilterChain[], score: (c: FilterChain) => number): FilterChain[] {
  let best = -1;
  for (const c of chains) best = Math.max(best, score(c));
  if (best < 0) return [];
  return chains.filter((c) => score(c) === best);
}

function serverNameScore(names: readonly string[], serverName: string | undefined): number {
  if (names.length === 0) return 0;
  if (!serverName) return -1;
  let best = -1;
  for (const n of names) {
    // Exact names beat wildcards; longer wildcards beat shorter ones.
    if (n === serverName) return 1_000_000;
    if (n.startsWith('*.') && serverName.endsWith(n.slice(1))) best = Math.max(best, n.length);
  }
  return best;
}

export function selectFilterChain(listener: Listener, info: ConnectionInfo): FilterChain | undefined {
  let chains = listener.filterChains.slice();
  chains = narrow(chains, (c) => (c.match.destinationPort === undefined ? 0 : c.match.destinationPort === info.destinationPort ? 1 : -1));
  const dest = info.destinationIp ? parseIp(info.destinationIp) : undefined;
  chains = narrow(chains, (c) => (c.match.prefixRanges.length === 0 ? 0 : longestPrefix(c.match.prefixRanges, dest) + 1 || -1));
  chains = narrow(chains, (c) => serverNameScore(c.match.serverNames, info.serverName));
  chains = narrow(chains, (c) => (c.match.transportProtocol === undefined ? 0 : c.match.transportProtocol === info.transportProtocol ? 1 : -1));
  chains = narrow(chains, (c) =>
    c.match.applicationProtocols.length === 0 ? 0 : c.match.applicationProtocols.some((p) => info.applicationProtocols.includes(p)) ? 1 : -1,
  );
  const source = info.sourceIp ? parseIp(info.sourceIp) : undefined;
  chains = narrow(chains, (c) => (c.match.sourcePrefixRanges.length === 0 ? 0 : longestPrefix(c.match.sourcePrefixRanges, source) + 1 || -1));
  chains = narrow(chains, (c) => (c.match.sourcePorts.length === 0 ? 0 : info.sourcePort !== undefined && c.match.sourcePorts.includes(info.sourcePort) ? 1 : -1));
  return chains[0] ?? listener.defaultFilterChain;
}

/** Whether choosing a chain needs the first bytes of the connection (protocol sniffing). */
export function needsSniffing(listener: Listener): boolean {
  if (!listener.httpInspector && !listener.tlsInspector) return false;
  return listener.filterChains.some((c) => c.match.applicationProtocols.length > 0 || c.match.transportProtocol !== undefined || c.match.serverNames.length > 0);
}
