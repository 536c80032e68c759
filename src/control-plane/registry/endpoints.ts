// Which workload instances are a service's endpoints, and on which port each receives traffic.
import type { Service, ServicePort } from './service.js';
import { labelsMatch } from './service.js';
import type { WorkloadInstance } from './workload.js';

export interface ServiceEndpoint {
  /** Address the proxy connects to (an IP, or a DNS name for DNS-resolved services). */
  readonly address: string;
  /** Port the proxy connects to. */
  readonly port: number;
  /** The container port the service port targets (what the workload's inbound listener matches). */
  readonly targetPort: number;
  readonly servicePort: ServicePort;
  readonly workload: WorkloadInstance;
}

/**
 * The port number a workload serves a service port on. WorkloadEntries may override it by port
 * name; a named `targetPort` is looked up among the workload's named ports.
 */
export function workloadTargetPort(svcPort: ServicePort, workload: WorkloadInstance): number | undefined {
  if (typeof svcPort.targetPort === 'string') {
    return workload.ports.find((p) => p.name === svcPort.targetPort)?.port;
  }
  if (workload.kind === 'WorkloadEntry' || workload.kind === 'ServiceEntry') {
    const byName = svcPort.name ? workload.ports.find((p) => p.name === svcPort.name) : undefined;
    if (byName) return byName.port;
  }
  return svcPort.targetPort ?? svcPort.port;
}

function endpointFor(svcPort: ServicePort, workload: WorkloadInstance): ServiceEndpoint | undefined {
  const targetPort = workloadTargetPort(svcPort, workload);
  if (targetPort === undefined || workload.address === '') return undefined;
  const declared = workload.ports.find((p) => p.port === targetPort);
  return { address: workload.address, port: declared?.endpointPort ?? targetPort, targetPort, servicePort: svcPort, workload };
}

export interface EndpointSources {
  /** Pods / local replicas and WorkloadEntries, all namespaces. */
  readonly workloads: readonly WorkloadInstance[];
  /** Inline ServiceEntry endpoints, keyed by the service's hostname and namespace. */
  readonly inline: ReadonlyMap<string, readonly WorkloadInstance[]>;
  /** ExternalName targets by service hostname and namespace. */
  readonly externalNames: ReadonlyMap<string, string>;
}

export function serviceKey(s: Pick<Service, 'hostname' | 'namespace'>): string {
  return `${s.namespace}/${s.hostname}`;
}

/** Endpoints of one port of a service, in a stable order (namespace/name of the workload). */
export function computeEndpoints(service: Service, svcPort: ServicePort, sources: EndpointSources): ServiceEndpoint[] {
  const key = serviceKey(service);
  const external = sources.externalNames.get(key);
  if (external !== undefined) {
    const workload: WorkloadInstance = { name: service.name, namespace: service.namespace, address: external, ports: [], labels: {}, healthy: true };
    return [{ address: external, port: svcPort.port, targetPort: svcPort.port, servicePort: svcPort, workload }];
  }
  const inline = sources.inline.get(key);
  if (inline && inline.length > 0) {
    return inline.flatMap((w) => endpointFor(svcPort, w) ?? []);
  }
  if (service.selector !== undefined) {
    return sources.workloads
      .filter((w) => w.namespace === service.namespace && labelsMatch(service.selector, w.labels))
      .flatMap((w) => endpointFor(svcPort, w) ?? []);
  }
  // A DNS ServiceEntry with no endpoints resolves its own host name.
  if (service.registry === 'External' && (service.resolution === 'DNSLB' || service.resolution === 'DNSRoundRobinLB')) {
    const workload: WorkloadInstance = { name: service.hostname, namespace: service.namespace, address: service.hostname, ports: [], labels: {}, healthy: true, kind: 'ServiceEntry' };
    const port = typeof svcPort.targetPort === 'number' ? svcPort.targetPort : svcPort.port;
    return [{ address: service.hostname, port, targetPort: port, servicePort: svcPort, workload }];
  }
  return [];
}
