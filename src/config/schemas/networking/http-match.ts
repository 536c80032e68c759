// Match conditions of VirtualService routes: HTTPMatchRequest, and the L4/TLS match attributes.
import { z } from 'zod';
import { labelMap, port } from '../common.js';
import { bool, issue, list, map, str, strict } from './fields.js';
import { matchHeaderNameProblem } from './headers.js';
import { gatewayNameProblem, ipSubnetProblem, isDns1123Label } from './hosts.js';
import { checkNonEmptyPrefix, stringMatch, withoutHeaderMatch } from './string-match.js';

function checkGateways(gateways: readonly string[] | undefined, ctx: z.RefinementCtx): void {
  (gateways ?? []).forEach((g, i) => {
    const problem = gatewayNameProblem(g);
    if (problem) issue(ctx, ['gateways', i], problem);
  });
}

function checkSourceNamespace(ns: string | undefined, ctx: z.RefinementCtx): void {
  if (ns !== undefined && ns !== '' && !isDns1123Label(ns)) issue(ctx, ['sourceNamespace'], `invalid sourceNamespace "${ns}": expected a namespace name`);
}

function checkSubnets(subnets: readonly string[] | undefined, ctx: z.RefinementCtx, field: string): void {
  (subnets ?? []).forEach((s, i) => {
    const problem = ipSubnetProblem(s);
    if (problem) issue(ctx, [field, i], problem);
  });
}

export const httpMatchRequest = strict({
  name: str.optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: map(stringMatch).optional(),
  port: port.optional(),
  sourceLabels: labelMap.optional(),
  gateways: list(str).optional(),
  queryParams: map(stringMatch).optional(),
  ignoreUriCase: bool.optional(),
  withoutHeaders: map(withoutHeaderMatch).optional(),
  sourceNamespace: str.optional(),
  statPrefix: str.optional(),
}).superRefine((m, ctx) => {
  for (const field of ['scheme', 'method', 'authority'] as const) checkNonEmptyPrefix(m[field], ctx, [field]);
  for (const field of ['headers', 'withoutHeaders'] as const) {
    for (const [name, value] of Object.entries(m[field] ?? {})) {
      const problem = matchHeaderNameProblem(name);
      if (problem) issue(ctx, [field, name], problem);
      checkNonEmptyPrefix(value, ctx, [field, name]);
    }
  }
  for (const [name, value] of Object.entries(m.queryParams ?? {})) checkNonEmptyPrefix(value, ctx, ['queryParams', name]);
  checkGateways(m.gateways, ctx);
  checkSourceNamespace(m.sourceNamespace, ctx);
});
export type HTTPMatchRequest = z.infer<typeof httpMatchRequest>;

export const l4MatchAttributes = strict({
  destinationSubnets: list(str).optional(),
  port: port.optional(),
  sourceSubnet: str.optional(),
  sourceLabels: labelMap.optional(),
  gateways: list(str).optional(),
  sourceNamespace: str.optional(),
}).superRefine((m, ctx) => {
  checkSubnets(m.destinationSubnets, ctx, 'destinationSubnets');
  if (m.sourceSubnet) {
    const problem = ipSubnetProblem(m.sourceSubnet);
    if (problem) issue(ctx, ['sourceSubnet'], problem);
  }
  checkGateways(m.gateways, ctx);
  checkSourceNamespace(m.sourceNamespace, ctx);
});
export type L4MatchAttributes = z.infer<typeof l4MatchAttributes>;

/** SNI hosts are checked against the VirtualService's hosts by the VirtualService schema. */
export const tlsMatchAttributes = strict({
  sniHosts: list(str),
  destinationSubnets: list(str).optional(),
  port: port.optional(),
  sourceLabels: labelMap.optional(),
  gateways: list(str).optional(),
  sourceNamespace: str.optional(),
}).superRefine((m, ctx) => {
  if (m.sniHosts.length === 0) issue(ctx, ['sniHosts'], 'a TLS match needs at least one SNI host');
  checkSubnets(m.destinationSubnets, ctx, 'destinationSubnets');
  checkGateways(m.gateways, ctx);
  checkSourceNamespace(m.sourceNamespace, ctx);
});
export type TLSMatchAttributes = z.infer<typeof tlsMatchAttributes>;
