// The HTTP connection manager network filter, as Istio configures it for each kind of listener:
// routes by RDS name (outbound, gateway) or inline (inbound), and the HTTP filters whose
// per-route configuration translation emits (fault, CORS), ending with the router.
import { TYPE_URL } from '../../xds/type-urls.js';
import { adsConfigSource, typed, type Json } from './envoy-common.js';

export type ListenerClass = 'sidecar-outbound' | 'sidecar-inbound' | 'gateway' | 'http-proxy';

export interface HcmOptions {
  readonly statPrefix: string;
  readonly listenerClass: ListenerClass;
  /** RDS route configuration name; exclusive with `routeConfig`. */
  readonly rds?: string;
  readonly routeConfig?: Json;
}

function httpFilters(): Json[] {
  return [
    { name: 'envoy.filters.http.fault', typed_config: typed(TYPE_URL.HTTP_FAULT) },
    { name: 'envoy.filters.http.cors', typed_config: typed(TYPE_URL.CORS) },
    { name: 'envoy.filters.http.router', typed_config: typed(TYPE_URL.ROUTER) },
  ];
}

export function httpConnectionManager(options: HcmOptions): Json {
  const hcm: Json = { stat_prefix: options.statPrefix };
  if (options.rds !== undefined) hcm.rds = { config_source: adsConfigSource(), route_config_name: options.rds };
  else hcm.route_config = options.routeConfig;
  hcm.http_filters = httpFilters();
  hcm.server_name = 'istio-envoy';
  // Gateways are the edge: they trust no X-Forwarded-For and sanitize client cert headers.
  hcm.use_remote_address = options.listenerClass === 'gateway';
  if (options.listenerClass === 'sidecar-inbound') {
    hcm.forward_client_cert_details = 'APPEND_FORWARD';
    hcm.set_current_client_cert_details = { subject: true, dns: true, uri: true };
  } else if (options.listenerClass === 'gateway') {
    hcm.forward_client_cert_details = 'SANITIZE_SET';
    hcm.set_current_client_cert_details = { subject: true, dns: true, uri: true };
  }
  if (options.listenerClass === 'http-proxy') hcm.http_protocol_options = { allow_absolute_url: true };
  hcm.upgrade_configs = [{ upgrade_type: 'websocket' }];
  hcm.stream_idle_timeout = '0s';
  hcm.normalize_path = true;
  hcm.path_with_escaped_slashes_action = 'KEEP_UNCHANGED';
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: typed(TYPE_URL.HTTP_CONNECTION_MANAGER, hcm) };
}

export function tcpProxy(statPrefix: string, target: { cluster: string } | { weighted: { name: string; weight: number }[] }): Json {
  const config: Json = { stat_prefix: statPrefix };
  if ('cluster' in target) config.cluster = target.cluster;
  else config.weighted_clusters = { clusters: target.weighted };
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: typed(TYPE_URL.TCP_PROXY, config) };
}
