// The running proxy: the current snapshot, clusters, listeners, stats and access logs. Applying a
// snapshot updates clusters first (so new routes find their clusters), then swaps the snapshot
// reference, then binds or updates listeners.

import type { ProxySnapshot } from './config/snapshot.js';
import { EMPTY_SNAPSHOT } from './config/snapshot.js';
import type { ProxyContext } from './http/proxy-context.js';
import type { HttpStream } from './http/stream.js';
import type { MetadataExchange } from './telemetry/metadata-exchange.js';
import { ListenerManager, type ProxyRole } from './listener/listener-manager.js';
import { AccessLogWriter } from './telemetry/access-log-writer.js';
import { StatsStore, type Stat } from './telemetry/stats.js';
import { ClusterManager } from './upstream/cluster-manager.js';

export interface ProxyIdentity {
  role: ProxyRole;
  nodeId: string;
  cluster: string;
}

export class ProxyServer implements ProxyContext {
  current: ProxySnapshot = EMPTY_SNAPSHOT;
  readonly stats = new StatsStore();
  readonly clusters: ClusterManager;
  readonly listeners: ListenerManager;
  readonly accessLog: AccessLogWriter;
  draining = false;
  /** Whether a snapshot with listeners has been applied (admin /ready). */
  initialized = false;
  onStreamComplete?: (stream: HttpStream) => void;
  metadataExchange?: MetadataExchange;
  readonly startedAt = Date.now();
  private readonly live: Stat;
  private applying: Promise<void> = Promise.resolve();

  constructor(readonly identity: ProxyIdentity, readonly log: (msg: string) => void, accessLogCapture?: (path: string, line: string) => void) {
    this.clusters = new ClusterManager(this.stats);
    this.listeners = new ListenerManager(this, identity.role, log);
    this.accessLog = new AccessLogWriter(accessLogCapture);
    this.live = this.stats.plain('gauge', 'server.live');
    this.live.value = 1;
  }

  outboundListenerFor(host: string, port: number) {
    return this.listeners.outboundListenerFor(host, port);
  }

  /** Applies snapshots one at a time, in order. */
  apply(snapshot: ProxySnapshot): Promise<void> {
    this.applying = this.applying.then(() => this.applyNow(snapshot));
    return this.applying;
  }

  private async applyNow(snapshot: ProxySnapshot): Promise<void> {
    this.clusters.apply(snapshot);
    this.current = snapshot;
    if (this.draining) return;
    await this.listeners.apply(snapshot);
    if (snapshot.listeners.size > 0 || snapshot.versions.listener !== '') this.initialized = true;
  }

  /** Graceful drain: stop accepting, let requests in flight finish, up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.live.value = 0;
    this.listeners.drain();
    const deadline = Date.now() + timeoutMs;
    while (this.listeners.activeConnections() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.draining = true;
    this.listeners.close();
    await this.clusters.destroy();
    this.accessLog.close();
  }
}
