// Cluster circuit breakers (Envoy's ResourceManager): limits on concurrent connections, pending
// requests, requests and retries. A request that would exceed one is answered 503 with flag UO.

import type { CircuitBreakerThresholds } from '../config/cluster.js';

export class ResourceLimit {
  current = 0;
  constructor(public max: number) {}
  canCreate(): boolean {
    return this.current < this.max;
  }
  inc(): void {
    this.current++;
  }
  dec(): void {
    if (this.current > 0) this.current--;
  }
  get remaining(): number {
    return Math.max(0, this.max - this.current);
  }
}

export class ClusterResources {
  readonly connections: ResourceLimit;
  readonly pendingRequests: ResourceLimit;
  readonly requests: ResourceLimit;
  readonly retries: ResourceLimit;

  constructor(t: CircuitBreakerThresholds) {
    this.connections = new ResourceLimit(t.maxConnections);
    this.pendingRequests = new ResourceLimit(t.maxPendingRequests);
    this.requests = new ResourceLimit(t.maxRequests);
    this.retries = new ResourceLimit(t.maxRetries);
  }

  /** New thresholds apply to what is in flight now; counts carry over. */
  update(t: CircuitBreakerThresholds): void {
    this.connections.max = t.maxConnections;
    this.pendingRequests.max = t.maxPendingRequests;
    this.requests.max = t.maxRequests;
    this.retries.max = t.maxRetries;
  }
}
