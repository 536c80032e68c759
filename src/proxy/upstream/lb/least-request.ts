// LEAST_REQUEST: Envoy's power of `choice_count` choices — sample that many hosts at random and take
// the one with the fewest requests in flight. With unequal weights the samples are compared by
// (in-flight requests + 1) per unit of weight, so an idle heavy host wins over an idle light one.

import { allWeightsEqual, type LbHost, type LoadBalancer } from './load-balancer.js';

export class LeastRequestLoadBalancer<H extends LbHost> implements LoadBalancer<H> {
  private readonly weighted: boolean;

  constructor(private readonly hosts: readonly H[], private readonly choiceCount = 2) {
    this.weighted = !allWeightsEqual(hosts);
  }

  pick(): H | undefined {
    const hosts = this.hosts;
    const n = hosts.length;
    if (n === 0) return undefined;
    if (n === 1) return hosts[0];
    let best: H | undefined;
    let bestLoad = Infinity;
    for (let i = 0; i < this.choiceCount; i++) {
      const h = hosts[Math.floor(Math.random() * n)]!;
      const load = this.weighted ? (h.activeRequests + 1) / h.weight : h.activeRequests;
      if (load < bestLoad) {
        best = h;
        bestLoad = load;
      }
    }
    return best;
  }
}
