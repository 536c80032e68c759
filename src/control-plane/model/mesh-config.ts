// The slice of Istio's MeshConfig that Pilot's translation reads, with Istio's defaults and the
// local runtime's gateway port mapping.
import type { HTTPRetry } from './api-types.js';

export interface MeshConfig {
  /** Config placed here applies mesh-wide (PeerAuthentication, exported DestinationRules). */
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly clusterDomain: string;
  /** ALLOW_ANY sends unknown destinations to PassthroughCluster; REGISTRY_ONLY to BlackHoleCluster. */
  readonly outboundTrafficPolicy: { readonly mode: 'ALLOW_ANY' | 'REGISTRY_ONLY' };
  /** Default upstream connect timeout (Istio: 10s). */
  readonly connectTimeout: string;
  /** Use Istio mTLS towards endpoints that have a sidecar, unless a DestinationRule says otherwise. */
  readonly enableAutoMtls: boolean;
  /** Retry policy for routes that set none; Istio's built-in default when undefined. */
  readonly defaultHttpRetryPolicy?: HTTPRetry;
  /** Port of the outbound capture listener (`virtualOutbound`). */
  readonly proxyListenPort: number;
  /** Port of the inbound capture listener (`virtualInbound`). */
  readonly proxyInboundListenPort: number;
  /**
   * Port of the sidecar's explicit HTTP proxy listener (Istio's `proxyHttpPort`), 0 for none.
   * Skiff's local runtime points apps' HTTP_PROXY here; a proxy's `HTTP_PROXY_PORT` metadata
   * overrides it.
   */
  readonly proxyHttpPort: number;
  /**
   * Gateway servers on ports below 1024 listen at port + this offset, as Istio's gateway
   * deployment maps 80 → 8080 (its Service targetPort); 0 to listen on the port itself.
   */
  readonly gatewayPrivilegedPortOffset: number;
  /** Namespaces a resource without `exportTo` is visible to: `*` (Istio's default). */
  readonly defaultExportTo: string;
  /** Where proxies write access logs (`/dev/stdout`); empty for none (Istio's default profile). */
  readonly accessLogFile?: string;
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  /** A custom text format; Istio's default when unset. */
  readonly accessLogFormat?: string;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  clusterDomain: 'cluster.local',
  outboundTrafficPolicy: Object.freeze({ mode: 'ALLOW_ANY' as const }),
  connectTimeout: '10s',
  enableAutoMtls: true,
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  proxyHttpPort: 0,
  gatewayPrivilegedPortOffset: 8000,
  defaultExportTo: '*',
});

export function meshConfigWith(overrides: Partial<MeshConfig> = {}): MeshConfig {
  return Object.freeze({ ...DEFAULT_MESH_CONFIG, ...overrides });
}

/** The port a gateway listener binds for a Gateway server port. */
export function gatewayListenerPort(serverPort: number, mesh: MeshConfig): number {
  return serverPort < 1024 && mesh.gatewayPrivilegedPortOffset > 0 ? serverPort + mesh.gatewayPrivilegedPortOffset : serverPort;
}
