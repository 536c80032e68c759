// LocalityLbEndpoints for a cluster: a service port's endpoints, narrowed to a subset's labels,
// grouped by locality, with Istio's endpoint metadata (the `tlsMode` that selects the mTLS
// transport socket, and the `istio.workload` identity telemetry reads).
import type { TrafficPolicy } from '../model/api-types.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import type { ServiceEndpoint } from '../registry/endpoints.js';
import { labelsMatch, type Service } from '../registry/service.js';
import { socketAddress, type Json } from './envoy-common.js';
import { distributeWeights, failoverPriority, localityJson, parseLocality, renumberPriorities } from './locality.js';

/** `name;namespace;canonical service;canonical revision;cluster`, as Istio's endpoint metadata. */
function workloadMetadata(ep: ServiceEndpoint): string {
  const l = ep.workload.labels;
  const service = l['service.istio.io/canonical-name'] ?? l.app ?? ep.workload.name;
  const revision = l['service.istio.io/canonical-revision'] ?? l.version ?? 'latest';
  return `${ep.workload.name};${ep.workload.namespace};${service};${revision};Kubernetes`;
}

function lbEndpoint(ep: ServiceEndpoint, healthy: boolean): Json {
  const filterMetadata: Json = {};
  if (ep.workload.tlsMode === 'istio') filterMetadata['envoy.transport_socket_match'] = { tlsMode: 'istio' };
  if (ep.workload.kind !== 'ServiceEntry' || ep.workload.labels.app) filterMetadata.istio = { workload: workloadMetadata(ep) };
  return {
    endpoint: { address: socketAddress(ep.address, ep.port) },
    health_status: healthy ? 'HEALTHY' : 'UNHEALTHY',
    metadata: { filter_metadata: filterMetadata },
    load_balancing_weight: ep.workload.weight ?? 1,
  };
}

/** Endpoints that belong in the cluster: healthy ones (or all, when the service publishes unready ones) in the subset. */
export function clusterEndpoints(push: PushContext, service: Service, port: number, subsetLabels: Readonly<Record<string, string>> | undefined): ServiceEndpoint[] {
  return push.registry.endpoints(service, port).filter((ep) =>
    (ep.workload.healthy || service.publishNotReadyAddresses) && labelsMatch(subsetLabels, ep.workload.labels));
}

export interface LocalityEndpointsResult {
  readonly endpoints: Json[];
  /** `distribute` weights were applied: the cluster needs `locality_weighted_lb_config`. */
  readonly localityWeighted: boolean;
}

export function localityLbEndpoints(push: PushContext, proxy: Proxy, service: Service, port: number, subsetLabels: Readonly<Record<string, string>> | undefined, policy: TrafficPolicy | undefined): LocalityEndpointsResult {
  const eps = clusterEndpoints(push, service, port, subsetLabels);
  const groups = new Map<string, ServiceEndpoint[]>();
  for (const ep of eps) {
    const key = ep.workload.locality ?? '';
    const list = groups.get(key) ?? [];
    list.push(ep);
    groups.set(key, list);
  }
  const entries = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  const out: Json[] = entries.map(([locality, list]) => ({
    locality: localityJson(parseLocality(locality)),
    lb_endpoints: list.map((ep) => lbEndpoint(ep, ep.workload.healthy)),
    load_balancing_weight: list.reduce((sum, ep) => sum + (ep.workload.weight ?? 1), 0),
  }));
  const setting = policy?.loadBalancer?.localityLbSetting;
  const proxyLocality = proxy.workload?.locality;
  if (!proxyLocality || setting?.enabled === false || out.length === 0) return { endpoints: out, localityWeighted: false };
  const me = parseLocality(proxyLocality);
  const localities = entries.map(([l]) => parseLocality(l));
  const weights = distributeWeights(setting, me, localities);
  if (weights) {
    const kept = out.map((g, i) => ({ ...g, load_balancing_weight: weights[i] })).filter((g) => (g.load_balancing_weight as number) > 0);
    return { endpoints: kept, localityWeighted: true };
  }
  // Failover needs outlier detection to notice that nearer endpoints are gone.
  if (policy?.outlierDetection) {
    const priorities = renumberPriorities(localities.map((l) => failoverPriority(setting, me, l)));
    out.forEach((g, i) => { if (priorities[i]! > 0) g.priority = priorities[i]; });
  }
  return { endpoints: out, localityWeighted: false };
}
