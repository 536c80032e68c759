// Builders for Envoy v3 resources in proto3 JSON, shaped like Istio's, for tests of the proxy.
// Not loaded by the proxy itself.

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

export function staticCluster(name: string, ports: number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: ports.map((port) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } })) }] },
    ...extra,
  };
}

export function edsCluster(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name }, ...extra };
}

export function loadAssignment(name: string, ports: number[], extra: { health?: string[]; priority?: number[] } = {}): Record<string, unknown> {
  return {
    cluster_name: name,
    endpoints: ports.map((port, i) => ({
      priority: extra.priority?.[i] ?? 0,
      lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } }, health_status: extra.health?.[i] ?? 'HEALTHY' }],
    })),
  };
}

export function httpFilters(extra: unknown[] = []): unknown[] {
  return [...extra, { name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }];
}

export function hcm(routeSource: { rds: string } | { routeConfig: unknown }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@type': HCM,
    stat_prefix: 'test',
    ...('rds' in routeSource
      ? { rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: routeSource.rds } }
      : { route_config: routeSource.routeConfig }),
    http_filters: httpFilters(),
    ...extra,
  };
}

/** A bound HTTP listener on 127.0.0.1 (port 0 = any free port). */
export function httpListener(name: string, port: number, connectionManager: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: connectionManager }] }],
    ...extra,
  };
}

export function routeConfig(name: string, virtualHosts: unknown[]): Record<string, unknown> {
  return { name, virtual_hosts: virtualHosts };
}

export function virtualHost(name: string, domains: string[], routes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, domains, routes, ...extra };
}
