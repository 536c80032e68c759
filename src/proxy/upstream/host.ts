// One upstream endpoint of a cluster. Host objects outlive endpoint updates (matched by
// address:port) so their connection pool, in-flight count and outlier state carry over, as
// Envoy keeps hosts across EDS pushes.

import type { UpstreamDispatcher } from './upstream-dispatcher.js';
import type { Endpoint, HealthStatus, Locality } from '../config/load-assignment.js';
import type { LbHost } from './lb/load-balancer.js';
import { formatHostPort } from '../config/address.js';
import { PLAINTEXT, type TransportSocket } from '../config/tls-context.js';

export class Host implements LbHost {
  readonly key: string;
  weight: number;
  health: HealthStatus;
  priority: number;
  locality: Locality;
  localityWeight: number | undefined;
  hostname: string | undefined;
  metadata: Readonly<Record<string, unknown>> | undefined;

  activeRequests = 0;
  /** Open upstream connections (from the pool's connect/disconnect events). */
  activeConnections = 0;
  /** HTTP/1.1 pool, created on first use by the cluster; closed when the host leaves the cluster. */
  dispatcher: UpstreamDispatcher | undefined;
  /** HTTP/2 (h2c) client, for clusters that speak HTTP/2 or follow an HTTP/2 downstream. */
  h2Dispatcher: UpstreamDispatcher | undefined;
  /** Plaintext or TLS, from the cluster's transport socket (matches) for this endpoint. */
  transportSocket: TransportSocket = PLAINTEXT;

  // Outlier detection state.
  ejected = false;
  ejectionCount = 0;
  ejectedUntil = 0;
  lastUnejectedAt = 0;
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  intervalSuccesses = 0;
  intervalFailures = 0;

  // Totals shown by /clusters.
  requestsTotal = 0;
  requestsError = 0;

  constructor(readonly address: string, readonly port: number, endpoint?: Endpoint) {
    this.key = formatHostPort(address, port);
    this.weight = endpoint?.weight ?? 1;
    this.health = endpoint?.health ?? 'HEALTHY';
    this.priority = endpoint?.priority ?? 0;
    this.locality = endpoint?.locality ?? { region: '', zone: '', subZone: '' };
    this.localityWeight = endpoint?.localityWeight;
    this.hostname = endpoint?.hostname;
    this.metadata = endpoint?.metadata;
  }

  update(e: Endpoint): void {
    this.weight = e.weight;
    this.health = e.health;
    this.priority = e.priority;
    this.locality = e.locality;
    this.localityWeight = e.localityWeight;
    this.hostname = e.hostname;
    this.metadata = e.metadata;
  }

  /** Healthy per EDS (UNKNOWN counts as healthy, as in Envoy) and not ejected. */
  get healthy(): boolean {
    return !this.ejected && (this.health === 'HEALTHY' || this.health === 'UNKNOWN');
  }

  /** Envoy's /clusters health flags: `healthy`, `/failed_outlier_check`, `/failed_eds_health`. */
  get healthFlags(): string {
    const flags: string[] = [];
    if (this.ejected) flags.push('/failed_outlier_check');
    if (this.health === 'UNHEALTHY' || this.health === 'TIMEOUT') flags.push('/failed_eds_health');
    if (this.health === 'DRAINING') flags.push('/pending_dynamic_removal');
    if (this.health === 'DEGRADED') flags.push('/degraded_eds_health');
    return flags.length ? flags.join('') : 'healthy';
  }
}
