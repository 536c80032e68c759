// /config_dump in Envoy's shape: one *ConfigDump per xDS kind, resources as received.

import type { ProxyConfigSource } from '../config-source.js';
import type { ProxyServer } from '../proxy.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export function configDump(server: ProxyServer, source: ProxyConfigSource, includeEds: boolean): unknown {
  const s = server.current;
  const configs: unknown[] = [
    {
      '@type': `${ADMIN}BootstrapConfigDump`,
      bootstrap: {
        node: { id: server.identity.nodeId, cluster: server.identity.cluster, user_agent_name: 'skiff-proxy' },
        dynamic_resources: { ads_config: { api_type: 'GRPC', transport_api_version: 'V3' }, cds_config: { ads: {} }, lds_config: { ads: {} } },
      },
    },
    {
      '@type': `${ADMIN}ClustersConfigDump`,
      version_info: s.versions.cluster,
      dynamic_active_clusters: [...s.clusters.values()].map((e) => ({ version_info: e.version, cluster: e.raw, last_updated: e.lastUpdated })),
    },
    {
      '@type': `${ADMIN}ListenersConfigDump`,
      version_info: s.versions.listener,
      dynamic_listeners: [...s.listeners.values()].map((e) => ({
        name: e.name,
        active_state: { version_info: e.version, listener: e.raw, last_updated: e.lastUpdated },
      })),
    },
    {
      '@type': `${ADMIN}RoutesConfigDump`,
      dynamic_route_configs: [...s.routes.values()].map((e) => ({ version_info: e.version, route_config: e.raw, last_updated: e.lastUpdated })),
    },
  ];
  configs.push({
    '@type': `${ADMIN}SecretsConfigDump`,
    dynamic_active_secrets: [...s.secrets.values()].map((e) => ({ name: e.name, version_info: e.version, last_updated: e.lastUpdated, secret: redact(e.raw) })),
  });
  if (includeEds) {
    configs.push({
      '@type': `${ADMIN}EndpointsConfigDump`,
      dynamic_endpoint_configs: [...s.endpoints.values()].map((e) => ({ version_info: e.version, endpoint_config: e.raw, last_updated: e.lastUpdated })),
    });
  }
  const status = (source as { status?: () => unknown }).status?.();
  return status === undefined ? { configs } : { configs, xds_status: status };
}

/** Private keys never leave the proxy: Envoy prints them as "[redacted]" too. */
function redact(secret: unknown): unknown {
  if (!secret || typeof secret !== 'object') return secret;
  const copy = JSON.parse(JSON.stringify(secret)) as Record<string, unknown>;
  const cert = (copy.tls_certificate ?? copy.tlsCertificate) as Record<string, unknown> | undefined;
  if (cert) {
    if ('private_key' in cert) cert.private_key = { inline_string: '[redacted]' };
    if ('privateKey' in cert) cert.privateKey = { inline_string: '[redacted]' };
  }
  return copy;
}
