// IST0109: two VirtualServices bound to the mesh gateway (sidecars) for the same host. Sidecars
// keep only one of them, so which routes apply is undefined. VirtualServices bound to ingress
// gateways merge and are not reported. exportTo scopes the clash: VirtualServices visible in
// different namespaces do not meet.
import { NETWORKING, type Analyzer, type Entry } from './context.js';
import { strings } from './fields.js';
import { hostsMatch, toFqdn } from './hosts.js';
import { ConflictingMeshGatewayVirtualServiceHosts } from './messages.js';
import { gatewaysOf } from './virtual-service-routes.js';

/** The namespaces a VirtualService is visible in: `*` for all, else the listed ones. */
function scopes(vs: Entry): string[] {
  const exportTo = strings(vs.spec.exportTo);
  if (exportTo.length === 0 || exportTo.includes('*')) return ['*'];
  return [...new Set(exportTo.map((e) => (e === '.' ? vs.namespace : e)))];
}

export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  analyze(ctx) {
    // `scope/host` → VirtualServices bound to mesh that declare the host in that scope.
    const byScopedHost = new Map<string, { scope: string; host: string; services: Entry[] }>();
    for (const vs of ctx.of(NETWORKING, 'VirtualService')) {
      if (!gatewaysOf(vs).includes('mesh')) continue;
      for (const scope of scopes(vs)) {
        for (const h of new Set(strings(vs.spec.hosts).map((x) => toFqdn(x, vs.namespace)))) {
          const key = `${scope}/${h}`;
          const slot = byScopedHost.get(key) ?? { scope, host: h, services: [] };
          slot.services.push(vs);
          byScopedHost.set(key, slot);
        }
      }
    }
    const reported = new Set<Entry>();
    for (const key of [...byScopedHost.keys()].sort()) {
      const slot = byScopedHost.get(key)!;
      let services = slot.services;
      if (slot.scope !== '*') {
        // A VirtualService exported to a namespace also meets the ones exported everywhere.
        const everywhere = [...byScopedHost.values()].filter((o) => o.scope === '*' && hostsMatch(slot.host, o.host));
        services = [...new Set([...services, ...everywhere.flatMap((o) => o.services)])];
      }
      if (services.length < 2) continue;
      const names = services.map((s) => s.fullName).sort().join(',');
      for (const vs of services) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        ctx.report(vs, ConflictingMeshGatewayVirtualServiceHosts, [names, slot.host], ['metadata', 'name']);
      }
    }
  },
};
