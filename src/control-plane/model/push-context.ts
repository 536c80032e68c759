// PushContext: an immutable snapshot of everything translation needs — config resources, the
// service registry, and indexes over them — built once per push and shared by every proxy's
// generators (Istio's pilot/pkg/model/push_context.go).
import type { Resource } from '../../config/resource.js';
import { RegistrySnapshot } from '../registry/service-registry.js';
import type { Service } from '../registry/service.js';
import type { WorkloadInstance } from '../registry/workload.js';
import { DestinationRuleIndex, type ConsolidatedDestRule } from './destination-rules.js';
import { gatewayConfigs, gatewaysForLabels, mergeGateways, type GatewayConfig, type MergedGateway } from './gateways.js';
import { meshConfigWith, type MeshConfig } from './mesh-config.js';
import { PolicyIndex } from './policies.js';
import { makeProxy, parseNodeId, type Proxy, type ProxyMetadata } from './proxy.js';
import { mergeVirtualServices, VirtualServiceIndex, type ConfigProblem, type VirtualServiceConfig } from './virtual-services.js';

export interface PushInput {
  /** Every config resource (any kind); the push context picks the kinds it reads. */
  readonly configs: readonly Resource[];
  readonly workloads?: readonly WorkloadInstance[];
  readonly mesh?: Partial<MeshConfig>;
  /** Identifies this push in version_info; the builder numbers pushes. */
  readonly version?: string;
}

const ISTIO_NET = 'networking.istio.io';
const ISTIO_SEC = 'security.istio.io';

function kindOf(r: Resource): string {
  const slash = r.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : r.apiVersion.slice(0, slash);
  return group ? `${group}/${r.kind}` : r.kind;
}

export class PushContext {
  readonly version: string;
  readonly mesh: MeshConfig;
  readonly registry: RegistrySnapshot;
  readonly virtualServices: VirtualServiceIndex;
  readonly destinationRules: DestinationRuleIndex;
  readonly gateways: readonly GatewayConfig[];
  readonly policies: PolicyIndex;
  /** Config that was skipped, and why (shown by debug endpoints and `proxy-status`). */
  readonly problems: readonly ConfigProblem[];

  private constructor(input: PushInput) {
    this.version = input.version ?? '0';
    this.mesh = meshConfigWith(input.mesh);
    const byKind = new Map<string, Resource[]>();
    for (const r of input.configs) {
      const k = kindOf(r);
      const list = byKind.get(k) ?? [];
      list.push(r);
      byKind.set(k, list);
    }
    const kind = (k: string) => byKind.get(k) ?? [];
    const problems: ConfigProblem[] = [];
    this.registry = new RegistrySnapshot({
      services: kind('Service'),
      serviceEntries: kind(`${ISTIO_NET}/ServiceEntry`),
      workloadEntries: kind(`${ISTIO_NET}/WorkloadEntry`),
      workloads: input.workloads ?? [],
      clusterDomain: this.mesh.clusterDomain,
    });
    problems.push(...this.registry.problems);
    this.virtualServices = new VirtualServiceIndex(mergeVirtualServices(kind(`${ISTIO_NET}/VirtualService`), this.mesh.clusterDomain, this.mesh.defaultExportTo, problems));
    this.destinationRules = new DestinationRuleIndex(kind(`${ISTIO_NET}/DestinationRule`), this.mesh.rootNamespace, this.mesh.clusterDomain, this.mesh.defaultExportTo);
    this.gateways = gatewayConfigs(kind(`${ISTIO_NET}/Gateway`));
    this.policies = new PolicyIndex({
      peerAuthentications: kind(`${ISTIO_SEC}/PeerAuthentication`),
      authorizationPolicies: kind(`${ISTIO_SEC}/AuthorizationPolicy`),
      requestAuthentications: kind(`${ISTIO_SEC}/RequestAuthentication`),
    }, this.mesh.rootNamespace);
    this.problems = problems;
  }

  static build(input: PushInput): PushContext {
    return Object.freeze(new PushContext(input));
  }

  /** The proxy for an Envoy node id, with its workload and labels filled in from the registry. */
  proxyFor(nodeId: string, options: { labels?: Readonly<Record<string, string>>; metadata?: ProxyMetadata } = {}): Proxy {
    const parsed = parseNodeId(nodeId);
    const workload = this.registry.workload(parsed.namespace, parsed.podName);
    return makeProxy(nodeId, { workload, labels: options.labels ?? workload?.labels, metadata: options.metadata });
  }

  /** Whether `service` may be used from `namespace` (its exportTo, or the mesh default). */
  isServiceVisible(service: Service, namespace: string): boolean {
    const exportTo = service.exportTo.length ? service.exportTo : [this.mesh.defaultExportTo];
    return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && service.namespace === namespace));
  }

  /**
   * The services a proxy in `namespace` sees, one per hostname: when several namespaces declare a
   * hostname, the proxy's own namespace wins, then the oldest.
   */
  servicesFor(namespace: string): Service[] {
    const chosen = new Map<string, Service>();
    for (const s of this.registry.services) {
      if (!this.isServiceVisible(s, namespace)) continue;
      const current = chosen.get(s.hostname);
      if (!current || (s.namespace === namespace && current.namespace !== namespace)) chosen.set(s.hostname, s);
    }
    return [...chosen.values()];
  }

  serviceForHostname(namespace: string, hostname: string): Service | undefined {
    const candidates = this.registry.servicesByHostname(hostname).filter((s) => this.isServiceVisible(s, namespace));
    return candidates.find((s) => s.namespace === namespace) ?? candidates[0];
  }

  destinationRule(proxy: Pick<Proxy, 'namespace' | 'labels'>, hostname: string, serviceNamespace?: string): ConsolidatedDestRule | undefined {
    return this.destinationRules.lookup(proxy.namespace, proxy.labels, hostname, serviceNamespace);
  }

  virtualServicesForGateway(proxyNamespace: string, gateway: string): VirtualServiceConfig[] {
    return this.virtualServices.forGateway(proxyNamespace, gateway);
  }

  /** The Gateways a gateway proxy serves, merged by port. Conflicting servers are reported in `problems`. */
  mergedGateway(proxy: Pick<Proxy, 'labels'>): { merged: MergedGateway; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const merged = mergeGateways(gatewaysForLabels(this.gateways, proxy.labels), this.mesh, problems);
    return { merged, problems };
  }
}
