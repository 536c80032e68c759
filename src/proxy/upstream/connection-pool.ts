// The undici dispatcher behind one host: a keep-alive Pool for HTTP/1.1, an H2CClient for
// cleartext HTTP/2. Timeouts on requests are the router's job (route and per-try timeouts), so
// undici's own header/body timeouts are off; only connect_timeout and idle keep-alive apply.

import { H2CClient, Pool, type Dispatcher } from 'undici';
import type { Cluster } from '../config/cluster.js';
import type { Host } from './host.js';
import type { ClusterStats } from './cluster-stats.js';
import type { ClusterResources } from './circuit-breaker.js';
import { tlsConnector } from '../tls/upstream-connector.js';
import type { ResolvedTls } from '../tls/tls-options.js';

/** A connection count the pool may open for one host. */
function poolSize(maxConnections: number): number | null {
  return maxConnections >= 1_000_000 ? null : Math.max(1, maxConnections);
}

export function createDispatcher(host: Host, cluster: Cluster, stats: ClusterStats, resources: ClusterResources, http2: boolean, tls: ResolvedTls | undefined): Dispatcher {
  const origin = `http://${host.key}`;
  const idle = cluster.protocol.idleTimeoutMs > 0 ? cluster.protocol.idleTimeoutMs : 3_600_000;
  const connectTimeout = cluster.connectTimeoutMs > 0 ? cluster.connectTimeoutMs : 5000;
  const common = {
    connectTimeout,
    ...(tls ? { connect: tlsConnector(tls, connectTimeout) } : {}),
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: idle,
    keepAliveMaxTimeout: Math.max(idle, 600_000),
  };
  const dispatcher: Dispatcher =
    http2
      ? new H2CClient(origin, common)
      : new Pool(origin, {
          ...common,
          connections: poolSize(cluster.circuitBreakers.maxConnections),
          pipelining: 1,
          maxRequestsPerClient: cluster.protocol.maxRequestsPerConnection || undefined,
        });
  dispatcher.on('connect', () => {
    host.activeConnections++;
    resources.connections.inc();
    stats.cxTotal.value++;
    stats.cxActive.value++;
  });
  dispatcher.on('disconnect', () => {
    host.activeConnections = Math.max(0, host.activeConnections - 1);
    resources.connections.dec();
    stats.cxActive.value = Math.max(0, stats.cxActive.value - 1);
  });
  dispatcher.on('connectionError', () => {
    stats.cxConnectFail.value++;
  });
  return dispatcher;
}
