// envoy.filters.network.tcp_proxy: a connection is piped to a host of the chosen cluster. Connect
// failures are retried up to max_connect_attempts; an idle connection closes after idle_timeout.

import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TcpProxyConfig } from '../config/listener.js';
import type { ClusterManager } from '../upstream/cluster-manager.js';
import type { Host } from '../upstream/host.js';
import type { UpstreamCluster } from '../upstream/upstream-cluster.js';
import type { OriginalDestination } from '../http/stream.js';
import type { AccessLogWriter } from '../telemetry/access-log-writer.js';
import { TcpSessionInfo } from '../telemetry/tcp-session-info.js';
import { ResponseFlag } from '../telemetry/response-flags.js';

export class TcpProxy {
  constructor(private readonly config: TcpProxyConfig, private readonly clusters: ClusterManager, private readonly accessLog: AccessLogWriter) {}

  private pickCluster(): UpstreamCluster | undefined {
    const list = this.config.clusters;
    let name = list[0]!.name;
    if (list.length > 1) {
      let r = Math.random() * this.config.totalWeight;
      for (const c of list) {
        r -= c.weight;
        if (r < 0) {
          name = c.name;
          break;
        }
      }
    }
    return this.clusters.get(name);
  }

  /** Proxies `downstream` (an accepted socket or CONNECT tunnel); `head` is data already read. */
  handle(downstream: Duplex, destination: OriginalDestination | undefined, head?: Buffer): void {
    const info = new TcpSessionInfo(downstream);
    if (this.config.accessLogs.length > 0) {
      downstream.once('close', () => {
        info.finish();
        this.accessLog.log(this.config.accessLogs, info);
      });
    }
    const cluster = this.pickCluster();
    if (!cluster) {
      info.responseFlags |= ResponseFlag.NoClusterFound;
      downstream.destroy();
      return;
    }
    info.upstreamCluster = cluster.name;
    downstream.pause();
    downstream.on('data', (c: Buffer) => {
      info.bytesReceived += c.length;
    });
    this.attempt(downstream, cluster, destination, head, 1, info);
  }

  private attempt(downstream: Duplex, cluster: UpstreamCluster, destination: OriginalDestination | undefined, head: Buffer | undefined, n: number, info: TcpSessionInfo): void {
    let host: Host | undefined;
    if (cluster.config.type === 'ORIGINAL_DST') host = destination ? cluster.originalDstHost(destination.host, destination.port) : undefined;
    else host = cluster.chooseHost(undefined, n - 1);
    if (!host || !cluster.resources.connections.canCreate()) {
      if (!host) cluster.stats.cxNoneHealthy.value++;
      info.responseFlags |= host ? ResponseFlag.UpstreamOverflow : ResponseFlag.NoHealthyUpstream;
      downstream.destroy();
      return;
    }
    const h = host;
    info.upstreamHost = h.key;
    info.attemptCount = n;
    const upstream: Socket = connect({ host: h.address, port: h.port });
    upstream.setTimeout(cluster.config.connectTimeoutMs);
    let connected = false;
    cluster.stats.cxTotal.value++;
    upstream.once('timeout', () => {
      if (!connected) upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    });
    upstream.once('connect', () => {
      connected = true;
      h.activeConnections++;
      cluster.resources.connections.inc();
      cluster.stats.cxActive.value++;
      cluster.outlier?.reportLocalOriginSuccess(h);
      upstream.setTimeout(this.config.idleTimeoutMs);
      upstream.on('timeout', () => upstream.destroy());
      if (head && head.length > 0) upstream.write(head);
      upstream.on('data', (c: Buffer) => {
        info.bytesSent += c.length;
      });
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.resume();
    });
    upstream.on('error', () => {
      if (connected) return;
      cluster.stats.cxConnectFail.value++;
      cluster.outlier?.reportLocalOriginFailure(h, 'connect-failure');
      if (n < this.config.maxConnectAttempts && !downstream.destroyed) this.attempt(downstream, cluster, destination, head, n + 1, info);
      else {
        info.responseFlags |= ResponseFlag.UpstreamConnectionFailure;
        downstream.destroy();
      }
    });
    upstream.on('close', () => {
      if (connected) {
        h.activeConnections--;
        cluster.resources.connections.dec();
        cluster.stats.cxActive.value--;
        downstream.destroy();
      }
    });
    downstream.on('error', () => upstream.destroy());
    downstream.on('close', () => upstream.destroy());
  }
}
