// DestinationRules as a sidecar finds them: for a host, the rule in the client's namespace, else
// the one the service's namespace exports, else the mesh root namespace's; within a namespace the
// most specific host wins, and rules for the same host merge (Istio's DestinationRule lookup).
import { NETWORKING, type AnalysisContext, type Entry } from './context.js';
import { at, list, num, record, str, stringMap, strings } from './fields.js';
import { clusterLocalName, hostCovers, hostSpecificity, toFqdn, visibleFrom } from './hosts.js';

export interface Subset {
  name: string;
  labels: Record<string, string>;
  index: number;
}

export interface ClientTls {
  mode: string;
  /** Field path of `mode`, to point messages at it. */
  path: (string | number)[];
}

export interface DestinationRuleInfo {
  entry: Entry;
  /** The host as a full name in the rule's namespace. */
  host: string;
  /** The host as written. */
  writtenHost: string;
  exportTo: string[];
  subsets: Subset[];
  /** trafficPolicy.tls, if it sets a mode. */
  tls?: ClientTls;
  /** trafficPolicy.portLevelSettings[].tls by port number. */
  portTls: Map<number, ClientTls>;
  /** Rules with a workloadSelector apply to the selected clients only. */
  hasWorkloadSelector: boolean;
}

function clientTls(v: unknown, path: (string | number)[]): ClientTls | undefined {
  const mode = str(record(v)?.mode);
  return mode ? { mode, path: [...path, 'mode'] } : undefined;
}

export function destinationRules(ctx: AnalysisContext): DestinationRuleInfo[] {
  return ctx.cached('destinationRules', () => ctx.of(NETWORKING, 'DestinationRule').flatMap((e) => {
    const host = str(e.spec.host);
    if (!host) return [];
    const subsets: Subset[] = [];
    list(e.spec.subsets).forEach((s, index) => {
      const name = str(record(s)?.name);
      if (name) subsets.push({ name, labels: stringMap(record(s)?.labels), index });
    });
    const portTls = new Map<number, ClientTls>();
    list(at(e.spec, 'trafficPolicy', 'portLevelSettings')).forEach((p, i) => {
      const port = num(at(p, 'port', 'number'));
      const tls = clientTls(at(p, 'tls'), ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls']);
      if (port !== undefined && tls) portTls.set(port, tls);
    });
    return [{
      entry: e,
      host: toFqdn(host, e.namespace),
      writtenHost: host,
      exportTo: strings(e.spec.exportTo),
      subsets,
      tls: clientTls(at(e.spec, 'trafficPolicy', 'tls'), ['spec', 'trafficPolicy', 'tls']),
      portTls,
      hasWorkloadSelector: record(e.spec.workloadSelector) !== undefined,
    }];
  }));
}

/** The namespace a host's service lives in, when the name says it. */
export function serviceNamespaceOf(host: string): string | undefined {
  return clusterLocalName(host)?.namespace;
}

/**
 * The DestinationRules that apply to traffic from `clientNamespace` to `host` (a full name): all
 * rules of the closest namespace that share the most specific matching host. Empty when none does.
 */
export function destinationRulesFor(ctx: AnalysisContext, host: string, clientNamespace: string): DestinationRuleInfo[] {
  const all = destinationRules(ctx).filter((dr) => !dr.hasWorkloadSelector && hostCovers(dr.host, host));
  const order = [clientNamespace, serviceNamespaceOf(host), ctx.rootNamespace].filter((n): n is string => n !== undefined);
  for (const ns of order) {
    const candidates = all.filter((dr) => dr.entry.namespace === ns && visibleFrom(dr.exportTo, ns, clientNamespace));
    if (candidates.length === 0) continue;
    const best = Math.max(...candidates.map((dr) => hostSpecificity(dr.host)));
    const bestHost = candidates.find((dr) => hostSpecificity(dr.host) === best)!.host;
    return candidates.filter((dr) => dr.host === bestHost);
  }
  return [];
}

/** The client TLS a rule sets for one port: port-level settings override the rule-wide ones. */
export function tlsForPort(dr: DestinationRuleInfo, port: number | undefined): ClientTls | undefined {
  return (port !== undefined ? dr.portTls.get(port) : undefined) ?? dr.tls;
}
