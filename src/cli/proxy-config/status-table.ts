// `proxy-status`'s table, istioctl's columns: NAME (POD.NAMESPACE, Istio's proxy id), CLUSTER,
// the state of CDS, LDS, EDS, RDS and ECDS (SYNCED, NOT SENT, STALE, STALE (Never Acknowledged);
// NACK when the proxy rejected the latest response), ISTIOD and VERSION.
import type { SyncStatusEntry } from '../../control-plane/server/debug-syncz.js';
import { tabWrite } from './tab-writer.js';

const COLUMNS = ['CDS', 'LDS', 'EDS', 'RDS'] as const;

function stateOf(entry: SyncStatusEntry, type: string): string {
  return entry.xds.find((x) => x.type === type)?.state ?? 'NOT SENT';
}

/** `productpage-v1-abc.default`: Istio's proxy id, the node id's third part. */
export function proxyName(entry: SyncStatusEntry): string {
  return `${entry.pod}.${entry.namespace}`;
}

function version(entry: SyncStatusEntry): string {
  if (entry.istio_version) return entry.istio_version;
  // istioctl falls back to the proxy's own version, starred, when the Istio version is unknown.
  return entry.proxy_version ? `${entry.proxy_version}*` : '-';
}

export function statusTable(entries: readonly SyncStatusEntry[], only?: (e: SyncStatusEntry) => boolean): string {
  const chosen = entries.filter((e) => !only || only(e))
    .sort((a, b) => a.cluster_id.localeCompare(b.cluster_id) || proxyName(a).localeCompare(proxyName(b)));
  const rows: string[][] = [['NAME', 'CLUSTER', ...COLUMNS, 'ECDS', 'ISTIOD', 'VERSION']];
  for (const e of chosen) {
    rows.push([proxyName(e), e.cluster_id, ...COLUMNS.map((t) => stateOf(e, t)), e.extensionconfig_sent ? 'SYNCED' : 'NOT SENT', e.istiod, version(e)]);
  }
  return tabWrite(rows, 5);
}
