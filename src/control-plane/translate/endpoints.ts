// EDS: a ClusterLoadAssignment for every EDS cluster of the proxy (Istio's endpoint builder):
// the service port's endpoints, narrowed to the subset's labels, grouped by locality.
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import type { Json } from './envoy-common.js';
import { localityLbEndpoints } from './endpoint-builder.js';
import { clusterName, parseClusterName } from './names.js';
import { effectiveTrafficPolicy } from './traffic-policy.js';

function assignment(proxy: Proxy, push: PushContext, name: string): Json | undefined {
  const parsed = parseClusterName(name);
  if (!parsed || parsed.direction !== 'outbound') return undefined;
  const service = push.serviceForHostname(proxy.namespace, parsed.hostname);
  if (!service || !service.ports.some((p) => p.port === parsed.port)) return { cluster_name: name };
  if (service.resolution !== 'ClientSideLB') return undefined;
  const dr = push.destinationRule(proxy, service.hostname, service.namespace);
  const subset = parsed.subset ? dr?.spec.subsets?.find((s) => s.name === parsed.subset) : undefined;
  // A subset no DestinationRule defines has no endpoints (Envoy then answers 503 "no healthy upstream").
  if (parsed.subset && !subset) return { cluster_name: name };
  const policy = effectiveTrafficPolicy(dr?.spec, parsed.subset || undefined, parsed.port);
  const { endpoints } = localityLbEndpoints(push, proxy, service, parsed.port, subset?.labels, policy);
  return endpoints.length ? { cluster_name: name, endpoints } : { cluster_name: name };
}

/** The names of the proxy's EDS clusters: what it subscribes to after CDS. */
export function edsClusterNames(proxy: Proxy, push: PushContext): string[] {
  const names: string[] = [];
  for (const service of push.servicesFor(proxy.namespace)) {
    if (service.resolution !== 'ClientSideLB') continue;
    const dr = push.destinationRule(proxy, service.hostname, service.namespace);
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      names.push(clusterName('outbound', undefined, service.hostname, port.port));
      for (const subset of dr?.spec.subsets ?? []) names.push(clusterName('outbound', subset.name, service.hostname, port.port));
    }
  }
  return names;
}

/**
 * ClusterLoadAssignments for `clusterNames` (Envoy asks for the EDS clusters CDS gave it), or for
 * every EDS cluster of the proxy when no names are given. Unknown names get an empty assignment,
 * as Istio answers them.
 */
export function buildEndpoints(proxy: Proxy, push: PushContext, clusterNames?: readonly string[]): Json[] {
  const names = clusterNames ?? edsClusterNames(proxy, push);
  return names.map((n): Json => assignment(proxy, push, n) ?? { cluster_name: n });
}
