// IST0101 for a VirtualService destination host that no Service or ServiceEntry defines (or a
// port the service does not expose), and IST0112 for a destination without port towards a
// service with several. Short names resolve in the VirtualService's namespace.
import { NETWORKING, type Analyzer } from './context.js';
import { toFqdn } from './hosts.js';
import { ReferencedResourceNotFound, VirtualServiceDestinationPortSelectorRequired } from './messages.js';
import { findService } from './registry.js';
import { routeDestinations } from './virtual-service-routes.js';

export const virtualServiceDestinationsAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  analyze(ctx) {
    for (const vs of ctx.of(NETWORKING, 'VirtualService')) {
      for (const d of routeDestinations(vs)) {
        const svc = findService(ctx, toFqdn(d.host, vs.namespace), vs.namespace);
        if (!svc) {
          ctx.report(vs, ReferencedResourceNotFound, [d.mirror ? 'mirror host' : 'host', d.host], d.path);
          continue;
        }
        if (d.port === undefined) {
          if (svc.ports.length > 1) {
            ctx.report(vs, VirtualServiceDestinationPortSelectorRequired, [d.host, svc.ports.map((p) => p.number)], d.path);
          }
        } else if (svc.ports.length > 0 && !svc.ports.some((p) => p.number === d.port)) {
          ctx.report(vs, ReferencedResourceNotFound, ['host:port', `${d.host}:${d.port}`], d.path);
        }
      }
    }
  },
};
