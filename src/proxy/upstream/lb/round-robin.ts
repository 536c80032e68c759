// ROUND_ROBIN: plain rotation when all weights are equal, smooth weighted round robin (each pick
// raises every host's credit by its weight and takes the highest) when they differ. The rotation
// starts at a random host so proxies started together do not all hit the first endpoint.

import { allWeightsEqual, type LbHost, type LoadBalancer } from './load-balancer.js';

export class RoundRobinLoadBalancer<H extends LbHost> implements LoadBalancer<H> {
  private next: number;
  private readonly weighted: boolean;
  private readonly credit: Float64Array;
  private readonly totalWeight: number;

  constructor(private readonly hosts: readonly H[]) {
    this.next = hosts.length > 0 ? Math.floor(Math.random() * hosts.length) : 0;
    this.weighted = !allWeightsEqual(hosts);
    this.credit = new Float64Array(this.weighted ? hosts.length : 0);
    this.totalWeight = hosts.reduce((s, h) => s + h.weight, 0);
  }

  pick(): H | undefined {
    const n = this.hosts.length;
    if (n === 0) return undefined;
    if (!this.weighted) {
      const h = this.hosts[this.next]!;
      this.next = (this.next + 1) % n;
      return h;
    }
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.credit[i]! += this.hosts[i]!.weight;
      if (this.credit[i]! > this.credit[best]!) best = i;
    }
    this.credit[best]! -= this.totalWeight;
    return this.hosts[best];
  }
}
