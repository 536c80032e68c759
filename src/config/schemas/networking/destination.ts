// Destination (host, subset, port) and the weighted destinations of HTTP, TLS and TCP routes.
import { z } from 'zod';
import { port } from '../common.js';
import { int, issue, str, strict } from './fields.js';
import { headers } from './headers.js';
import { wildcardDomainProblem } from './hosts.js';

export const portSelector = strict({ number: port });
export type PortSelector = z.infer<typeof portSelector>;

const SUBSET_NAME_RE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Subset names become part of Envoy cluster names (`outbound|9080|v1|reviews…`): lowercase DNS
 * labels. (Istio's webhook also lets upper case through; Kubernetes-style names never use it.)
 */
export function subsetNameProblem(name: string): string | undefined {
  if (name === '') return 'subset name must not be empty';
  if (!SUBSET_NAME_RE.test(name)) return `invalid subset name "${name}": expected a DNS label (lowercase letters, digits and "-", at most 63 characters)`;
  return undefined;
}

export const destination = strict({
  host: str,
  subset: str.optional(),
  port: portSelector.optional(),
}).superRefine((d, ctx) => {
  const hostProblem = d.host === '*' ? 'destination host cannot be "*": name a service' : wildcardDomainProblem(d.host);
  if (hostProblem) issue(ctx, ['host'], hostProblem);
  if (d.subset !== undefined && d.subset !== '') {
    const problem = subsetNameProblem(d.subset);
    if (problem) issue(ctx, ['subset'], problem);
  }
});
export type Destination = z.infer<typeof destination>;

// Istio's API gives weights as percentages (0-100); its webhook only checks they are not negative,
// but a weight over 100 is always a mistake in a rule meant to add up to 100.
const weight = int({ min: 0, max: 100, what: 'a whole-number weight' });

export const httpRouteDestination = strict({
  destination,
  weight: weight.optional(),
  headers: headers.optional(),
});
export type HTTPRouteDestination = z.infer<typeof httpRouteDestination>;

export const routeDestination = strict({
  destination,
  weight: weight.optional(),
});
export type RouteDestination = z.infer<typeof routeDestination>;

/**
 * With several destinations, at least one needs a weight: Istio rejects a total of 0. (With a
 * single destination the weight is ignored and taken as 100.)
 */
export function checkWeights(routes: readonly { weight?: number }[] | undefined, ctx: z.RefinementCtx, path: readonly (string | number)[]): void {
  if (!routes || routes.length < 2) return;
  const total = routes.reduce((sum, r) => sum + (r.weight ?? 0), 0);
  if (total === 0) issue(ctx, path, 'with several destinations, the weights must add up to more than 0 (they are usually set to add up to 100)');
}
