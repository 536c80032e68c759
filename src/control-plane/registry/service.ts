// The registry's view of a service: what Pilot's model.Service holds, for services that come from
// Kubernetes Service resources and from ServiceEntries alike.
import type { Protocol } from './protocol.js';

/**
 * How a client finds the service's endpoints (Istio's model.Resolution): endpoints pushed by EDS,
 * DNS resolved by the proxy, or the original destination address.
 */
export type Resolution = 'ClientSideLB' | 'DNSLB' | 'DNSRoundRobinLB' | 'Passthrough' | 'Alias';

export type ServiceRegistryKind = 'Kubernetes' | 'External';

export interface ServicePort {
  /** The port's name; ServiceEntry ports and unnamed Kubernetes ports may have none (''). */
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  /**
   * Where endpoints receive this port's traffic: a number, a container port name (Kubernetes),
   * or undefined for "the same number".
   */
  readonly targetPort?: number | string;
}

export interface Service {
  /** Fully qualified host, `reviews.default.svc.cluster.local`, or a ServiceEntry host. */
  readonly hostname: string;
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly ServicePort[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Labels selecting the workloads behind the service (Service `selector`, ServiceEntry
   * `workloadSelector.labels`); undefined when endpoints are not selected from workloads.
   */
  readonly selector?: Readonly<Record<string, string>>;
  readonly resolution: Resolution;
  readonly meshExternal: boolean;
  readonly registry: ServiceRegistryKind;
  /** Virtual IPs (ClusterIP, ServiceEntry addresses); empty when there are none. */
  readonly addresses: readonly string[];
  /** Namespaces the service is visible to (`.`, `*`, names); empty means the mesh default. */
  readonly exportTo: readonly string[];
  readonly subjectAltNames: readonly string[];
  /** Kubernetes `publishNotReadyAddresses`: unready endpoints are still sent, as UNHEALTHY. */
  readonly publishNotReadyAddresses: boolean;
  /** The resource the service came from, for messages and metadata (`Service` or `ServiceEntry`). */
  readonly source: { readonly kind: 'Service' | 'ServiceEntry'; readonly name: string; readonly namespace: string };
  readonly creationTimestamp?: string;
}

export function servicePort(service: Service, port: number): ServicePort | undefined {
  return service.ports.find((p) => p.port === port);
}

/** Every label in `selector` is present in `labels` with the same value (an empty selector matches all). */
export function labelsMatch(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}
