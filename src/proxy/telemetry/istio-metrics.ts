// Istio's standard HTTP metrics (istio_requests_total, istio_request_duration_milliseconds,
// istio_request_bytes, istio_response_bytes) recorded per finished stream. The label set is built
// once per distinct (direction, cluster, code, flags) combination and cached, so a request does a
// map lookup and a few increments.

import type { HttpStream } from '../http/stream.js';
import type { ProxyServer } from '../proxy.js';
import { formatResponseFlags } from './response-flags.js';
import { escapeLabelValue, observe, type Histogram, type Stat } from './stats.js';

interface Series {
  requests: Stat;
  duration: Histogram;
  requestBytes: Histogram;
  responseBytes: Histogram;
}

const BYTE_BUCKETS = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];

interface SelfInfo {
  workload: string;
  namespace: string;
  app: string;
  version: string;
  cluster: string;
}

function readSelf(server: ProxyServer, meta: Record<string, unknown> | undefined): SelfInfo {
  const labels = (meta?.LABELS ?? {}) as Record<string, unknown>;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  const idParts = server.identity.nodeId.split('~');
  const podNs = idParts[2] ?? '';
  const namespace = str(meta?.NAMESPACE, podNs.includes('.') ? podNs.slice(podNs.lastIndexOf('.') + 1) : 'unknown');
  return {
    workload: str(meta?.WORKLOAD_NAME, server.identity.cluster.split('.')[0] || 'unknown'),
    namespace,
    app: str(labels['app'] ?? labels['app.kubernetes.io/name'], 'unknown'),
    version: str(labels['version'] ?? labels['app.kubernetes.io/version'], 'unknown'),
    cluster: str(meta?.CLUSTER_ID, 'Kubernetes'),
  };
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local` → the service host and its parts. */
function serviceOf(cluster: string | undefined): { host: string; name: string; namespace: string } {
  if (!cluster) return { host: 'unknown', name: 'unknown', namespace: 'unknown' };
  const parts = cluster.split('|');
  const host = parts.length === 4 && parts[3] ? parts[3] : cluster;
  const [name = 'unknown', namespace = 'unknown'] = host.split('.');
  return { host, name, namespace };
}

export function installIstioMetrics(server: ProxyServer, nodeMetadata: Record<string, unknown> | undefined): void {
  const self = readSelf(server, nodeMetadata);
  const cache = new Map<string, Series>();
  const store = server.stats;

  const series = (stream: HttpStream): Series => {
    const inbound = stream.hcm.direction === 'INBOUND';
    const flags = formatResponseFlags(stream.responseFlags);
    const key = `${inbound ? 'i' : 'o'}|${stream.upstreamCluster ?? ''}|${stream.responseCode}|${flags}`;
    let s = cache.get(key);
    if (s) return s;
    const svc = inbound ? { host: stream.authority.split(':')[0] ?? 'unknown', name: self.app, namespace: self.namespace } : serviceOf(stream.upstreamCluster);
    const l = (name: string, v: string) => `${name}="${escapeLabelValue(v)}"`;
    const labels = [
      l('reporter', inbound ? 'destination' : 'source'),
      l('source_workload', inbound ? 'unknown' : self.workload),
      l('source_workload_namespace', inbound ? 'unknown' : self.namespace),
      l('source_app', inbound ? 'unknown' : self.app),
      l('source_version', inbound ? 'unknown' : self.version),
      l('source_cluster', inbound ? 'unknown' : self.cluster),
      l('destination_workload', inbound ? self.workload : 'unknown'),
      l('destination_workload_namespace', inbound ? self.namespace : svc.namespace),
      l('destination_app', inbound ? self.app : 'unknown'),
      l('destination_version', inbound ? self.version : 'unknown'),
      l('destination_service', svc.host),
      l('destination_service_name', svc.name),
      l('destination_service_namespace', svc.namespace),
      l('destination_cluster', inbound ? self.cluster : 'unknown'),
      l('request_protocol', 'http'),
      l('response_code', String(stream.responseCode)),
      l('response_flags', flags),
      l('connection_security_policy', inbound ? 'none' : 'unknown'),
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
