// IST0174 for a DestinationRule whose host matches no service, and IST0173 for a subset that
// selects no pod of its service while a route sends traffic to it: Envoy's cluster for the subset
// has no endpoints and every request gets 503 UH (no healthy upstream).
//
// Istio reports IST0173 for every empty subset, routed or not; Bookinfo's own
// destination-rule-all.yaml defines subsets (ratings v2-mysql, details v2…) for versions the
// standard install does not run, so Istio users learn to ignore the message. Skiff reports the
// subsets traffic actually reaches, where the 503 is certain.
import { NETWORKING, type Analyzer } from './context.js';
import { labelsMatch } from './fields.js';
import { destinationRules, destinationRulesFor } from './destination-rules.js';
import { hostsMatch, toFqdn, visibleFrom } from './hosts.js';
import { DestinationRuleSubsetNotSelectPods, UnknownDestinationRuleHost } from './messages.js';
import { endpointsOf, findService, meshServices } from './registry.js';
import { routeDestinations } from './virtual-service-routes.js';

export const destinationRuleSubsetsAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  analyze(ctx) {
    const services = meshServices(ctx);
    for (const dr of destinationRules(ctx)) {
      const known = services.some((s) => visibleFrom(s.exportTo, s.namespace, dr.entry.namespace) && hostsMatch(dr.host, s.host));
      if (!known) ctx.report(dr.entry, UnknownDestinationRuleHost, [dr.writtenHost], ['spec', 'host']);
    }

    const reported = new Set<string>();
    for (const vs of ctx.of(NETWORKING, 'VirtualService')) {
      for (const d of routeDestinations(vs)) {
        if (!d.subset) continue;
        const host = toFqdn(d.host, vs.namespace);
        const svc = findService(ctx, host, vs.namespace);
        if (!svc) continue; // IST0101 already says the host is unknown
        const endpoints = endpointsOf(ctx, svc);
        if (!endpoints) continue; // endpoints the configuration does not describe
        for (const dr of destinationRulesFor(ctx, host, vs.namespace)) {
          const subset = dr.subsets.find((s) => s.name === d.subset);
          if (!subset || endpoints.some((labels) => labelsMatch(subset.labels, labels))) continue;
          const key = `${dr.entry.fullName}|${subset.name}|${svc.host}`;
          if (reported.has(key)) continue;
          reported.add(key);
          ctx.report(dr.entry, DestinationRuleSubsetNotSelectPods, [subset.name], ['spec', 'subsets', subset.index, 'name']);
        }
      }
    }
  },
};

