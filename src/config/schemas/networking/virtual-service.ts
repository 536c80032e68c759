// VirtualService: the routing rules for a set of hosts, and Istio's rules about how its hosts,
// gateways and HTTP/TLS/TCP routes fit together.
import { z } from 'zod';
import { issue, list, str, strict } from './fields.js';
import { checkWeights, routeDestination } from './destination.js';
import { isJwtClaimHeader } from './headers.js';
import { exportToProblems, gatewayNameProblem, hostsOverlap, hostSubsetOf, isIpAddress, wildcardDomainProblem } from './hosts.js';
import { l4MatchAttributes, tlsMatchAttributes } from './http-match.js';
import { checkHttpRouteActions, httpRoute } from './http-route.js';

export const tcpRoute = strict({
  match: list(l4MatchAttributes).optional(),
  route: list(routeDestination).optional(),
}).superRefine((r, ctx) => {
  if (!r.route?.length) issue(ctx, ['route'], 'a TCP route needs at least one destination in "route"');
  checkWeights(r.route, ctx, ['route']);
});
export type TCPRoute = z.infer<typeof tcpRoute>;

export const tlsRoute = strict({
  match: list(tlsMatchAttributes),
  route: list(routeDestination).optional(),
}).superRefine((r, ctx) => {
  if (r.match.length === 0) issue(ctx, ['match'], 'a TLS route needs at least one match with sniHosts');
  if (!r.route?.length) issue(ctx, ['route'], 'a TLS route needs at least one destination in "route"');
  checkWeights(r.route, ctx, ['route']);
});
export type TLSRoute = z.infer<typeof tlsRoute>;

/** The reserved gateway name for the sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

// Auto-generated SNI names of AUTO_PASSTHROUGH gateways: outbound_.<port>_._.<host>.
const AUTO_SNI_RE = /^outbound_\.\d+_\._\.[a-zA-Z].*$/;

export const virtualServiceSpec = strict({
  hosts: list(str).optional(),
  gateways: list(str).optional(),
  http: list(httpRoute).optional(),
  tls: list(tlsRoute).optional(),
  tcp: list(tcpRoute).optional(),
  exportTo: list(str).optional(),
}).superRefine((vs, ctx) => {
  const hosts = vs.hosts ?? [];
  const gateways = vs.gateways ?? [];
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    // A VirtualService without hosts is only reachable through another's `delegate`.
    if (gateways.length) issue(ctx, ['gateways'], 'a delegate VirtualService (one without hosts) must not set gateways: the root VirtualService binds them');
    if (vs.tls?.length) issue(ctx, ['tls'], 'a delegate VirtualService (one without hosts) cannot have tls routes');
    if (vs.tcp?.length) issue(ctx, ['tcp'], 'a delegate VirtualService (one without hosts) cannot have tcp routes');
  }
  gateways.forEach((g, i) => {
    const problem = gatewayNameProblem(g);
    if (problem) issue(ctx, ['gateways', i], problem);
  });
  const appliesToGateway = gateways.length > 0 && !gateways.includes(MESH_GATEWAY);
  const appliesToMesh = !appliesToGateway;

  let allHostsValid = true;
  const hasSni = (vs.tls ?? []).some((t) => t.match.some((m) => m.sniHosts.length > 0));
  hosts.forEach((h, i) => {
    const problem = appliesToGateway && hasSni && AUTO_SNI_RE.test(h) ? undefined : wildcardDomainProblem(h);
    if (problem && !isIpAddress(h)) {
      issue(ctx, ['hosts', i], problem);
      allHostsValid = false;
    } else if (!problem && appliesToMesh && h === '*') {
      issue(ctx, ['hosts', i], 'host "*" is not allowed for a VirtualService that applies to the mesh: bind it to a gateway or name the hosts');
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i]!, hosts[j]!)) issue(ctx, ['hosts', j], `duplicate host: "${hosts[j]}" overlaps "${hosts[i]}"`);
      }
    }
  }

  if (!vs.http?.length && !vs.tcp?.length && !vs.tls?.length) issue(ctx, [], 'a VirtualService needs "http", "tcp" or "tls" routes');

  (vs.http ?? []).forEach((r, i) => {
    checkHttpRouteActions(r, isDelegate, ctx, ['http', i]);
    if (appliesToGateway) return;
    (r.match ?? []).forEach((m, j) => {
      for (const field of ['headers', 'withoutHeaders'] as const) {
        for (const name of Object.keys(m[field] ?? {})) {
          if (isJwtClaimHeader(name)) issue(ctx, ['http', i, 'match', j, field, name], 'routing on JWT claims is only supported for VirtualServices bound to gateways');
        }
      }
    });
  });

  (vs.tls ?? []).forEach((t, i) => t.match.forEach((m, j) => m.sniHosts.forEach((sni, k) => {
    const path = ['tls', i, 'match', j, 'sniHosts', k];
    const problem = appliesToGateway && AUTO_SNI_RE.test(sni) ? undefined : wildcardDomainProblem(sni);
    // An IP address in SNI goes against the spec, but Istio lets it through.
    if (problem) {
      if (!isIpAddress(sni)) issue(ctx, path, problem);
      return;
    }
    if (!hosts.some((h) => hostSubsetOf(sni, h))) {
      issue(ctx, path, `SNI host "${sni}" is not covered by any of the VirtualService's hosts (${hosts.join(', ') || 'none'})`);
    }
  })));

  for (const { index, message } of exportToProblems(vs.exportTo ?? [], false)) issue(ctx, ['exportTo', index], message);
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpec>;

export const virtualServiceBody = strict({ spec: virtualServiceSpec, status: z.unknown().optional() });
