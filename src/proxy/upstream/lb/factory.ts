// Builds the balancer a cluster's lb_policy names.

import type { LbPolicy } from '../../config/cluster.js';
import type { LbHost, LoadBalancer, LoadBalancerOptions } from './load-balancer.js';
import { LeastRequestLoadBalancer } from './least-request.js';
import { MaglevLoadBalancer } from './maglev.js';
import { RandomLoadBalancer } from './random.js';
import { RingHashLoadBalancer } from './ring-hash.js';
import { RoundRobinLoadBalancer } from './round-robin.js';

export function createLoadBalancer<H extends LbHost>(policy: LbPolicy, hosts: readonly H[], options: LoadBalancerOptions): LoadBalancer<H> {
  switch (policy) {
    case 'LEAST_REQUEST':
      return new LeastRequestLoadBalancer(hosts, options.choiceCount);
    case 'RANDOM':
      return new RandomLoadBalancer(hosts);
    case 'RING_HASH':
      return new RingHashLoadBalancer(hosts, options.ringMinimumSize, options.ringMaximumSize);
    case 'MAGLEV':
      return new MaglevLoadBalancer(hosts, options.maglevTableSize);
    case 'ROUND_ROBIN':
    case 'CLUSTER_PROVIDED':
      return new RoundRobinLoadBalancer(hosts);
  }
}
