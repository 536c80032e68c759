// VirtualService `tcp` and `tls` rules → the target of a tcp_proxy filter (Istio's
// networkfilter.go and tls.go): the first rule whose match fits the port, gateway and source
// decides; `tls` rules also pick the SNI names their filter chain matches.
import type { L4MatchAttributes, RouteDestination, TLSMatchAttributes } from '../model/api-types.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { VirtualServiceConfig } from '../model/virtual-services.js';
import { labelsMatch } from '../registry/service.js';
import { destinationCluster } from './route-translate.js';

export type TcpTarget = { cluster: string } | { weighted: { name: string; weight: number }[] };

export interface L4Context {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly gatewayNames: ReadonlySet<string>;
  /** Listener port as the rules see it: the service port, or the Gateway server port. */
  readonly port: number;
}

export function l4MatchApplies(m: L4MatchAttributes, ctx: L4Context): boolean {
  if (m.port && m.port !== ctx.port) return false;
  if (m.gateways?.length) return m.gateways.some((g) => ctx.gatewayNames.has(g));
  if (!labelsMatch(m.sourceLabels, ctx.proxy.labels)) return false;
  return !m.sourceNamespace || m.sourceNamespace === ctx.proxy.namespace;
}

export function tcpTarget(destinations: readonly RouteDestination[], ctx: L4Context): TcpTarget | undefined {
  const cluster = (d: RouteDestination) => destinationCluster(d.destination, ctx.push.serviceForHostname(ctx.proxy.namespace, d.destination.host), ctx.port);
  if (destinations.length === 0) return undefined;
  if (destinations.length === 1) return { cluster: cluster(destinations[0]!) };
  return { weighted: destinations.filter((d) => d.weight).map((d) => ({ name: cluster(d), weight: d.weight! })) };
}

/** The first `tcp` rule of these VirtualServices that applies on this port. */
export function tcpRouteTarget(vss: readonly VirtualServiceConfig[], ctx: L4Context): { target: TcpTarget; vs: VirtualServiceConfig } | undefined {
  for (const vs of vss) {
    for (const rule of vs.spec.tcp ?? []) {
      if (rule.match?.length && !rule.match.some((m) => l4MatchApplies(m, ctx))) continue;
      const target = tcpTarget(rule.route ?? [], ctx);
      if (target) return { target, vs };
    }
  }
  return undefined;
}

export interface TlsRouteChain {
  /** SNI names the filter chain matches; empty matches any. */
  readonly serverNames: string[];
  readonly target: TcpTarget;
  readonly vs: VirtualServiceConfig;
}

/**
 * One chain per `tls` rule match that applies, with its SNI hosts narrowed by `allowHosts`
 * (a Gateway server's hosts; undefined for sidecars).
 */
export function tlsRouteChains(vss: readonly VirtualServiceConfig[], ctx: L4Context, narrow: (sni: readonly string[], vs: VirtualServiceConfig) => string[]): TlsRouteChain[] {
  const out: TlsRouteChain[] = [];
  const seen = new Set<string>();
  for (const vs of vss) {
    for (const rule of vs.spec.tls ?? []) {
      const target = tcpTarget(rule.route ?? [], ctx);
      if (!target) continue;
      for (const m of rule.match ?? []) {
        if (!l4MatchApplies(m, ctx)) continue;
        const names = narrow((m as TLSMatchAttributes).sniHosts ?? [], vs).filter((n) => !seen.has(n));
        if (!names.length) continue;
        for (const n of names) seen.add(n);
        out.push({ serverNames: names, target, vs });
      }
    }
  }
  return out;
}
