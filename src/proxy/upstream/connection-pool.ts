// The connection pool behind one host: our keep-alive HTTP/1.1 pool, or undici's H2CClient for
// cleartext HTTP/2 (loaded on first use: a proxy without HTTP/2 upstreams never pays for undici).
// Timeouts on requests are the router's job (route and per-try timeouts), so undici's own
// header/body timeouts are off; only connect_timeout and idle keep-alive apply.

import { createRequire } from 'node:module';
import type { H2CClient } from 'undici';
import type { Cluster } from '../config/cluster.js';
import type { Host } from './host.js';
import type { ClusterStats } from './cluster-stats.js';
import type { ClusterResources } from './circuit-breaker.js';
import { tlsConnector } from '../tls/upstream-connector.js';
import type { ResolvedTls } from '../tls/tls-options.js';
import { Http1Pool } from './http1-pool.js';
import type { UpstreamDispatcher } from './upstream-dispatcher.js';

let h2cClient: typeof H2CClient | undefined;

function loadH2CClient(): typeof H2CClient {
  return (h2cClient ??= createRequire(import.meta.url)('undici/lib/dispatcher/h2c-client.js') as typeof H2CClient);
}

/** A connection count the pool may open for one host. */
function poolSize(maxConnections: number): number | null {
  return maxConnections >= 1_000_000 ? null : Math.max(1, maxConnections);
}

export function createDispatcher(host: Host, cluster: Cluster, stats: ClusterStats, resources: ClusterResources, http2: boolean, tls: ResolvedTls | undefined): UpstreamDispatcher {
  const idle = cluster.protocol.idleTimeoutMs > 0 ? cluster.protocol.idleTimeoutMs : 3_600_000;
  const connectTimeout = cluster.connectTimeoutMs > 0 ? cluster.connectTimeoutMs : 5000;
  const connect = tls ? tlsConnector(tls, connectTimeout) : undefined;
  const dispatcher: UpstreamDispatcher = http2
    ? new (loadH2CClient())(`http://${host.key}`, {
        connectTimeout,
        ...(connect ? { connect } : {}),
        headersTimeout: 0,
        bodyTimeout: 0,
        keepAliveTimeout: idle,
        keepAliveMaxTimeout: Math.max(idle, 600_000),
      })
    : new Http1Pool({
        address: host.address,
        port: host.port,
        connections: poolSize(cluster.circuitBreakers.maxConnections),
        connectTimeoutMs: connectTimeout,
        connect,
        maxRequests: cluster.protocol.maxRequestsPerConnection,
        keepAliveTimeoutMs: idle,
        keepAliveMaxTimeoutMs: Math.max(idle, 600_000),
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
