// DestinationRule: what happens to traffic for a host once routing has chosen it: subsets of its
// endpoints, and the traffic policy (load balancing, pools, outlier detection, TLS) for each.
import { z } from 'zod';
import { labelMap } from '../common.js';
import { issue, list, str, strict } from './fields.js';
import { subsetNameProblem } from './destination.js';
import { exportToProblems, wildcardDomainProblem } from './hosts.js';
import { trafficPolicy } from './traffic-policy.js';
import { matchLabelsSelector } from './workload-selector.js';

export const subset = strict({
  name: str,
  labels: labelMap.optional(),
  trafficPolicy: trafficPolicy.optional(),
}).superRefine((s, ctx) => {
  const problem = subsetNameProblem(s.name);
  if (problem) issue(ctx, ['name'], problem);
});
export type Subset = z.infer<typeof subset>;

export const destinationRuleSpec = strict({
  host: str,
  trafficPolicy: trafficPolicy.optional(),
  subsets: list(subset).optional(),
  exportTo: list(str).optional(),
  workloadSelector: matchLabelsSelector.optional(),
}).superRefine((dr, ctx) => {
  const hostProblem = wildcardDomainProblem(dr.host);
  if (hostProblem) issue(ctx, ['host'], hostProblem);
  const names = new Set<string>();
  (dr.subsets ?? []).forEach((s, i) => {
    if (names.has(s.name)) issue(ctx, ['subsets', i, 'name'], `duplicate subset name "${s.name}"`);
    names.add(s.name);
  });
  const exportTo = dr.exportTo ?? [];
  for (const { index, message } of exportToProblems(exportTo, false)) issue(ctx, ['exportTo', index], message);
  // A DestinationRule that selects workloads applies only inside its own namespace.
  if (dr.workloadSelector && (exportTo.length > 1 || exportTo.some((e) => e === '*' || e === '~'))) {
    issue(ctx, ['exportTo'], 'a DestinationRule with a workloadSelector can only be exported to its own namespace (".")');
  }
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpec>;

export const destinationRuleBody = strict({ spec: destinationRuleSpec, status: z.unknown().optional() });
