// IST0101 for a VirtualService naming a gateway that does not exist, and IST0132 for one whose
// hosts the gateway does not serve. `mesh` is the implicit gateway of every sidecar.
import { GATEWAY_API, NETWORKING, type Analyzer, type AnalysisContext, type Entry } from './context.js';
import { list, record, str, strings } from './fields.js';
import { hostsMatch } from './hosts.js';
import { ReferencedResourceNotFound, VirtualServiceHostNotFoundInGateway } from './messages.js';

/** `ns/name`, or a short name resolved in the VirtualService's namespace. */
function gatewayFullName(ref: string, vsNamespace: string): string {
  return ref.includes('/') ? ref : `${vsNamespace}/${ref}`;
}

/**
 * The hosts a gateway's servers admit for VirtualServices of `vsNamespace`. Server hosts may be
 * written `namespace/host`: `./host` is the gateway's own namespace, `*\/host` any namespace.
 */
function gatewayHostsFor(gw: Entry, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const server of list(gw.spec.servers)) {
    for (const h of strings(record(server)?.hosts)) {
      const slash = h.indexOf('/');
      if (slash < 0) { out.push(h); continue; }
      const ns = h.slice(0, slash);
      const host = h.slice(slash + 1);
      if (ns === '*' || ns === vsNamespace || (ns === '.' && gw.namespace === vsNamespace)) out.push(host);
    }
  }
  return out;
}

function kubernetesGatewayAdmits(gw: Entry, vsHosts: string[]): boolean {
  const listeners = list(gw.spec.listeners).map((l) => str(record(l)?.hostname));
  // A listener without hostname accepts every host.
  if (listeners.some((h) => !h)) return true;
  return listeners.some((h) => vsHosts.some((v) => hostsMatch(h!, v)));
}

function analyzeVirtualService(ctx: AnalysisContext, vs: Entry, istioGateways: Map<string, Entry>, kubeGateways: Map<string, Entry>): void {
  const vsHosts = strings(vs.spec.hosts);
  strings(vs.spec.gateways).forEach((ref, i) => {
    if (ref === 'mesh') return;
    const full = gatewayFullName(ref, vs.namespace);
    const istioGw = istioGateways.get(full);
    const kubeGw = istioGw ? undefined : kubeGateways.get(full);
    if (!istioGw && !kubeGw) {
      ctx.report(vs, ReferencedResourceNotFound, ['gateway', ref], ['spec', 'gateways', i]);
      return;
    }
    const admitted = istioGw
      ? gatewayHostsFor(istioGw, vs.namespace).some((gh) => vsHosts.some((vh) => hostsMatch(gh, vh)))
      : kubernetesGatewayAdmits(kubeGw!, vsHosts);
    if (!admitted) ctx.report(vs, VirtualServiceHostNotFoundInGateway, [vsHosts, vs.fullName, full], ['spec', 'gateways', i]);
  });
}

export const virtualServiceGatewaysAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  analyze(ctx) {
    const istioGateways = new Map(ctx.of(NETWORKING, 'Gateway').map((g) => [g.fullName, g]));
    const kubeGateways = new Map(ctx.of(GATEWAY_API, 'Gateway').map((g) => [g.fullName, g]));
    for (const vs of ctx.of(NETWORKING, 'VirtualService')) analyzeVirtualService(ctx, vs, istioGateways, kubeGateways);
  },
};
