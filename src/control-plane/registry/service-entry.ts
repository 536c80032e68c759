// ServiceEntry → one registry Service per host, and WorkloadEntry / inline endpoints → workload
// instances, as Istio's serviceentry controller converts them
// (pilot/pkg/serviceregistry/serviceentry/conversion.go).
import type { Resource } from '../../config/resource.js';
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../model/api-types.js';
import { parseProtocol } from './protocol.js';
import type { Resolution, Service, ServicePort } from './service.js';
import type { WorkloadInstance } from './workload.js';

export class ServiceEntryError extends Error {
  constructor(readonly resource: string, readonly path: string, message: string) {
    super(`ServiceEntry ${resource}: ${path}: ${message}`);
    this.name = 'ServiceEntryError';
  }
}

function resolutionOf(resource: Resource, spec: ServiceEntrySpec): Resolution {
  switch (spec.resolution ?? 'NONE') {
    case 'NONE': return 'Passthrough';
    case 'STATIC': return 'ClientSideLB';
    case 'DNS': return 'DNSLB';
    case 'DNS_ROUND_ROBIN': return 'DNSRoundRobinLB';
    case 'DYNAMIC_DNS':
      throw new ServiceEntryError(`${resource.metadata.namespace}/${resource.metadata.name}`, 'spec.resolution', 'DYNAMIC_DNS resolution is not supported by Skiff yet');
  }
}

/** The services a ServiceEntry declares: one per host, sharing ports and resolution. */
export function servicesFromServiceEntry(resource: Resource): Service[] {
  const spec = resource.spec as ServiceEntrySpec;
  const namespace = resource.metadata.namespace ?? 'default';
  const resolution = resolutionOf(resource, spec);
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.number,
    protocol: parseProtocol(p.protocol),
    targetPort: p.targetPort,
  }));
  return spec.hosts.map((host) => ({
    hostname: host,
    name: host,
    namespace,
    ports,
    labels: resource.metadata.labels ?? {},
    selector: spec.workloadSelector?.labels,
    resolution,
    meshExternal: (spec.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL',
    registry: 'External' as const,
    addresses: spec.addresses ?? [],
    exportTo: spec.exportTo ?? [],
    subjectAltNames: spec.subjectAltNames ?? [],
    publishNotReadyAddresses: false,
    source: { kind: 'ServiceEntry' as const, name: resource.metadata.name, namespace },
    creationTimestamp: resource.metadata.creationTimestamp,
  }));
}

function instanceFromEntry(entry: WorkloadEntrySpec, name: string, namespace: string, kind: 'WorkloadEntry' | 'ServiceEntry'): WorkloadInstance {
  return {
    name,
    namespace,
    address: entry.address ?? '',
    // WorkloadEntry `ports` map a service port name to the number the workload serves it on.
    ports: Object.entries(entry.ports ?? {}).map(([portName, port]) => ({ name: portName, port })),
    labels: entry.labels ?? {},
    serviceAccount: entry.serviceAccount,
    locality: entry.locality,
    healthy: true,
    weight: entry.weight,
    kind,
  };
}

/** The inline `endpoints` of a ServiceEntry, as workload instances of that entry. */
export function serviceEntryEndpoints(resource: Resource): WorkloadInstance[] {
  const spec = resource.spec as ServiceEntrySpec;
  const namespace = resource.metadata.namespace ?? 'default';
  return (spec.endpoints ?? []).map((e, i) => instanceFromEntry(e, `${resource.metadata.name}-${i}`, namespace, 'ServiceEntry'));
}

export function workloadFromWorkloadEntry(resource: Resource): WorkloadInstance {
  return instanceFromEntry((resource.spec ?? {}) as WorkloadEntrySpec, resource.metadata.name, resource.metadata.namespace ?? 'default', 'WorkloadEntry');
}
