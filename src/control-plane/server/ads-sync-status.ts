// Per-proxy sync status for `proxy-status`: for each xDS type what was sent, what the proxy
// acknowledged, and the states istioctl prints (SYNCED, NOT SENT, STALE).

import { TYPE_URL, shortTypeName } from '../../xds/index.js';
import type { AdsConnection, TypeWatch } from './ads-connection.js';
import type { ProxySyncStatus, XdsSyncState, XdsTypeSyncStatus } from './ads-types.js';

/** The types proxy-status always lists, in its column order. */
const LISTED_TYPES: readonly string[] = [TYPE_URL.CLUSTER, TYPE_URL.LISTENER, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, TYPE_URL.ROUTE_CONFIGURATION];

function syncState(watch: TypeWatch | undefined): XdsSyncState {
  if (!watch?.nonceSent) return 'NOT SENT';
  if (watch.nonceAcked === watch.nonceSent) return 'SYNCED';
  if (watch.nonceAcked === undefined) return 'STALE (Never Acknowledged)';
  return 'STALE';
}

function typeStatus(typeUrl: string, watch: TypeWatch | undefined): XdsTypeSyncStatus {
  return {
    typeUrl,
    type: shortTypeName(typeUrl),
    state: syncState(watch),
    nacked: !!watch?.lastNack && watch.lastNack.nonce === watch.nonceSent,
    subscribed: watch ? (watch.wildcard ? '*' : [...watch.names]) : null,
    versionSent: watch?.versionSent ?? null,
    nonceSent: watch?.nonceSent ?? null,
    versionAcked: watch?.versionAcked ?? null,
    nonceAcked: watch?.nonceAcked ?? null,
    resourcesSent: watch?.resourcesSent ?? 0,
    lastSentAt: watch?.lastSentAt?.toISOString() ?? null,
    lastNack: watch?.lastNack ?? null,
    generateError: watch?.generateError ?? null,
  };
}

function metadataString(metadata: Record<string, unknown>, key: string): string | null {
  const v = metadata[key];
  return typeof v === 'string' ? v : null;
}

export function proxySyncStatus(connection: AdsConnection): ProxySyncStatus {
  const { proxy } = connection;
  const others = [...connection.watches.keys()].filter((t) => !LISTED_TYPES.includes(t)).sort();
  return {
    connectionId: proxy.connectionId,
    nodeId: proxy.nodeId,
    proxyType: proxy.parsed.type,
    podName: proxy.parsed.podName,
    namespace: proxy.parsed.namespace,
    istioVersion: metadataString(proxy.metadata, 'ISTIO_VERSION'),
    clusterId: metadataString(proxy.metadata, 'CLUSTER_ID'),
    connectedAt: proxy.connectedAt.toISOString(),
    peer: proxy.peer,
    xds: [...LISTED_TYPES, ...others].map((t) => typeStatus(t, connection.watches.get(t))),
  };
}
