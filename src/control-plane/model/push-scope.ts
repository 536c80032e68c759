// How far a change reaches, so the push builder can ask for less than a full push (Istio's
// serviceentry controller and EDSUpdate): a ServiceEntry whose only change is where its inline
// endpoints are needs new endpoints (EDS) and nothing else, and a workload that moved changes the
// endpoints of the services it belongs to.
import type { Resource } from '../../config/resource.js';
import type { PushContext } from './push-context.js';
import { canonicalJson } from './canonical-json.js';

interface ServiceEntryShape {
  readonly hosts?: unknown;
  readonly resolution?: unknown;
  readonly endpoints?: unknown;
}

/** Everything about a ServiceEntry that translation reads, except where its endpoints are. */
function withoutEndpointPlacement(r: Resource): string {
  const { endpoints, ...spec } = (r.spec ?? {}) as ServiceEntryShape & Record<string, unknown>;
  const count = Array.isArray(endpoints) ? endpoints.length : 0;
  const { name, namespace, labels, annotations } = r.metadata;
  return canonicalJson({ apiVersion: r.apiVersion, kind: r.kind, name, namespace, labels, annotations, spec, endpointCount: count });
}

/**
 * The hosts of a ServiceEntry whose update moved only its inline endpoints (addresses, ports,
 * labels, weights, localities of the same number of endpoints), or undefined when anything else
 * changed. Only STATIC resolution qualifies: DNS clusters carry their endpoints in CDS. The number
 * of endpoints must stay, as it names the endpoint instances (`<entry>-<index>`).
 */
export function serviceEntryEndpointsOnly(previous: Resource, current: Resource): string[] | undefined {
  if (previous.kind !== 'ServiceEntry' || current.kind !== 'ServiceEntry') return undefined;
  const before = (previous.spec ?? {}) as ServiceEntryShape;
  const after = (current.spec ?? {}) as ServiceEntryShape;
  if (before.resolution !== 'STATIC' || after.resolution !== 'STATIC') return undefined;
  if (!Array.isArray(after.hosts) || !after.hosts.every((h) => typeof h === 'string')) return undefined;
  if (withoutEndpointPlacement(previous) !== withoutEndpointPlacement(current)) return undefined;
  return after.hosts as string[];
}

/** Hostnames of the services that have one of the workloads (`namespace/name`) as an endpoint. */
export function servicesOfWorkloads(push: PushContext, workloads: ReadonlySet<string>): Set<string> {
  const hosts = new Set<string>();
  if (workloads.size === 0) return hosts;
  for (const service of push.registry.services) {
    const member = service.ports.some((port) =>
      push.registry.endpoints(service, port.port).some((ep) => workloads.has(`${ep.workload.namespace}/${ep.workload.name}`)));
    if (member) hosts.add(service.hostname);
  }
  return hosts;
}
