// Istio's standard HTTP metrics (istio_requests_total, istio_request_duration_milliseconds,
// istio_request_bytes, istio_response_bytes) recorded per finished stream. The label set is built
// once per distinct (direction, cluster, code, flags, peer) combination and cached, so a request does a
// map lookup and a few increments.

import type { TLSSocket } from 'node:tls';
import type { HttpStream } from '../http/stream.js';
import type { ProxyServer } from '../proxy.js';
import { formatResponseFlags } from './response-flags.js';
import { escapeLabelValue, observe, type Histogram, type Stat } from './stats.js';
import { MetadataExchange, peerFromMetadata, workloadName, type PeerInfo } from './metadata-exchange.js';

interface Series {
  requests: Stat;
  duration: Histogram;
  requestBytes: Histogram;
  responseBytes: Histogram;
}

const BYTE_BUCKETS = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];

function selfInfo(server: ProxyServer, meta: Record<string, unknown> | undefined): PeerInfo {
  const m: Record<string, unknown> = { ...(meta ?? {}) };
  // Without metadata, fall back to what the node id says: sidecar~IP~POD.NAMESPACE~...
  const podNs = server.identity.nodeId.split('~')[2] ?? '';
  if (m.NAMESPACE === undefined && podNs.includes('.')) m.NAMESPACE = podNs.slice(podNs.lastIndexOf('.') + 1);
  m.WORKLOAD_NAME = workloadName(m, podNs.split('.')[0]) ?? server.identity.cluster.split('.')[0];
  return peerFromMetadata(m);
}

interface ServiceLabels {
  host: string;
  name: string;
  namespace: string;
}

