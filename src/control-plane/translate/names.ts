// Names Istio gives Envoy resources: cluster names (`outbound|9080|v1|reviews.default.svc.cluster.local`),
// the SNI Istio mTLS uses, listener and route configuration names, and the fixed cluster names.

export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';

export const VIRTUAL_OUTBOUND_LISTENER = 'virtualOutbound';
export const VIRTUAL_INBOUND_LISTENER = 'virtualInbound';
/** Route configuration served to a sidecar's explicit HTTP proxy listener. */
export const HTTP_PROXY_ROUTE = 'http_proxy';

/** The catch-all virtual host names Istio uses for unknown hosts. */
export const ALLOW_ANY_VHOST = 'allow_any';
export const BLOCK_ALL_VHOST = 'block_all';

export type Direction = 'outbound' | 'inbound';

/** Istio's BuildSubsetKey: `outbound|9080|v1|reviews.default.svc.cluster.local`. */
export function clusterName(direction: Direction, subset: string | undefined, hostname: string, port: number): string {
  return `${direction}|${port}|${subset ?? ''}|${hostname}`;
}

/** `inbound|9080||`: the sidecar's cluster for its own application on that port. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}

/** Istio's BuildDNSSrvSubsetKey: `outbound_.9080_.v1_.reviews.default.svc.cluster.local`, the mTLS SNI. */
export function mtlsSni(subset: string | undefined, hostname: string, port: number): string {
  return `outbound_.${port}_.${subset ?? ''}_.${hostname}`;
}

export interface ParsedClusterName {
  readonly direction: Direction;
  readonly port: number;
  readonly subset: string;
  readonly hostname: string;
}

export function parseClusterName(name: string): ParsedClusterName | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, hostname] = parts as [string, string, string, string];
  if ((direction !== 'outbound' && direction !== 'inbound') || !/^\d+$/.test(port)) return undefined;
  return { direction, port: Number(port), subset, hostname };
}

/** `0.0.0.0_9080`. */
export function listenerName(address: string, port: number): string {
  return `${address}_${port}`;
}

/** `reviews.default.svc.cluster.local:9080` (IPv6 addresses bracketed). */
export function domainName(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
