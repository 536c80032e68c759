// RANDOM: weighted random choice.

import { weightedRandom, type LbHost, type LoadBalancer } from './load-balancer.js';

export class RandomLoadBalancer<H extends LbHost> implements LoadBalancer<H> {
  private readonly totalWeight: number;
  constructor(private readonly hosts: readonly H[]) {
    this.totalWeight = hosts.reduce((s, h) => s + h.weight, 0);
  }
  pick(): H | undefined {
    if (this.hosts.length === 0) return undefined;
    return weightedRandom(this.hosts, this.totalWeight, Math.random());
  }
}