/** The service a cluster stands for, from Istio's cluster metadata (`filter_metadata.istio.services`). */
function serviceFromMetadata(server: ProxyServer, cluster: string | undefined): ServiceLabels | undefined {
  if (!cluster) return undefined;
  const meta = server.clusters.get(cluster)?.config.metadata as { filter_metadata?: { istio?: { services?: unknown } } } | undefined;
  const services = meta?.filter_metadata?.istio?.services;
  const first = Array.isArray(services) ? (services[0] as Record<string, unknown> | undefined) : undefined;
  if (!first || typeof first.host !== 'string') return undefined;
  const [name = 'unknown', namespace = 'unknown'] = first.host.split('.');
  return { host: first.host, name: typeof first.name === 'string' ? first.name : name, namespace: typeof first.namespace === 'string' ? first.namespace : namespace };
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local` → the service host and its parts. */
function serviceOf(cluster: string | undefined): ServiceLabels {
  if (!cluster) return { host: 'unknown', name: 'unknown', namespace: 'unknown' };
  const parts = cluster.split('|');
  const host = parts.length === 4 && parts[3] ? parts[3] : cluster;
  const [name = 'unknown', namespace = 'unknown'] = host.split('.');
  return { host, name, namespace };
}

const UNKNOWN_PEER: PeerInfo = { workload: 'unknown', namespace: 'unknown', app: 'unknown', version: 'unknown', cluster: 'unknown', key: '' };

/** Istio's connection_security_policy for an inbound request: mutual_tls when the client showed a certificate. */
function securityPolicy(stream: HttpStream): string {
  const socket = stream.req.socket as TLSSocket;
  if (!socket.encrypted) return 'none';
  // A connection's peer certificate does not change: read it once, not per request.
  let policy = policyOfSocket.get(socket);
  if (policy === undefined) {
    const cert = socket.getPeerCertificate?.();
    policy = cert && Object.keys(cert).length > 0 ? 'mutual_tls' : 'none';
    policyOfSocket.set(socket, policy);
  }
  return policy;
}

const policyOfSocket = new WeakMap<object, string>();

/** The service an inbound request addressed, from its authority (`reviews:9080` → FQDN). */
function inboundService(authority: string, namespace: string): { host: string; name: string; namespace: string } {
  const host = authority.replace(/:\d+$/, '');
  if (host === '' || /^[\d.]+$/.test(host)) return { host: 'unknown', name: 'unknown', namespace };
  const fqdn = host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;
  const [name = 'unknown', ns = namespace] = fqdn.split('.');
  return { host: fqdn, name, namespace: ns };
}

export function installIstioMetrics(server: ProxyServer, nodeMetadata: Record<string, unknown> | undefined): void {
  const self = selfInfo(server, nodeMetadata);
  if (nodeMetadata) server.metadataExchange = new MetadataExchange(server.identity.nodeId, nodeMetadata);
  const cache = new Map<string, Series>();
  const store = server.stats;

  // Most requests repeat the previous one's labels: that case is a few comparisons, without
  // building the cache key.
  let last: { inbound: boolean; policy: string; cluster: string | undefined; code: number; flags: number; peer: PeerInfo; authority: string; series: Series } | undefined;

  const series = (stream: HttpStream): Series => {
    const inbound = stream.hcm.direction === 'INBOUND';
    const policy = inbound ? securityPolicy(stream) : '';
    const peer = stream.peer ?? UNKNOWN_PEER;
    const authority = inbound ? stream.authority : '';
    const m = last;
    if (
      m !== undefined && m.inbound === inbound && m.cluster === stream.upstreamCluster && m.code === stream.responseCode &&
      m.flags === stream.responseFlags && m.peer.key === peer.key && m.policy === policy && m.authority === authority
    ) {
      return m.series;
    }
    const s = seriesFor(stream, inbound, policy, peer, authority);
    last = { inbound, policy, cluster: stream.upstreamCluster, code: stream.responseCode, flags: stream.responseFlags, peer, authority, series: s };
    return s;
  };

  const seriesFor = (stream: HttpStream, inbound: boolean, policy: string, peer: PeerInfo, authority: string): Series => {
    const flags = formatResponseFlags(stream.responseFlags);
    const key = `${inbound ? `i|${policy}` : 'o'}|${stream.upstreamCluster ?? ''}|${stream.responseCode}|${flags}|${peer.key}|${authority}`;
    let s = cache.get(key);
    if (s) return s;
    const source = inbound ? peer : self;
    const destination = inbound ? self : peer;
    const svc = serviceFromMetadata(server, stream.upstreamCluster) ?? (inbound ? inboundService(stream.authority, self.namespace) : serviceOf(stream.upstreamCluster));
    const l = (name: string, v: string) => `${name}="${escapeLabelValue(v)}"`;
    const labels = [
      l('reporter', inbound ? 'destination' : 'source'),
      l('source_workload', source.workload),
      l('source_workload_namespace', source.namespace),
      l('source_app', source.app),
      l('source_version', source.version),
      l('source_cluster', source.cluster),
      l('destination_workload', destination.workload),
      l('destination_workload_namespace', destination.namespace),
      l('destination_app', destination.app),
      l('destination_version', destination.version),
      l('destination_service', svc.host),
      l('destination_service_name', svc.name),
      l('destination_service_namespace', svc.namespace),
      l('destination_cluster', destination.cluster),
      l('request_protocol', 'http'),
      l('response_code', String(stream.responseCode)),
      l('response_flags', flags),
      l('connection_security_policy', inbound ? policy : 'unknown'),
    ].join(',');
    s = {
      requests: store.labelled('counter', 'istio_requests_total', labels),
      duration: store.histogram('istio_request_duration_milliseconds', labels),
      requestBytes: store.histogram('istio_request_bytes', labels, BYTE_BUCKETS),
      responseBytes: store.histogram('istio_response_bytes', labels, BYTE_BUCKETS),
    };
    // Bound the cache: pathological label churn must not grow memory without limit.
    if (cache.size < 10_000) cache.set(key, s);
    return s;
  };

  server.onStreamComplete = (stream) => {
    const s = series(stream);
    s.requests.value++;
    observe(s.duration, stream.durationMs);
    observe(s.requestBytes, stream.bytesReceived);
    observe(s.responseBytes, stream.bytesSent);
  };
}
