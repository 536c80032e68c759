// The load balancer interface every policy implements. A balancer is built for one fixed host set
// (rebuilt when endpoints or health change), so picking does no allocation and no sorting.

export interface LbHost {
  /** `address:port`, stable across endpoint updates; consistent hashing hashes it. */
  readonly key: string;
  readonly weight: number;
  /** Requests in flight to this host (least-request reads it). */
  readonly activeRequests: number;
}

export interface LoadBalancer<H extends LbHost> {
  /**
   * A host, or undefined when the set is empty. `hash` comes from the route's hash policy (consistent
   * hashing ignores requests without one and picks at random); `attempt` > 0 asks for another host
   * on host-selection retries.
   */
  pick(hash: number | undefined, attempt: number): H | undefined;
}

export interface LoadBalancerOptions {
  choiceCount: number;
  ringMinimumSize: number;
  ringMaximumSize: number;
  maglevTableSize: number;
}

export const DEFAULT_LB_OPTIONS: LoadBalancerOptions = { choiceCount: 2, ringMinimumSize: 1024, ringMaximumSize: 8 * 1024 * 1024, maglevTableSize: 65537 };

export function allWeightsEqual(hosts: readonly LbHost[]): boolean {
  for (let i = 1; i < hosts.length; i++) if (hosts[i]!.weight !== hosts[0]!.weight) return false;
  return true;
}

/** Weighted random choice; `r` in [0, 1). */
export function weightedRandom<H extends LbHost>(hosts: readonly H[], totalWeight: number, r: number): H {
  let target = r * totalWeight;
  for (let i = 0; i < hosts.length; i++) {
    target -= hosts[i]!.weight;
    if (target < 0) return hosts[i]!;
  }
  return hosts[hosts.length - 1]!;
}
