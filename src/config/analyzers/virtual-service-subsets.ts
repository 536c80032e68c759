// IST0101 for a route naming a subset that the DestinationRule for its host does not define:
// Envoy would have no such cluster and the request gets a 503. The rule looked up is the one a
// sidecar in the VirtualService's namespace would use.
import { NETWORKING, type Analyzer } from './context.js';
import { destinationRulesFor } from './destination-rules.js';
import { toFqdn } from './hosts.js';
import { ReferencedResourceNotFound } from './messages.js';
import { routeDestinations } from './virtual-service-routes.js';

export const virtualServiceSubsetsAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  analyze(ctx) {
    for (const vs of ctx.of(NETWORKING, 'VirtualService')) {
      for (const d of routeDestinations(vs)) {
        if (!d.subset) continue;
        const rules = destinationRulesFor(ctx, toFqdn(d.host, vs.namespace), vs.namespace);
        if (rules.some((dr) => dr.subsets.some((s) => s.name === d.subset))) continue;
        const reftype = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule';
        ctx.report(vs, ReferencedResourceNotFound, [reftype, `${d.host}+${d.subset}`], [...d.path.slice(0, -1), 'subset']);
      }
    }
  },
};
