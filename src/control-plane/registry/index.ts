// The service registry: services (Kubernetes Services, ServiceEntries) and their endpoints
// (workload instances from the runtime, WorkloadEntries, inline ServiceEntry endpoints).
export type { Protocol } from './protocol.js';
export { parseProtocol, kubePortProtocol, isHttpProtocol, isHttp2Protocol, isHttpOrSniffed, isTlsProtocol } from './protocol.js';
export type { Service, ServicePort, Resolution, ServiceRegistryKind } from './service.js';
export { servicePort, labelsMatch } from './service.js';
export type { WorkloadInstance, WorkloadPort, WorkloadSource, WorkloadEvent } from './workload.js';
export { MemoryWorkloadSource, workloadKey } from './workload.js';
export type { ServiceEndpoint } from './endpoints.js';
export { DEFAULT_CLUSTER_DOMAIN, kubeServiceHostname, serviceFromKube } from './kube-service.js';
export { ServiceEntryError, servicesFromServiceEntry, workloadFromWorkloadEntry } from './service-entry.js';
export type { RegistryInput, RegistryProblem } from './service-registry.js';
export { RegistrySnapshot } from './service-registry.js';
