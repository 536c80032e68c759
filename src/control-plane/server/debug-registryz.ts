// /debug/registryz: the service registry of the current push, as istiod's registryz lists it:
// every service with its hostname, ports and addresses, and here also the endpoints of each port
// (which workload, where it is reached, whether it is ready).
import type { PushContext } from '../model/push-context.js';
import type { Service } from '../registry/service.js';

export interface RegistryEndpoint {
  readonly port: number;
  readonly address: string;
  /** Where the proxy connects for this endpoint (the sidecar's inbound socket on the local runtime). */
  readonly endpoint_port: number;
  readonly target_port: number;
  readonly workload: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly service_account?: string;
  readonly locality?: string;
  readonly healthy: boolean;
}

export interface RegistryService {
  readonly hostname: string;
  readonly name: string;
  readonly namespace: string;
  readonly registry: string;
  readonly source: string;
  readonly resolution: string;
  readonly mesh_external: boolean;
  readonly addresses: readonly string[];
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: string; readonly target_port?: number | string }[];
  readonly labels: Readonly<Record<string, string>>;
  readonly selector?: Readonly<Record<string, string>>;
  readonly export_to: readonly string[];
  readonly endpoints: readonly RegistryEndpoint[];
}

function describe(push: PushContext, s: Service): RegistryService {
  const endpoints = s.ports.flatMap((p) => push.registry.endpoints(s, p.port).map((ep): RegistryEndpoint => ({
    port: p.port,
    address: ep.address,
    endpoint_port: ep.port,
    target_port: ep.targetPort,
    workload: ep.workload.name,
    namespace: ep.workload.namespace,
    labels: ep.workload.labels,
    ...(ep.workload.serviceAccount ? { service_account: ep.workload.serviceAccount } : {}),
    ...(ep.workload.locality ? { locality: ep.workload.locality } : {}),
    healthy: ep.workload.healthy,
  })));
  return {
    hostname: s.hostname,
    name: s.name,
    namespace: s.namespace,
    registry: s.registry,
    source: `${s.source.kind} ${s.source.namespace}/${s.source.name}`,
    resolution: s.resolution,
    mesh_external: s.meshExternal,
    addresses: s.addresses,
    ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, ...(p.targetPort !== undefined ? { target_port: p.targetPort } : {}) })),
    labels: s.labels,
    ...(s.selector ? { selector: s.selector } : {}),
    export_to: s.exportTo,
    endpoints,
  };
}

export function registryz(push: PushContext): RegistryService[] {
  return [...push.registry.services]
    .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.namespace.localeCompare(b.namespace))
    .map((s) => describe(push, s));
}
