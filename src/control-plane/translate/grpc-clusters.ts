// CDS for proxyless gRPC clients (Istio's grpcgen/cds.go). gRPC asks for the clusters its routes
// name, one by one: each is a plain EDS cluster read over ADS, with the load balancer the
// DestinationRule asks for as far as gRPC has it (round robin, or ring hash for consistent
// hashing). Subset clusters exist only for subsets a DestinationRule defines.
import type { LoadBalancerSettings, TrafficPolicy } from '../model/api-types.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import { adsConfigSource, type Json } from './envoy-common.js';
import { clusterName, parseClusterName } from './names.js';
import type { TranslationProblem } from './route-policies.js';
import { effectiveTrafficPolicy } from './traffic-policy.js';

/** gRPC's ring hash refuses rings above 8M entries (gRFC A42). */
const MAX_RING_SIZE = 8388608;

function applyGrpcLoadBalancer(cluster: Json, lb: LoadBalancerSettings | undefined, resource: string, problems: TranslationProblem[]): void {
  cluster.lb_policy = 'ROUND_ROBIN';
  if (lb?.simple && lb.simple !== 'ROUND_ROBIN' && lb.simple !== 'UNSPECIFIED') {
    problems.push({ resource, message: `loadBalancer.simple ${lb.simple} is not available in gRPC clients; they balance round robin` });
  }
  const hash = lb?.consistentHash;
  if (!hash) return;
  if (hash.maglev) problems.push({ resource, message: 'gRPC clients have no Maglev load balancer; they use a ring hash instead' });
  const size = hash.ringHash?.minimumRingSize || hash.minimumRingSize || 1024;
  cluster.lb_policy = 'RING_HASH';
  cluster.ring_hash_lb_config = { minimum_ring_size: String(Math.min(size, MAX_RING_SIZE)) };
}

function grpcCluster(name: string, policy: TrafficPolicy | undefined, resource: string, problems: TranslationProblem[]): Json {
  const cluster: Json = { name, type: 'EDS', eds_cluster_config: { eds_config: adsConfigSource(), service_name: name } };
  applyGrpcLoadBalancer(cluster, policy?.loadBalancer, resource, problems);
  // gRPC takes TLS only from certificate providers named in its bootstrap, which Skiff does not
  // write yet: rather than a context the client would reject, the cluster stays plaintext.
  const mode = policy?.tls?.mode;
  if (mode && mode !== 'DISABLE') problems.push({ resource, message: `tls mode ${mode} towards proxyless gRPC clients is not supported by Skiff yet; they connect in plaintext` });
  return cluster;
}

/** Default and subset cluster names of every visible HTTP-family service port. */
function allClusterNames(proxy: Proxy, push: PushContext): string[] {
  const names: string[] = [];
  for (const service of push.servicesFor(proxy.namespace)) {
    const dr = push.destinationRule(proxy, service.hostname, service.namespace);
    for (const port of service.ports) {
      if (!isHttpOrSniffed(port.protocol)) continue;
      names.push(clusterName('outbound', undefined, service.hostname, port.port));
      for (const subset of dr?.spec.subsets ?? []) names.push(clusterName('outbound', subset.name, service.hostname, port.port));
    }
  }
  return names;
}

/**
 * Clusters for `names`, or for every cluster when no names are given. A default cluster is
 * answered even for a host the registry does not know (its EDS is then empty, as Istio does); a
 * subset no DestinationRule defines gets no cluster.
 */
export function buildGrpcClusters(proxy: Proxy, push: PushContext, names: readonly string[] | undefined, problems: TranslationProblem[]): Json[] {
  const out: Json[] = [];
  for (const name of names ?? allClusterNames(proxy, push)) {
    const parsed = parseClusterName(name);
    if (!parsed || parsed.direction !== 'outbound') {
      problems.push({ resource: `cluster ${name}`, message: 'proxyless gRPC clusters are outbound cluster keys (outbound|PORT|SUBSET|HOST); nothing generated' });
      continue;
    }
    const service = push.serviceForHostname(proxy.namespace, parsed.hostname);
    const dr = push.destinationRule(proxy, parsed.hostname, service?.namespace);
    if (parsed.subset && !dr?.spec.subsets?.some((s) => s.name === parsed.subset)) continue;
    const resource = dr ? `DestinationRule ${dr.meta.namespace}/${dr.meta.name} (cluster ${name})` : `cluster ${name}`;
    out.push(grpcCluster(name, effectiveTrafficPolicy(dr?.spec, parsed.subset || undefined, parsed.port), resource, problems));
  }
  return out;
}
