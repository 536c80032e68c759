// What the HTTP layer needs from the running proxy. The snapshot is read per request through
// `current`, so a config swap (one reference assignment) takes effect for the next request.

import type { ProxySnapshot } from '../config/snapshot.js';
import type { AccessLogWriter } from '../telemetry/access-log-writer.js';
import type { StatsStore } from '../telemetry/stats.js';
import type { ClusterManager } from '../upstream/cluster-manager.js';
import type { HttpStream } from './stream.js';
import type { MetadataExchange } from '../telemetry/metadata-exchange.js';
import type { ListenerRuntime } from '../listener/listener-runtime.js';

export interface ProxyContext {
  readonly current: ProxySnapshot;
  readonly clusters: ClusterManager;
  readonly stats: StatsStore;
  readonly accessLog: AccessLogWriter;
  /** Set while draining: responses carry `connection: close` so clients move away. */
  readonly draining: boolean;
  /** The outbound (bind_to_port: false) listener for a destination, for CONNECT tunnels. */
  outboundListenerFor?(host: string, port: number): ListenerRuntime | undefined;
  /** Istio peer metadata exchange, when the proxy knows its own node metadata. */
  readonly metadataExchange?: MetadataExchange;
  /** Called once per finished HTTP stream (Istio metrics hook in here). */
  onStreamComplete?(stream: HttpStream): void;
}
