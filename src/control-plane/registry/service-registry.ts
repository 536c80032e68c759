// A snapshot of the service registry: services from Kubernetes Services and ServiceEntries, and
// the endpoints of every service port, computed from workload instances (local replicas,
// WorkloadEntries, inline ServiceEntry endpoints). Built once per push; read-only afterwards.
import type { Resource } from '../../config/resource.js';
import { computeEndpoints, serviceKey, type EndpointSources, type ServiceEndpoint } from './endpoints.js';
import { DEFAULT_CLUSTER_DOMAIN, externalNameOf, serviceFromKube } from './kube-service.js';
import { serviceEntryEndpoints, servicesFromServiceEntry, workloadFromWorkloadEntry } from './service-entry.js';
import type { Service } from './service.js';
import { workloadKey, type WorkloadInstance } from './workload.js';

export interface RegistryInput {
  /** Kubernetes `Service` resources. */
  readonly services?: readonly Resource[];
  readonly serviceEntries?: readonly Resource[];
  readonly workloadEntries?: readonly Resource[];
  /** Replicas reported by the runtime (a WorkloadSource's `list()`). */
  readonly workloads?: readonly WorkloadInstance[];
  /** The cluster's DNS domain, `cluster.local` unless configured. */
  readonly clusterDomain?: string;
}

export interface RegistryProblem {
  readonly resource: string;
  readonly message: string;
}

export class RegistrySnapshot {
  readonly services: readonly Service[];
  readonly workloads: readonly WorkloadInstance[];
  readonly clusterDomain: string;
  /** Resources that could not be turned into services; the rest of the registry still works. */
  readonly problems: readonly RegistryProblem[];
  private readonly byHost = new Map<string, Service[]>();
  private readonly workloadByKey = new Map<string, WorkloadInstance>();
  private readonly endpointCache = new Map<string, readonly ServiceEndpoint[]>();
  private readonly sources: EndpointSources;

  constructor(input: RegistryInput) {
    this.clusterDomain = input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const problems: RegistryProblem[] = [];
    const services: Service[] = [];
    const inline = new Map<string, WorkloadInstance[]>();
    const externalNames = new Map<string, string>();
    for (const r of input.services ?? []) {
      const svc = serviceFromKube(r, this.clusterDomain);
      services.push(svc);
      const external = externalNameOf(r);
      if (external) externalNames.set(serviceKey(svc), external);
    }
    for (const r of input.serviceEntries ?? []) {
      try {
        const entryServices = servicesFromServiceEntry(r);
        const endpoints = serviceEntryEndpoints(r);
        for (const s of entryServices) {
          services.push(s);
          if (endpoints.length > 0) inline.set(serviceKey(s), endpoints);
        }
      } catch (e) {
        problems.push({ resource: `ServiceEntry ${r.metadata.namespace}/${r.metadata.name}`, message: (e as Error).message });
      }
    }
    const workloads = [...(input.workloads ?? []), ...(input.workloadEntries ?? []).map(workloadFromWorkloadEntry)]
      .sort((a, b) => workloadKey(a).localeCompare(workloadKey(b)));
    // Istio orders services by creation time so the oldest wins a hostname conflict; then by name.
    services.sort((a, b) => (a.creationTimestamp ?? '').localeCompare(b.creationTimestamp ?? '')
      || a.hostname.localeCompare(b.hostname) || a.namespace.localeCompare(b.namespace));
    for (const s of services) {
      const list = this.byHost.get(s.hostname) ?? [];
      list.push(s);
      this.byHost.set(s.hostname, list);
    }
    for (const w of workloads) this.workloadByKey.set(workloadKey(w), w);
    this.services = services;
    this.workloads = workloads;
    this.problems = problems;
    this.sources = { workloads, inline, externalNames };
  }

  /** Every service with this hostname (one per namespace that declares it), oldest first. */
  servicesByHostname(hostname: string): readonly Service[] {
    return this.byHost.get(hostname) ?? [];
  }

  workload(namespace: string, name: string): WorkloadInstance | undefined {
    return this.workloadByKey.get(`${namespace}/${name}`);
  }

  /** Endpoints of a service port, healthy or not (callers filter by health). */
  endpoints(service: Service, port: number): readonly ServiceEndpoint[] {
    const key = `${serviceKey(service)}:${port}`;
    let cached = this.endpointCache.get(key);
    if (!cached) {
      const svcPort = service.ports.find((p) => p.port === port);
      cached = svcPort ? computeEndpoints(service, svcPort, this.sources) : [];
      this.endpointCache.set(key, cached);
    }
    return cached;
  }
}
