// `skiff proxy`: starts one proxy process (sidecar or gateway). Config comes from the control
// plane over ADS (`xdsAddress`), or from a ProxyConfigSource given directly (tests, embedding).

import type { AddressInfo } from 'node:net';
import { startAdminServer, type AdminServer } from './admin/admin-server.js';
import type { ProxyConfigSource } from './config-source.js';
import type { ProxyRole } from './listener/listener-manager.js';
import { ProxyServer } from './proxy.js';
import { installIstioMetrics } from './telemetry/istio-metrics.js';

export interface StartProxyOptions {
  role: ProxyRole;
  /** Istio node id: `sidecar~10.0.0.1~productpage-v1-x.default~default.svc.cluster.local`. */
  nodeId: string;
  /** Node cluster (Istio: `<workload>.<namespace>`); defaults to the id's workload part. */
  nodeCluster?: string;
  /** Node metadata sent to the control plane (Istio's NAMESPACE, LABELS, …). */
  nodeMetadata?: Record<string, unknown>;
  /** `host:port` of the ADS server; required unless `configSource` is given. */
  xdsAddress?: string;
  configSource?: ProxyConfigSource;
  /** Admin server port on `adminAddress` (0 picks a free port); omit for no admin server. */
  adminPort?: number;
  adminAddress?: string;
  /** How long SIGTERM / quitquitquit waits for requests in flight (default 5 s). */
  drainTimeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers that drain and stop the proxy (the `skiff proxy` process does). */
  handleSignals?: boolean;
  log?: (msg: string) => void;
  /** Receives access log lines instead of the configured files (tests). */
  accessLogCapture?: (path: string, line: string) => void;
}

export interface RunningProxy {
  readonly server: ProxyServer;
  readonly admin: AdminServer | undefined;
  adminAddress(): AddressInfo | undefined;
  /** The port a bound listener really uses (listeners configured with port 0 get one). */
  listenerAddress(name: string): AddressInfo | undefined;
  /** Resolves once the first snapshot with listeners has been applied. */
  ready(timeoutMs?: number): Promise<void>;
  /** Drains (stop accepting, finish requests in flight) then stops. */
  shutdown(): Promise<void>;
  /** Stops at once. */
  stop(): Promise<void>;
}

function defaultCluster(nodeId: string): string {
  // sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local → the pod's workload name is not in the id;
  // Istio sends the workload name separately. Use POD.NAMESPACE's namespace-qualified pod name.
  const parts = nodeId.split('~');
  return parts[2] ?? nodeId;
}

export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? ((msg: string) => process.stderr.write(`[skiff proxy ${options.nodeId}] ${msg}\n`));
  if (!options.configSource && !options.xdsAddress) throw new Error('startProxy: give xdsAddress (the control plane) or configSource');
  const server = new ProxyServer({ role: options.role, nodeId: options.nodeId, cluster: options.nodeCluster ?? defaultCluster(options.nodeId) }, log, options.accessLogCapture);
  installIstioMetrics(server, options.nodeMetadata);
  // The ADS client (gRPC, the Envoy protos) is loaded only when the proxy talks to a control plane:
  // a proxy on a static configuration does without its memory.
  const source: ProxyConfigSource =
    options.configSource ??
    new (await import('./xds-client/ads-config-source.js')).AdsConfigSource({
      address: options.xdsAddress!,
      node: { id: options.nodeId, cluster: options.nodeCluster ?? defaultCluster(options.nodeId), metadata: options.nodeMetadata },
      log,
      stats: server.stats,
    });
  let admin: AdminServer | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await source.stop();
    await admin?.close();
    await server.close();
  };
  const shutdown = async () => {
    if (stopped) return;
    await server.drain(options.drainTimeoutMs ?? 5000);
    await stop();
  };
  if (options.adminPort !== undefined) {
    admin = await startAdminServer({ server, source, address: options.adminAddress ?? '127.0.0.1', port: options.adminPort, onQuit: shutdown });
  }
  source.start((snapshot) => server.apply(snapshot));
  if (options.handleSignals) {
    const onSignal = () => {
      void shutdown().then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return {
    server,
    admin,
    adminAddress: () => admin?.address(),
    listenerAddress: (name) => server.listeners.boundAddress(name),
    async ready(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!server.initialized) {
        if (Date.now() > deadline) throw new Error(`proxy ${options.nodeId} did not receive its listeners within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    shutdown,
    stop,
  };
}
