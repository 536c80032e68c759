// /debug/syncz: every connected proxy's sync state, in istiod's SyncStatus JSON (`proxy`,
// `cluster_id`, `cluster_sent`/`cluster_acked` nonces per type, which istioctl reads) plus the
// details Skiff keeps per type: state, versions, the last NACK.
import { TYPE_URL } from '../../xds/index.js';
import type { ProxySyncStatus, XdsTypeSyncStatus } from './ads-types.js';

/** Istio's default cluster id, when a proxy does not say which cluster it runs in. */
export const DEFAULT_CLUSTER_ID = 'Kubernetes';

export interface SyncTypeDetail {
  readonly type: string;
  readonly type_url: string;
  /** SYNCED, NOT SENT, STALE, STALE (Never Acknowledged), or NACK when the latest response was rejected. */
  readonly state: string;
  readonly nacked: boolean;
  readonly version_sent: string | null;
  readonly version_acked: string | null;
  readonly resources_sent: number;
  readonly last_sent: string | null;
  readonly last_nack: { readonly nonce: string; readonly version: string; readonly message: string; readonly at: string } | null;
  readonly generate_error: string | null;
}

export interface SyncStatusEntry {
  readonly cluster_id: string;
  readonly proxy: string;
  readonly proxy_type: string;
  readonly proxy_version: string;
  readonly istio_version: string;
  readonly cluster_sent: string;
  readonly cluster_acked: string;
  readonly listener_sent: string;
  readonly listener_acked: string;
  readonly route_sent: string;
  readonly route_acked: string;
  readonly endpoint_sent: string;
  readonly endpoint_acked: string;
  readonly extensionconfig_sent: string;
  readonly extensionconfig_acked: string;
  /** The control plane that serves the proxy (istioctl's ISTIOD column). */
  readonly istiod: string;
  readonly connection_id: string;
  readonly pod: string;
  readonly namespace: string;
  readonly connected_at: string;
  readonly xds: readonly SyncTypeDetail[];
}

function detail(t: XdsTypeSyncStatus): SyncTypeDetail {
  return {
    type: t.type,
    type_url: t.typeUrl,
    state: t.nacked ? 'NACK' : t.state,
    nacked: t.nacked,
    version_sent: t.versionSent,
    version_acked: t.versionAcked,
    resources_sent: t.resourcesSent,
    last_sent: t.lastSentAt,
    last_nack: t.lastNack ? { nonce: t.lastNack.nonce, version: t.lastNack.versionInfo, message: t.lastNack.message, at: t.lastNack.at } : null,
    generate_error: t.generateError,
  };
}

export function syncz(statuses: readonly ProxySyncStatus[], istiod: string, proxyVersion: (nodeId: string) => string): SyncStatusEntry[] {
  return statuses.map((s) => {
    const of = (typeUrl: string) => s.xds.find((x) => x.typeUrl === typeUrl);
    const sent = (typeUrl: string) => of(typeUrl)?.nonceSent ?? '';
    const acked = (typeUrl: string) => of(typeUrl)?.nonceAcked ?? '';
    return {
      cluster_id: s.clusterId ?? DEFAULT_CLUSTER_ID,
      proxy: s.nodeId,
      proxy_type: s.proxyType,
      proxy_version: proxyVersion(s.nodeId),
      istio_version: s.istioVersion ?? '',
      cluster_sent: sent(TYPE_URL.CLUSTER),
      cluster_acked: acked(TYPE_URL.CLUSTER),
      listener_sent: sent(TYPE_URL.LISTENER),
      listener_acked: acked(TYPE_URL.LISTENER),
      route_sent: sent(TYPE_URL.ROUTE_CONFIGURATION),
      route_acked: acked(TYPE_URL.ROUTE_CONFIGURATION),
      endpoint_sent: sent(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT),
      endpoint_acked: acked(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT),
      // Skiff's control plane serves no ECDS: the column reads NOT SENT, as for Istio proxies without extension configs.
      extensionconfig_sent: '',
      extensionconfig_acked: '',
      istiod,
      connection_id: s.connectionId,
      pod: s.podName,
      namespace: s.namespace,
      connected_at: s.connectedAt,
      xds: s.xds.map(detail),
    };
  });
}
