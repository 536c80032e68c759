// The traffic policy in force for one cluster: a DestinationRule's top-level policy, overridden by
// its port-level settings, then by the subset's policy (Istio's MergeSubsetTrafficPolicy and
// GetPortLevelTrafficPolicy). Port-level settings replace, never inherit, the top-level blocks.
import type { DestinationRuleSpec, TrafficPolicy } from '../model/api-types.js';

function portLevel(policy: TrafficPolicy | undefined, port: number): { policy: TrafficPolicy | undefined; hasPortLevel: boolean } {
  if (!policy) return { policy: undefined, hasPortLevel: false };
  const p = policy.portLevelSettings?.find((s) => s.port?.number === port);
  if (!p) return { policy, hasPortLevel: false };
  return {
    policy: { connectionPool: p.connectionPool, outlierDetection: p.outlierDetection, loadBalancer: p.loadBalancer, tls: p.tls },
    hasPortLevel: true,
  };
}

/** The policy for a service port (no subset). */
export function portTrafficPolicy(policy: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  return portLevel(policy, port).policy;
}

/** The policy for a subset cluster on a port: subset blocks override the DestinationRule's. */
export function subsetTrafficPolicy(original: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  const base = portLevel(original, port).policy;
  if (!subset) return base;
  const { policy: sub, hasPortLevel } = portLevel(subset, port);
  if (!base) return sub;
  return {
    ...base,
    connectionPool: sub?.connectionPool || hasPortLevel ? sub?.connectionPool : base.connectionPool,
    outlierDetection: sub?.outlierDetection || hasPortLevel ? sub?.outlierDetection : base.outlierDetection,
    loadBalancer: sub?.loadBalancer || hasPortLevel ? sub?.loadBalancer : base.loadBalancer,
    tls: sub?.tls || hasPortLevel ? sub?.tls : base.tls,
  };
}

/** The policy in force for `subset` (or the whole service) on `port` under a DestinationRule. */
export function effectiveTrafficPolicy(dr: DestinationRuleSpec | undefined, subset: string | undefined, port: number): TrafficPolicy | undefined {
  if (!dr) return undefined;
  if (!subset) return portTrafficPolicy(dr.trafficPolicy, port);
  const s = dr.subsets?.find((x) => x.name === subset);
  return subsetTrafficPolicy(dr.trafficPolicy, s?.trafficPolicy, port);
}
