// DestinationRules by host, merged and looked up as Istio's push context does
// (setDestinationRules, mergeDestinationRule, destinationRule): a rule in the proxy's own
// namespace wins, then one exported from the service's namespace, then one from the root
// namespace; within a namespace, the most specific host wins. Rules for the same host in the same
// namespace merge: subsets are concatenated and the oldest top-level traffic policy is kept.
import type { Resource } from '../../config/resource.js';
import type { DestinationRuleSpec } from './api-types.js';
import { compareByCreation, configMeta, type ConfigMeta } from './config-meta.js';
import { mostSpecificHostMatch, resolveShortname } from './host.js';
import { labelsMatch } from '../registry/service.js';

export interface ConsolidatedDestRule {
  /** The first (oldest) DestinationRule; Envoy metadata names this one. */
  readonly meta: ConfigMeta;
  /** Every DestinationRule merged into this one. */
  readonly from: readonly ConfigMeta[];
  readonly spec: DestinationRuleSpec;
  readonly exportTo: ReadonlySet<string>;
}

type HostRules = Map<string, ConsolidatedDestRule[]>;

function sameSelector(a: DestinationRuleSpec, b: DestinationRuleSpec): boolean {
  const x = a.workloadSelector?.matchLabels ?? {};
  const y = b.workloadSelector?.matchLabels ?? {};
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k]);
}

function merge(into: HostRules, meta: ConfigMeta, spec: DestinationRuleSpec, exportTo: ReadonlySet<string>): void {
  const list = into.get(spec.host) ?? [];
  const hasSelector = !!spec.workloadSelector;
  let appendSeparately = true;
  for (let i = 0; i < list.length; i++) {
    const existing = list[i]!;
    const existingHasSelector = !!existing.spec.workloadSelector;
    if (hasSelector && existingHasSelector && !sameSelector(spec, existing.spec)) continue;
    if (hasSelector === existingHasSelector) appendSeparately = false;
    const names = new Set((existing.spec.subsets ?? []).map((s) => s.name));
    const subsets = [...(existing.spec.subsets ?? []), ...(spec.subsets ?? []).filter((s) => !names.has(s.name))];
    list[i] = {
      ...existing,
      from: [...existing.from, meta],
      spec: { ...existing.spec, subsets, trafficPolicy: existing.spec.trafficPolicy ?? spec.trafficPolicy },
    };
  }
  if (appendSeparately) list.push({ meta, from: [meta], spec, exportTo });
  into.set(spec.host, list);
}

export class DestinationRuleIndex {
  private readonly namespaceLocal = new Map<string, HostRules>();
  private readonly exportedByNamespace = new Map<string, HostRules>();
  private readonly rootNamespaceLocal: HostRules = new Map();

  constructor(resources: readonly Resource[], private readonly rootNamespace: string, domain: string, meshDefaultExportTo: string) {
    const configs = resources.map((r) => ({ meta: configMeta(r), spec: r.spec as DestinationRuleSpec }))
      // Rules with a workload selector first, then oldest first: the first top-level policy wins.
      .sort((a, b) => Number(!!b.spec.workloadSelector) - Number(!!a.spec.workloadSelector) || compareByCreation(a.meta, b.meta));
    for (const { meta, spec: raw } of configs) {
      const ns = meta.namespace;
      const spec = { ...raw, host: resolveShortname(raw.host, ns, domain) };
      // A rule with a workload selector only applies in its own namespace.
      const exportTo = new Set(spec.workloadSelector ? [ns] : (spec.exportTo ?? []).map((e) => (e === '.' ? ns : e)));
      if (exportTo.size === 0 || exportTo.has('*') || exportTo.has(ns)) {
        merge(this.hostRules(this.namespaceLocal, ns), meta, spec, exportTo);
      }
      const privateOnly = (exportTo.size === 0 && meshDefaultExportTo === '.') || (exportTo.size === 1 && exportTo.has(ns));
      if (!privateOnly) merge(this.hostRules(this.exportedByNamespace, ns), meta, spec, exportTo);
      else if (ns === rootNamespace) merge(this.rootNamespaceLocal, meta, spec, exportTo);
    }
  }

  private readonly wildcards = new WeakMap<HostRules, string[]>();

  private wildcardHosts(rules: HostRules): string[] {
    let list = this.wildcards.get(rules);
    if (!list) this.wildcards.set(rules, (list = [...rules.keys()].filter((h) => h.startsWith('*'))));
    return list;
  }

  private hostRules(map: Map<string, HostRules>, ns: string): HostRules {
    let rules = map.get(ns);
    if (!rules) map.set(ns, (rules = new Map()));
    return rules;
  }

  /**
   * The DestinationRule that applies to `hostname` (a service in `serviceNamespace`) for a proxy in
   * `proxyNamespace` with `proxyLabels`.
   */
  lookup(proxyNamespace: string, proxyLabels: Readonly<Record<string, string>>, hostname: string, serviceNamespace: string | undefined): ConsolidatedDestRule | undefined {
    const pick = (rules: HostRules | undefined, exportedTo?: string): ConsolidatedDestRule | undefined => {
      if (!rules) return undefined;
      // Exact hosts are a map lookup; only wildcard hosts need the most-specific search.
      const key = rules.has(hostname) ? hostname : mostSpecificHostMatch(hostname, this.wildcardHosts(rules));
      if (key === undefined) return undefined;
      const candidates = (rules.get(key) ?? []).filter((r) => exportedTo === undefined || r.exportTo.size === 0 || r.exportTo.has('*') || r.exportTo.has(exportedTo));
      return candidates.find((r) => r.spec.workloadSelector && labelsMatch(r.spec.workloadSelector.matchLabels, proxyLabels))
        ?? candidates.find((r) => !r.spec.workloadSelector);
    };
    const local = proxyNamespace !== this.rootNamespace ? pick(this.namespaceLocal.get(proxyNamespace)) : pick(this.rootNamespaceLocal);
    if (local) return local;
    if (serviceNamespace) {
      const fromService = pick(this.exportedByNamespace.get(serviceNamespace), proxyNamespace);
      if (fromService) return fromService;
    }
    return pick(this.exportedByNamespace.get(this.rootNamespace), proxyNamespace);
  }

  /** Every consolidated rule, for debug output. */
  all(): ConsolidatedDestRule[] {
    const seen = new Set<ConsolidatedDestRule>();
    for (const rules of [...this.namespaceLocal.values(), ...this.exportedByNamespace.values(), this.rootNamespaceLocal]) {
      for (const list of rules.values()) for (const r of list) seen.add(r);
    }
    return [...seen];
  }
}
