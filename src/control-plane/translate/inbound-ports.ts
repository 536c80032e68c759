// The ports a sidecar receives traffic on: every service port its workload is an endpoint of,
// keyed by target port (Istio builds one inbound cluster and filter chain per target port).
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import type { Protocol } from '../registry/protocol.js';
import type { Service, ServicePort } from '../registry/service.js';

export interface InboundPort {
  /** The container port the service targets; names the cluster `inbound|<port>||`. */
  readonly targetPort: number;
  /** Where the application listens (the local runtime may move it off the container port). */
  readonly appPort: number;
  readonly protocol: Protocol;
  /** Every service (and its port) that targets this port. */
  readonly services: readonly { readonly service: Service; readonly port: ServicePort }[];
}

export function inboundPorts(proxy: Proxy, push: PushContext): InboundPort[] {
  const workload = proxy.workload;
  if (!workload || proxy.type !== 'sidecar') return [];
  const byTarget = new Map<number, { targetPort: number; appPort: number; protocol: Protocol; services: { service: Service; port: ServicePort }[] }>();
  for (const service of push.registry.services) {
    if (service.namespace !== workload.namespace) continue;
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      const ep = push.registry.endpoints(service, port.port).find((e) => e.workload.name === workload.name && e.workload.namespace === workload.namespace);
      if (!ep) continue;
      const existing = byTarget.get(ep.targetPort);
      if (existing) { existing.services.push({ service, port }); continue; }
      const declared = workload.ports.find((p) => p.port === ep.targetPort);
      byTarget.set(ep.targetPort, { targetPort: ep.targetPort, appPort: declared?.appPort ?? ep.targetPort, protocol: port.protocol, services: [{ service, port }] });
    }
  }
  return [...byTarget.values()].sort((a, b) => a.targetPort - b.targetPort);
}
