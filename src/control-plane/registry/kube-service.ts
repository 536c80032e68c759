// Kubernetes Service → registry Service, as Istio's kube controller converts them
// (pilot/pkg/serviceregistry/kube/conversion.go).
import type { Resource } from '../../config/resource.js';
import type { KubeServiceSpec } from '../model/api-types.js';
import { kubePortProtocol } from './protocol.js';
import type { Resolution, Service, ServicePort } from './service.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** `reviews.default.svc.cluster.local`. */
export function kubeServiceHostname(name: string, namespace: string, domain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}

export function serviceFromKube(resource: Resource, domain = DEFAULT_CLUSTER_DOMAIN): Service {
  const spec = (resource.spec ?? {}) as KubeServiceSpec;
  const namespace = resource.metadata.namespace ?? 'default';
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: kubePortProtocol(p.port, p.name, p.protocol, p.appProtocol),
    targetPort: p.targetPort ?? p.port,
  }));
  const headless = spec.clusterIP === 'None';
  let resolution: Resolution = 'ClientSideLB';
  if (spec.type === 'ExternalName') resolution = 'DNSLB';
  else if (headless) resolution = 'Passthrough';
  return {
    hostname: kubeServiceHostname(resource.metadata.name, namespace, domain),
    name: resource.metadata.name,
    namespace,
    ports,
    labels: resource.metadata.labels ?? {},
    // An ExternalName service has no pods; its single endpoint is the external name itself.
    selector: spec.type === 'ExternalName' ? undefined : spec.selector,
    resolution,
    meshExternal: spec.type === 'ExternalName',
    registry: 'Kubernetes',
    addresses: spec.clusterIP && !headless ? [spec.clusterIP] : [],
    exportTo: exportToAnnotation(resource.metadata.annotations),
    subjectAltNames: [],
    publishNotReadyAddresses: spec.publishNotReadyAddresses ?? false,
    source: { kind: 'Service', name: resource.metadata.name, namespace },
    creationTimestamp: resource.metadata.creationTimestamp,
  };
}

/** The external host an ExternalName service stands for. */
export function externalNameOf(resource: Resource): string | undefined {
  const spec = (resource.spec ?? {}) as KubeServiceSpec;
  return spec.type === 'ExternalName' ? spec.externalName : undefined;
}

// Istio reads a Service's visibility from the `networking.istio.io/exportTo` annotation.
function exportToAnnotation(annotations: Readonly<Record<string, string>> | undefined): string[] {
  const value = annotations?.['networking.istio.io/exportTo'];
  if (!value) return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
