// /debug/config_dump?proxyID=…: one proxy's config in Envoy's admin ConfigDump shape
// (envoy.admin.v3: Bootstrap, Clusters, Listeners, Routes, Endpoints config dumps), built from
// the resources the ADS server last sent that proxy, or (`?source=current`) from what the current
// push would send it now. Resources are decoded from the bytes sent, so they read exactly as the
// proxy's own /config_dump shows them, `@type` included.
import { TYPE_URL, unpackAny, type JsonObject, type JsonValue } from '../../xds/index.js';
import type { ProxyResources, TypeResources } from './ads-server.js';
import type { ConnectedProxy, XdsTypeSyncStatus } from './ads-types.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export type DumpSource = 'sent' | 'current';

interface EntryStatus {
  readonly lastUpdated?: string;
  readonly clientStatus?: 'ACKED' | 'NACKED';
  readonly errorState?: JsonObject;
}

/** ACKED/NACKED of the last response, as Envoy's config dump marks each resource. */
function entryStatus(sync: XdsTypeSyncStatus | undefined, source: DumpSource): EntryStatus {
  if (!sync || source !== 'sent') return {};
  const lastUpdated = sync.lastSentAt ?? undefined;
  if (sync.nacked && sync.lastNack) {
    return { lastUpdated, clientStatus: 'NACKED', errorState: { details: sync.lastNack.message, last_update_attempt: sync.lastNack.at, version_info: sync.versionSent ?? '' } };
  }
  if (sync.nonceSent !== null && sync.nonceSent === sync.nonceAcked) return { lastUpdated, clientStatus: 'ACKED' };
  return { lastUpdated };
}

function decorate(entry: JsonObject, status: EntryStatus): JsonObject {
  if (status.lastUpdated) entry.last_updated = status.lastUpdated;
  if (status.clientStatus) entry.client_status = status.clientStatus;
  if (status.errorState) entry.error_state = status.errorState;
  return entry;
}

function decoded(t: TypeResources | undefined): { name: string; json: JsonObject }[] {
  return (t?.resources ?? []).map((r) => ({ name: r.name, json: unpackAny(r.resource) }));
}

function bootstrap(proxy: ConnectedProxy): JsonObject {
  const node: JsonObject = { id: proxy.nodeId };
  if (proxy.node.cluster) node.cluster = proxy.node.cluster;
  if (Object.keys(proxy.metadata).length > 0) node.metadata = proxy.metadata;
  if (proxy.node.user_agent_name) node.user_agent_name = proxy.node.user_agent_name;
  if (proxy.node.user_agent_version) node.user_agent_version = proxy.node.user_agent_version;
  return {
    '@type': `${ADMIN}BootstrapConfigDump`,
    bootstrap: { node, dynamic_resources: { ads_config: { api_type: 'GRPC', transport_api_version: 'V3' }, cds_config: { ads: {} }, lds_config: { ads: {} } } },
  };
}

export function buildConfigDump(resources: ProxyResources, sync: readonly XdsTypeSyncStatus[], source: DumpSource): { configs: JsonValue[]; errors?: JsonObject } {
  const byType = new Map(resources.types.map((t) => [t.typeUrl, t]));
  const syncOf = (typeUrl: string) => sync.find((s) => s.typeUrl === typeUrl);
  const versionOf = (typeUrl: string) => byType.get(typeUrl)?.version ?? '';
  const status = (typeUrl: string) => entryStatus(syncOf(typeUrl), source);

  const clusters: JsonObject = {
    '@type': `${ADMIN}ClustersConfigDump`,
    version_info: versionOf(TYPE_URL.CLUSTER),
    dynamic_active_clusters: decoded(byType.get(TYPE_URL.CLUSTER)).map((r) =>
      decorate({ version_info: versionOf(TYPE_URL.CLUSTER), cluster: r.json }, status(TYPE_URL.CLUSTER))),
  };
  const listeners: JsonObject = {
    '@type': `${ADMIN}ListenersConfigDump`,
    version_info: versionOf(TYPE_URL.LISTENER),
    dynamic_listeners: decoded(byType.get(TYPE_URL.LISTENER)).map((r) => {
      const s = status(TYPE_URL.LISTENER);
      const active: JsonObject = { version_info: versionOf(TYPE_URL.LISTENER), listener: r.json };
      if (s.lastUpdated) active.last_updated = s.lastUpdated;
      return decorate({ name: r.name, active_state: active }, { ...s, lastUpdated: undefined });
    }),
  };
  const routes: JsonObject = {
    '@type': `${ADMIN}RoutesConfigDump`,
    dynamic_route_configs: decoded(byType.get(TYPE_URL.ROUTE_CONFIGURATION)).map((r) =>
      decorate({ version_info: versionOf(TYPE_URL.ROUTE_CONFIGURATION), route_config: r.json }, status(TYPE_URL.ROUTE_CONFIGURATION))),
  };
  const endpoints: JsonObject = {
    '@type': `${ADMIN}EndpointsConfigDump`,
    dynamic_endpoint_configs: decoded(byType.get(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT)).map((r) =>
      decorate({ version_info: versionOf(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT), endpoint_config: r.json }, status(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT))),
  };
  const failed = resources.types.filter((t) => t.error !== undefined);
  const out: { configs: JsonValue[]; errors?: JsonObject } = { configs: [bootstrap(resources.proxy), clusters, listeners, routes, endpoints] };
  if (failed.length > 0) out.errors = Object.fromEntries(failed.map((t) => [t.typeUrl, t.error!]));
  return out;
}
