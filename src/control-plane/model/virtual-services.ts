// VirtualServices as the push context holds them: short names resolved in the VirtualService's
// namespace, delegate rules merged into their roots, and an index by gateway and visibility
// (Istio's MergedVirtualServices and virtualServiceIndex).
import type { Resource } from '../../config/resource.js';
import type { Destination, HTTPRoute, L4MatchAttributes, VirtualServiceSpec } from './api-types.js';
import { compareByCreation, configMeta, type ConfigMeta } from './config-meta.js';
import { mergeDelegateRoutes } from './delegate-merge.js';
import { resolveGatewayName, resolveShortname } from './host.js';

export const MESH_GATEWAY = 'mesh';

export interface VirtualServiceConfig {
  readonly meta: ConfigMeta;
  /** Hosts, destinations and gateways resolved; delegate rules merged in. */
  readonly spec: VirtualServiceSpec;
  /** Namespaces the VirtualService is visible to; contains `*` when public. */
  readonly exportTo: ReadonlySet<string>;
}

export interface ConfigProblem {
  readonly resource: string;
  readonly message: string;
}

function resolveDestination(d: Destination, ns: string, domain: string): Destination {
  return { ...d, host: resolveShortname(d.host, ns, domain) };
}

function resolveGateways(gws: readonly string[] | undefined, ns: string): string[] | undefined {
  return gws?.map((g) => resolveGatewayName(g, ns));
}

function resolveL4<T extends L4MatchAttributes>(m: T, ns: string): T {
  return m.gateways ? { ...m, gateways: resolveGateways(m.gateways, ns) } : m;
}

function resolveHttp(r: HTTPRoute, ns: string, domain: string): HTTPRoute {
  return {
    ...r,
    match: r.match?.map((m) => (m.gateways ? { ...m, gateways: resolveGateways(m.gateways, ns) } : m)),
    route: r.route?.map((d) => ({ ...d, destination: resolveDestination(d.destination, ns, domain) })),
    mirror: r.mirror ? resolveDestination(r.mirror, ns, domain) : undefined,
    mirrors: r.mirrors?.map((m) => ({ ...m, destination: resolveDestination(m.destination, ns, domain) })),
  };
}

/** Istio's ResolveVirtualServiceShortnames. */
export function resolveVirtualService(spec: VirtualServiceSpec, ns: string, domain: string): VirtualServiceSpec {
  return {
    ...spec,
    hosts: spec.hosts?.map((h) => resolveShortname(h, ns, domain)),
    gateways: resolveGateways(spec.gateways, ns),
    http: spec.http?.map((r) => resolveHttp(r, ns, domain)),
    tcp: spec.tcp?.map((r) => ({ ...r, match: r.match?.map((m) => resolveL4(m, ns)), route: r.route?.map((d) => ({ ...d, destination: resolveDestination(d.destination, ns, domain) })) })),
    tls: spec.tls?.map((r) => ({ ...r, match: r.match?.map((m) => resolveL4(m, ns)), route: r.route?.map((d) => ({ ...d, destination: resolveDestination(d.destination, ns, domain) })) })),
  };
}

/** `.` means the resource's own namespace; nothing set means the mesh default. */
export function exportToSet(exportTo: readonly string[] | undefined, ns: string, meshDefault: string): Set<string> {
  const list = exportTo?.length ? exportTo : [meshDefault];
  return new Set(list.map((e) => (e === '.' ? ns : e)));
}

/**
 * Root VirtualServices (those with hosts) with delegates merged. A delegate not found, or not
 * exported to the root's namespace, drops only the delegating rule, with a problem reported.
 */
export function mergeVirtualServices(resources: readonly Resource[], domain: string, meshDefaultExportTo: string, problems: ConfigProblem[]): VirtualServiceConfig[] {
  const all = resources.map((r) => ({ meta: configMeta(r), spec: (r.spec ?? {}) as VirtualServiceSpec }));
  const delegates = new Map(all.filter((v) => !v.spec.hosts?.length).map((v) => [`${v.meta.namespace}/${v.meta.name}`, v]));
  const out: VirtualServiceConfig[] = [];
  for (const vs of all) {
    if (!vs.spec.hosts?.length) continue;
    const ns = vs.meta.namespace;
    const resolved = resolveVirtualService(vs.spec, ns, domain);
    let http = resolved.http;
    if (resolved.http?.some((r) => r.delegate)) {
      http = resolved.http.flatMap((rule): HTTPRoute[] => {
        if (!rule.delegate) return [rule];
        const key = `${rule.delegate.namespace || ns}/${rule.delegate.name}`;
        const delegate = delegates.get(key);
        if (!delegate) {
          problems.push({ resource: `VirtualService ${ns}/${vs.meta.name}`, message: `delegate VirtualService ${key} not found` });
          return [];
        }
        const visible = exportToSet(delegate.spec.exportTo, delegate.meta.namespace, meshDefaultExportTo);
        if (!visible.has('*') && !visible.has(ns)) {
          problems.push({ resource: `VirtualService ${ns}/${vs.meta.name}`, message: `delegate VirtualService ${key} is not exported to namespace ${ns}` });
          return [];
        }
        // Delegate destinations are short names in the delegate's own namespace.
        const delegateSpec = resolveVirtualService(delegate.spec, delegate.meta.namespace, domain);
        return mergeDelegateRoutes(rule, delegateSpec.http ?? []);
      });
    }
    out.push({ meta: vs.meta, spec: { ...resolved, http }, exportTo: exportToSet(vs.spec.exportTo, ns, meshDefaultExportTo) });
  }
  return out.sort((a, b) => compareByCreation(a.meta, b.meta));
}

/** The gateways a VirtualService binds to; none listed means the sidecars (`mesh`). */
export function gatewayNames(spec: VirtualServiceSpec): readonly string[] {
  return spec.gateways?.length ? spec.gateways : [MESH_GATEWAY];
}

/**
 * VirtualServices by gateway name, filtered by visibility: Istio's VirtualServicesForGateway.
 * Those private to or exported to the proxy's namespace come first, then public ones.
 */
export class VirtualServiceIndex {
  private readonly byGateway = new Map<string, VirtualServiceConfig[]>();

  constructor(readonly all: readonly VirtualServiceConfig[]) {
    for (const vs of all) {
      for (const gw of gatewayNames(vs.spec)) {
        const list = this.byGateway.get(gw) ?? [];
        list.push(vs);
        this.byGateway.set(gw, list);
      }
    }
  }

  forGateway(proxyNamespace: string, gateway: string): VirtualServiceConfig[] {
    const candidates = this.byGateway.get(gateway) ?? [];
    const scoped = candidates.filter((v) => !v.exportTo.has('*') && v.exportTo.has(proxyNamespace));
    const publicOnes = candidates.filter((v) => v.exportTo.has('*'));
    return [...scoped, ...publicOnes];
  }
}
