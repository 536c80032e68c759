// The proxy a push is generated for, identified by its Envoy node id as Istio's agent writes it:
// `sidecar~10.1.2.3~reviews-v1-abc.default~default.svc.cluster.local` (type~IP~POD.NS~DNS domain).
import type { WorkloadInstance } from '../registry/workload.js';

import { parseNodeId, type ProxyType } from '../../xds/node-id.js';

export { ProxyIdError, nodeId, parseNodeId, type ParsedNodeId, type ProxyType } from '../../xds/node-id.js';

export interface ProxyMetadata {
  /** `HTTP_PROXY_PORT`: the sidecar serves an explicit HTTP proxy listener on this port. */
  readonly httpProxyPort?: number;
  /** `INTERCEPTION_MODE`: NONE means no capture listeners (virtualOutbound/virtualInbound). */
  readonly interceptionMode?: 'REDIRECT' | 'TPROXY' | 'NONE';
  /**
   * `SKIFF_BIND_ADDRESS`: where a gateway on Skiff's local runtime binds its listeners instead of
   * 0.0.0.0 (loopback, so a laptop's mesh is not exposed to its network).
   */
  readonly bindAddress?: string;
  /**
   * `SKIFF_PORT_MAP`: gateway server port → the port it is really served on, so several meshes
   * share one machine. Unmapped ports below 1024 are served at port+8000 (80 → 8080), as Istio's
   * own gateway deployment maps them.
   */
  readonly portMap?: Readonly<Record<number, number>>;
}

/** The port a gateway server port is served on, honouring the local runtime's map. */
export function servedPort(metadata: ProxyMetadata, port: number): number {
  const mapped = metadata.portMap?.[port];
  if (mapped !== undefined) return mapped;
  return metadata.bindAddress !== undefined && port < 1024 ? port + 8000 : port;
}

export interface Proxy {
  readonly id: string;
  readonly type: ProxyType;
  readonly ipAddresses: readonly string[];
  /** Pod (replica) name. */
  readonly podName: string;
  /** The namespace whose config applies to the proxy. */
  readonly namespace: string;
  /** `default.svc.cluster.local`: short names the app uses resolve against it. */
  readonly dnsDomain: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The workload instance the proxy fronts, when the registry knows it. */
  readonly workload?: WorkloadInstance;
  readonly metadata: ProxyMetadata;
}

export interface ProxyOptions {
  /** Workload labels; from node metadata `LABELS` or the registry. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly workload?: WorkloadInstance;
  readonly metadata?: ProxyMetadata;
}

export function makeProxy(id: string, options: ProxyOptions = {}): Proxy {
  const parsed = parseNodeId(id);
  return {
    id,
    type: parsed.type,
    ipAddresses: [parsed.ip],
    podName: parsed.podName,
    namespace: parsed.namespace,
    dnsDomain: parsed.dnsDomain,
    labels: options.labels ?? options.workload?.labels ?? {},
    workload: options.workload,
    metadata: options.metadata ?? {},
  };
}
